import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { render, WASM_SOURCES } from '../../../scripts/build-wasm.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('committed wasm bytes', () => {
  it.each(
    WASM_SOURCES.map((s) => [s.out, s] as const),
  )('%s is what its .wat assembles to', async (out, s) => {
    // stale? run `pnpm wasm` and commit the result
    expect(readFileSync(`${root}${out}`, 'utf8')).toBe(await render(s, root));
  });

  it.each(WASM_SOURCES.map((s) => [s.out, s] as const))('%s stays under 4 KB', async (out, s) => {
    // Chrome refuses synchronous compiles of bigger modules on the main thread
    const b64 = /'([^']*)'/g;
    const text = readFileSync(`${root}${out}`, 'utf8');
    const bytes = [...text.matchAll(b64)].map((x) => x[1]).join('');
    expect((bytes.length * 3) / 4).toBeLessThan(4096);
  });
});
