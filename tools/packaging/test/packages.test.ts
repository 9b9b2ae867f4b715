import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LintResult,
  listPackages,
  lintTarball,
  mapLimit,
  type Packed,
  packPackages,
  requireBuilt,
  root,
  run,
  tempDir,
} from './helpers.js';

/**
 * What `pnpm publish` would upload, per public package: `pnpm pack` (which rewrites workspace:^
 * ranges), then publint --strict and attw --profile esm-only on the tarball, the tarball's file
 * list, and the packaging fields every public package must have.
 */
const pkgs = listPackages(root);
const tmp = tempDir('pack');
let packed = new Map<string, Packed>();
let lints = new Map<string, LintResult>();
let listings = new Map<string, string[]>();

beforeAll(async () => {
  requireBuilt(pkgs);
  const tarballs = await packPackages(pkgs, tmp.dir, { root });
  packed = new Map(tarballs.map((t) => [t.name, t]));
  const results = await mapLimit(tarballs, 2, async (t) => {
    const lint = await lintTarball(t.tarball, { root });
    const tar = await run('tar', ['-tzf', t.tarball]);
    return [t.name, lint, tar.stdout.split('\n').filter(Boolean)] as const;
  });
  lints = new Map(results.map(([n, l]) => [n, l]));
  listings = new Map(results.map(([n, , files]) => [n, files]));
}, 600_000);

afterAll(() => tmp.cleanup());

it('finds the public packages', () => {
  expect(pkgs.length).toBeGreaterThanOrEqual(12);
});

describe.each(pkgs.map((p) => [p.name, p] as const))('%s', (name, pkg) => {
  it('passes publint --strict on its tarball', () => {
    const r = lints.get(name);
    expect(r, 'not packed').toBeDefined();
    expect(r?.publint.ok, r?.publint.output).toBe(true);
  });

  it('passes attw --profile esm-only on its tarball', () => {
    const r = lints.get(name);
    expect(r, 'not packed').toBeDefined();
    expect(r?.attw.ok, r?.attw.output).toBe(true);
  });

  it('ships dist, types, README, LICENSE, CHANGELOG and no tests', () => {
    const files = listings.get(name) ?? [];
    for (const f of [
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
    ]) {
      expect(files, f).toContain(`package/${f}`);
    }
    const stray = files.filter((f) =>
      /\.test\.ts$|(^|\/)(test|node_modules|\.turbo)\/|tsconfig|tsup\.config/.test(f),
    );
    expect(stray).toEqual([]);
  });

  it('packs with concrete dependency ranges (no workspace: protocol)', async () => {
    const t = packed.get(name);
    expect(t, 'not packed').toBeDefined();
    const r = await run('tar', ['-xzOf', t?.tarball ?? '', 'package/package.json']);
    const pj = JSON.parse(r.stdout);
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
      for (const [dep, range] of Object.entries((pj[field] ?? {}) as Record<string, string>)) {
        expect(range, `${field}.${dep}`).not.toMatch(/^workspace:/);
      }
    }
    expect(pj.version).toBe(pkg.version);
  });

  it('has the packaging fields: ESM only, exports with types, sideEffects, engines, license, repository', () => {
    const pj = JSON.parse(readFileSync(path.join(pkg.dir, 'package.json'), 'utf8'));
    expect(pj.type).toBe('module');
    expect(pj.sideEffects).toBe(false);
    expect(pj.engines?.node).toBe('>=20.19');
    expect(pj.license).toBe('MIT');
    expect(pj.repository).toEqual({
      type: 'git',
      url: expect.stringMatching(/^git\+https:\/\//),
      directory: path.relative(root, pkg.dir).split(path.sep).join('/'),
    });
    expect(pj.publishConfig?.access).toBe('public');
    expect(pj.files).toEqual(expect.arrayContaining(['dist', 'CHANGELOG.md', 'LICENSE']));
    // one entry point; types first among the conditions a consumer sees; no CommonJS build
    const dot = pj.exports?.['.'];
    expect(Object.keys(pj.exports)).toEqual(['.', './package.json']);
    expect(Object.keys(dot).filter((k) => k !== '@kindling/source')).toEqual(['types', 'default']);
    expect(dot.types).toBe('./dist/index.d.ts');
    expect(dot.default).toBe('./dist/index.js');
    // in-repo development resolves sources through the custom condition (vitest, tsconfig)
    expect(dot['@kindling/source']).toBe('./src/index.ts');
    expect(JSON.stringify(pj.exports)).not.toMatch(/require|\.c[jt]s"/);
  });
});
