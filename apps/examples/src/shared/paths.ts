import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** apps/examples, found by walking up from this module (src/shared in tests, dist/ when built). */
export function examplesRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === '@kindling/examples')
      return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the @kindling/examples package root');
    dir = up;
  }
}

/** A file under apps/examples/data. */
export function dataPath(...parts: string[]): string {
  return join(examplesRoot(), 'data', ...parts);
}

/** Where logs, curves and checkpoints go: `out` when given, else apps/examples/out (gitignored). */
export function outDir(out?: string): string {
  return out ? resolve(out) : join(examplesRoot(), 'out');
}
