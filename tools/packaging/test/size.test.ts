import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { dependencyClosure, listPackages, requireBuilt, root, run } from './helpers.js';

/**
 * The bundle-size budget: a small training app (tools/packaging/size/app.ts: Sequential of
 * Linear + ReLU, MSELoss, SGD, the CPU backend) bundled from the published builds the way an app
 * would (esbuild, platform browser, minified, tree-shaken) must stay within the limit in
 * .size-limit.json (minified + brotli, the size-limit 12 default) and must not pull in recurrent,
 * transformer or WebGPU code. `pnpm size` runs the same check through size-limit itself.
 */
interface SizeCheck {
  name: string;
  path: string;
  limit: string;
}
const checks = JSON.parse(readFileSync(path.join(root, '.size-limit.json'), 'utf8')) as SizeCheck[];
const app = checks[0];
/** size-limit's units (bytes-iec): kB is 1,000 bytes, KiB 1,024. */
function parseLimit(s: string): number {
  const m = /^\s*([\d.]+)\s*(B|kB|KiB|MB|MiB)\s*$/.exec(s);
  if (!m) throw new Error(`cannot read size limit ${s}`);
  const unit = { B: 1, kB: 1e3, KiB: 1024, MB: 1e6, MiB: 1024 ** 2 }[m[2] as 'B'];
  return Math.round(Number(m[1]) * unit);
}
const limit = parseLimit(app.limit);

/** Strings only recurrent, transformer or WebGPU code contains (class names, WebGPU API calls). */
const FORBIDDEN = [
  'LSTM',
  'GRUCell',
  'RNNCell',
  'PackedSequence',
  'MultiheadAttention',
  'TransformerEncoder',
  'scaledDotProductAttention',
  'createWebGPUBackend',
  'GPUBuffer',
  'GPUBufferUsage',
  'requestAdapter',
  'createComputePipeline',
  '@compute',
  '@workgroup_size',
];
/**
 * Text that may contain a forbidden word without being that code: string literals that show how to
 * import from @kindling/kernels-gpu (@kindling/tensor's "no backend registered" error message
 * tells the user how to register the WebGPU backend).
 */
const ALLOWED_MENTIONS = [/(["'`])[^"'`]*from '@kindling\/kernels-gpu'[^"'`]*\1/g];

let bundle = '';
let minified = 0;
let brotli = 0;
let inputs: Metafile['inputs'] = {};

beforeAll(async () => {
  requireBuilt(
    dependencyClosure(listPackages(root), [
      '@kindling/nn-layers',
      '@kindling/nn-losses',
      '@kindling/optim',
      '@kindling/kernels-cpu',
    ]),
  );
  const r = await build({
    entryPoints: [path.join(root, app.path)],
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    treeShaking: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const out = r.outputFiles[0].contents;
  bundle = new TextDecoder().decode(out);
  minified = out.length;
  brotli = brotliCompressSync(out, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  inputs = r.metafile.inputs;
  const perPackage = new Map<string, number>();
  const output = Object.values(r.metafile.outputs)[0];
  for (const [file, v] of Object.entries(output.inputs)) {
    const pkg = /(?:^|\/)packages\/([^/]+)\//.exec(file)?.[1] ?? path.dirname(file);
    perPackage.set(pkg, (perPackage.get(pkg) ?? 0) + v.bytesInOutput);
  }
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  console.log(
    `size budget: ${app.name}: ${kb(minified)} minified, ${kb(brotli)} brotli (limit ${app.limit}); per package (minified): ${[
      ...perPackage,
    ]
      .sort((a, b) => b[1] - a[1])
      .map(([p, n]) => `${p} ${kb(n)}`)
      .join(', ')}`,
  );
}, 120_000);

describe(`size budget: ${app.name}`, () => {
  it(`is at most ${app.limit} minified + brotli`, () => {
    expect(minified).toBeGreaterThan(10_000); // really bundled the library
    expect(brotli).toBeLessThanOrEqual(limit);
  });

  it('bundles the published builds, not sources, and nothing recurrent, transformer or WebGPU', () => {
    const files = Object.keys(inputs);
    expect(files.some((f) => /packages\/nn-layers\/dist\//.test(f))).toBe(true);
    expect(files.filter((f) => /packages\/[^/]+\/src\//.test(f))).toEqual([]);
    expect(files.filter((f) => /packages\/(nn-rnn|nn-transformer|kernels-gpu)\//.test(f))).toEqual([]);
  });

  it.each(FORBIDDEN)('contains no %s', (word) => {
    let text = bundle;
    for (const m of ALLOWED_MENTIONS) text = text.replace(m, '');
    expect(text.includes(word)).toBe(false);
  });

  it('passes size-limit with the .size-limit.json config', async () => {
    const r = await run(path.join(root, 'node_modules', '.bin', 'size-limit'), ['--json'], {
      cwd: root,
      timeout: 120_000,
    });
    const out = r.stdout.slice(r.stdout.indexOf('['));
    const results = JSON.parse(out) as { name: string; passed: boolean; size: number; sizeLimit: number }[];
    expect(results.map((x) => x.name)).toEqual(checks.map((c) => c.name));
    for (const x of results) expect(x.passed, `${x.name}: ${x.size} > ${x.sizeLimit}`).toBe(true);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);
});
