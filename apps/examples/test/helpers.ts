import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh output directory for one test's logs, curves and checkpoints. */
export const tmpOut = (name: string) => mkdtempSync(join(tmpdir(), `kindling-${name}-`));

/** Swallows the examples' progress lines. */
export const quiet = () => {};
