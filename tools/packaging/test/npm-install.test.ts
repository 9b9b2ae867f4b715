import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  dependencyClosure,
  listPackages,
  type Packed,
  packPackages,
  requireBuilt,
  root,
  run,
  tempDir,
} from './helpers.js';

/**
 * The published packages work on their own: the tarballs of @kindling/nn-layers and
 * @kindling/kernels-cpu and of everything they depend on are installed with plain `npm install`
 * into a blank project outside the workspace (offline, with an empty npm cache, so nothing can
 * come from a registry or from the workspace), type-checked as a consumer would (nodenext, no
 * skipLibCheck) and run: a Linear model trained with hand-written SGD whose loss falls.
 */
const WANT = ['@kindling/nn-layers', '@kindling/kernels-cpu'];
const pkgs = dependencyClosure(listPackages(root), WANT);
const tmp = tempDir('consumer');
const tarballDir = path.join(tmp.dir, 'tarballs');
const project = path.join(tmp.dir, 'project');
let tarballs: Packed[] = [];

const SMOKE = `import { Linear } from '@kindling/nn-layers';
import { cpuBackend } from '@kindling/kernels-cpu';
import { manualSeed, noGrad, randn, registerBackend, type Tensor, tensor } from '@kindling/tensor';

registerBackend(cpuBackend);
manualSeed(0);
const model = new Linear(3, 1);
const x = randn([64, 3]);
const y = x.matmul(tensor([[1.5], [-2], [0.5]])).add(0.25);
const losses: number[] = [];
for (let step = 0; step < 60; step++) {
  model.zeroGrad();
  const out: Tensor = model.call(x);
  const loss = out.sub(y).pow(2).mean();
  loss.backward();
  noGrad(() => {
    for (const p of model.parameters()) p.sub_(p.grad!.mul(0.1));
  });
  losses.push(await loss.item());
}
const names = [...model.namedParameters()].map(([n]) => n);
console.log(JSON.stringify({ losses, names }));
`;

beforeAll(async () => {
  requireBuilt(pkgs);
  mkdirSync(tarballDir, { recursive: true });
  mkdirSync(project, { recursive: true });
  tarballs = await packPackages(pkgs, tarballDir, {
    root,
  });
  writeFileSync(
    path.join(project, 'package.json'),
    `${JSON.stringify({ name: 'kindling-consumer', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  writeFileSync(path.join(project, 'smoke.mts'), SMOKE);
  // a consumer's strict Node ESM setup; the .d.ts files are checked too (no skipLibCheck)
  const compilerOptions = {
    noEmit: true,
    strict: true,
    skipLibCheck: false,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    lib: ['es2022', 'dom'],
    types: [],
  };
  writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions, files: ['smoke.mts'] }),
  );
}, 300_000);

afterAll(() => tmp.cleanup());

it('packs nn-layers, kernels-cpu and their dependencies', () => {
  expect(pkgs.map((p) => p.name).sort()).toEqual(
    [
      '@kindling/autograd',
      '@kindling/kernels-cpu',
      '@kindling/nn-layers',
      '@kindling/ops',
      '@kindling/tensor',
    ].sort(),
  );
  expect(tarballs).toHaveLength(pkgs.length);
});

it('npm installs the tarballs offline into a project outside the workspace', async () => {
  expect(path.relative(root, project).startsWith('..')).toBe(true);
  const r = await run(
    'npm',
    [
      'install',
      '--offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--no-package-lock',
      '--cache',
      path.join(tmp.dir, 'npm-cache'),
      ...tarballs.map((t) => t.tarball),
    ],
    { cwd: project, timeout: 240_000 },
  );
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  for (const t of tarballs) {
    const dir = path.join(project, 'node_modules', ...t.name.split('/'));
    expect(existsSync(path.join(dir, 'dist', 'index.js')), t.name).toBe(true);
    // a real copy from the tarball, not a link back into the workspace
    expect(realpathSync(dir).startsWith(realpathSync(project)), t.name).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version).toBe(t.version);
  }
}, 300_000);

it('type-checks a consumer script against the installed .d.ts (nodenext, no skipLibCheck)', async () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, timeout: 120_000 });
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
}, 180_000);

it('trains a Linear model with nn-layers + kernels-cpu alone: the loss falls', async () => {
  // strip the types (the consumer's build step) and run the plain ESM with node
  const { transform } = await import('esbuild');
  const js = await transform(SMOKE, { loader: 'ts', format: 'esm', target: 'es2022' });
  writeFileSync(path.join(project, 'smoke.mjs'), js.code);
  const r = await run(process.execPath, ['smoke.mjs'], { cwd: project, timeout: 120_000 });
  expect(r.code, r.stderr).toBe(0);
  const { losses, names } = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
    losses: number[];
    names: string[];
  };
  expect(names).toEqual(['weight', 'bias']);
  expect(losses).toHaveLength(60);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses[59]).toBeLessThan(losses[0] * 0.05);
}, 180_000);
