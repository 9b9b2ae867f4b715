// Replays scripts/parity-extra/cases (PyTorch 1.13 cases beyond the shared suite) with the shared
// parity runner against the built packages. The runner lives outside this repository
// (../shared/parity/run.mjs, or KINDLING_PARITY_RUNNER); where it is absent, as in a clean
// clone, the test is skipped rather than copying the runner here. Build first: the runner
// imports each package's dist (of KINDLING_PARITY_ROOT when set, else of this checkout).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const runner = process.env.KINDLING_PARITY_RUNNER ?? resolve(root, '../shared/parity/run.mjs');
const casesDir = join(root, 'scripts/parity-extra/cases');
const target = process.env.KINDLING_PARITY_ROOT ?? root;
const built = existsSync(join(target, 'packages/tensor/dist/index.js'));
const ready = existsSync(runner) && existsSync(casesDir) && built;
const areas = existsSync(casesDir) ? readdirSync(casesDir).sort() : [];

describe.skipIf(!ready)('parity-extra cases (shared runner, cpu)', () => {
  for (const area of areas) {
    it(`${area}: every case passes`, () => {
      const out = execFileSync(
        process.execPath,
        [runner, '--root', target, '--cases', join(casesDir, area)],
        {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const last = out.trim().split('\n').at(-1) ?? '';
      // on failure, show the failing lines rather than the whole log
      const bad = out.split('\n').filter((l) => /^(FAIL|ERROR|MISSING) /.test(l));
      expect(bad, `${last}\n${bad.join('\n')}`).toEqual([]);
      expect(last).toMatch(/^\d+ passed, 0 failed$/);
    }, 600_000);
  }
});
