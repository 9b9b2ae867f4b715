import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
export {
  dependencyClosure,
  type LintResult,
  listPackages,
  lintTarball,
  mapLimit,
  type PackageInfo,
  type Packed,
  packPackages,
  type RunResult,
  run,
} from '../../../scripts/check-packages.mjs';
import type { PackageInfo } from '../../../scripts/check-packages.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Throws a clear error if a package's build output is missing (the tests use dist/, not src/). */
export function requireBuilt(pkgs: PackageInfo[]): void {
  const missing = pkgs
    .flatMap((p) => ['dist/index.js', 'dist/index.d.ts'].map((f) => path.join(p.dir, f)))
    .filter((f) => !existsSync(f));
  if (missing.length) {
    throw new Error(
      `build output missing (run \`pnpm build\` first; \`pnpm test\` does):\n  ${missing
        .map((f) => path.relative(root, f))
        .join('\n  ')}`,
    );
  }
}

/** A fresh directory under the OS temp dir (outside the workspace); removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `kindling-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
