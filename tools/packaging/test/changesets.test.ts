import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPackages, root, run, tempDir } from './helpers.js';

/**
 * Changesets versions each package alone: a changeset for one package bumps that package, and
 * only the packages that depend on it at run time get a patch release, when the new version is
 * out of their range. Each
 * case runs `changeset version` on a copy of the workspace's manifests, changesets config and
 * changelogs in a temp dir (no git needed: commit is false).
 */
const config = JSON.parse(readFileSync(path.join(root, '.changeset', 'config.json'), 'utf8'));
const publicPkgs = listPackages(root);
const allPkgs = listPackages(root, { includePrivate: true });
const workspaceDirs = ['packages', 'apps', 'tools'];

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function manifestFiles(): string[] {
  const out: string[] = [];
  for (const d of workspaceDirs) {
    if (!existsSync(path.join(root, d))) continue;
    for (const name of readdirSync(path.join(root, d))) {
      for (const f of ['package.json', 'CHANGELOG.md']) {
        if (existsSync(path.join(root, d, name, f))) out.push(path.join(d, name, f));
      }
    }
  }
  return out;
}

function readManifests(dir: string): Map<string, Manifest & { file: string }> {
  const out = new Map<string, Manifest & { file: string }>();
  for (const f of manifestFiles().filter((x) => x.endsWith('package.json'))) {
    const pj = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Manifest;
    out.set(pj.name, { ...pj, file: f });
  }
  return out;
}

/** Copies the manifests into a temp workspace, writes the changeset, runs `changeset version`. */
async function versionWith(changeset: Record<string, 'major' | 'minor' | 'patch'>, summary: string) {
  const tmp = tempDir('changesets');
  try {
    for (const f of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json', ...manifestFiles()]) {
      mkdirSync(path.dirname(path.join(tmp.dir, f)), { recursive: true });
      copyFileSync(path.join(root, f), path.join(tmp.dir, f));
    }
    const front = Object.entries(changeset)
      .map(([n, b]) => `'${n}': ${b}`)
      .join('\n');
    writeFileSync(path.join(tmp.dir, '.changeset', 'sample-change.md'), `---\n${front}\n---\n\n${summary}\n`);
    const bin = path.join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
    const r = await run(process.execPath, [bin, 'version'], { cwd: tmp.dir, timeout: 60_000 });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const changelog = (name: string) => {
      const m = after.get(name);
      const f = m && path.join(tmp.dir, path.dirname(m.file), 'CHANGELOG.md');
      return f && existsSync(f) ? readFileSync(f, 'utf8') : '';
    };
    const after = readManifests(tmp.dir);
    const consumed = !existsSync(path.join(tmp.dir, '.changeset', 'sample-change.md'));
    const changelogs = new Map([...after.keys()].map((n) => [n, changelog(n)]));
    return { after, consumed, changelogs };
  } finally {
    tmp.cleanup();
  }
}

/** Public packages that list `name` in dependencies or peerDependencies. */
function dependantsOf(name: string): string[] {
  return publicPkgs
    .filter(
      (p) => Object.hasOwn(p.pj.dependencies ?? {}, name) || Object.hasOwn(p.pj.peerDependencies ?? {}, name),
    )
    .map((p) => p.name)
    .sort();
}

const before = readManifests(root);
const originalChangelog = (name: string) => {
  const p = allPkgs.find((x) => x.name === name);
  const f = p && path.join(p.dir, 'CHANGELOG.md');
  return f && existsSync(f) ? readFileSync(f, 'utf8') : '';
};

it('is configured to version every package on its own', () => {
  expect(config.fixed).toEqual([]);
  expect(config.linked).toEqual([]);
  expect(config.commit).toBe(false);
  expect(config.access).toBe('public');
  expect(config.privatePackages).toEqual({ version: false, tag: false });
  for (const n of config.ignore as string[]) expect(before.has(n), `ignored ${n} exists`).toBe(true);
});

it('has a CHANGELOG.md for every public package', () => {
  for (const p of publicPkgs) {
    const text = originalChangelog(p.name);
    expect(text, p.name).toMatch(new RegExp(`^# ${p.name.replace('/', '\\/')}\\n`));
    expect(text, p.name).toContain(`## ${p.version}`);
  }
});

describe.each([
  ['@kindling/nn-losses', 'minor'],
  ['@kindling/nn-layers', 'minor'],
  ['@kindling/ops', 'patch'],
] as const)('a changeset "%s: %s"', (target, bump) => {
  it('moves only that package and, by a patch, the packages depending on it', async () => {
    const summary = `Sample ${bump} change to ${target}.`;
    const { after, consumed, changelogs } = await versionWith({ [target]: bump }, summary);
    expect(consumed).toBe(true);

    const old = before.get(target)?.version ?? '';
    const [maj, min, pat] = old.split('.').map(Number);
    const expected = bump === 'minor' ? `${maj}.${min + 1}.0` : `${maj}.${min}.${pat + 1}`;
    // dependants get a patch release when the new version leaves their ^ range (with workspace:^
    // ranges, which pnpm pack turns into ^<version>): on 0.x a minor bump does, a patch does not
    const dependants = bump === 'patch' || (bump === 'minor' && maj > 0) ? [] : dependantsOf(target);

    const moved = [...after.values()]
      .filter((m) => m.version !== before.get(m.name)?.version)
      .map((m) => m.name);
    expect(after.get(target)?.version).toBe(expected);
    expect(moved.sort()).toEqual([target, ...dependants].sort());
    for (const d of dependants) {
      const [a, b, c] = (before.get(d)?.version ?? '').split('.').map(Number);
      expect(after.get(d)?.version, d).toBe(`${a}.${b}.${c + 1}`);
      expect(changelogs.get(d), d).toContain(`${target}@${expected}`);
    }
    // private packages never move; dependency ranges stay workspace:^ (pnpm pack makes them concrete)
    for (const m of after.values()) {
      if (m.private) expect(m.version, m.name).toBe(before.get(m.name)?.version);
      for (const [dep, range] of Object.entries({ ...m.dependencies, ...m.devDependencies })) {
        if (dep.startsWith('@kindling/')) expect(range, `${m.name} -> ${dep}`).toBe('workspace:^');
      }
    }
    // the changelog of the target gains the entry; untouched packages keep theirs
    const log = changelogs.get(target) ?? '';
    expect(log).toContain(`## ${expected}`);
    expect(log).toContain(bump === 'minor' ? '### Minor Changes' : '### Patch Changes');
    expect(log).toContain(summary);
    expect(log.indexOf(`## ${expected}`)).toBeLessThan(log.indexOf(`## ${old}`));
    for (const p of publicPkgs) {
      if (!moved.includes(p.name)) expect(changelogs.get(p.name), p.name).toBe(originalChangelog(p.name));
    }
  }, 60_000);
});
