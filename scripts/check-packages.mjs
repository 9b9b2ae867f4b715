#!/usr/bin/env node
// Checks what Kindling would publish: packs every public package the way `pnpm publish` would
// (`pnpm pack`, which rewrites workspace:^ ranges), then lints each tarball with
//
//   publint --strict <tarball>          (exports/files/types/module-format mistakes; warnings fail)
//   attw --profile esm-only <tarball>   (Are The Types Wrong: types resolve for node16-ESM and bundlers)
//
//   node scripts/check-packages.mjs [--root <dir>] [--only <name>[,<name>...]] [--keep] [--quiet]
//
// Run after `pnpm build` (the tarballs ship dist/). Prints one line per package and its tool output
// on failure, then "check-packages: OK (N packages)" and exits 0, or the failures and exits 1.
// Exits 2 if the script itself cannot run (no packages found, bad arguments, pnpm missing).
//
// The helpers are exported for the vitest tests under tools/packaging/test (which pack once and
// then check, install or bundle the tarballs).

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const defaultRoot = path.resolve(here, '..');

/** Runs a command; resolves with { code, stdout, stderr } (never rejects on a non-zero exit). */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        maxBuffer: 64 * 1024 * 1024,
        ...opts,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...(opts.env ?? {}) },
      },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
          return;
        }
        resolve({ code: err ? err.code : 0, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Every package under packages/* (and, with includePrivate, the private ones too), sorted by name. */
export function listPackages(root = defaultRoot, { includePrivate = false } = {}) {
  const dir = path.join(root, 'packages');
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const pjPath = path.join(dir, name, 'package.json');
    if (!existsSync(pjPath)) continue;
    const pj = JSON.parse(readFileSync(pjPath, 'utf8'));
    if (pj.private && !includePrivate) continue;
    out.push({ name: pj.name, version: pj.version, dir: path.join(dir, name), pj });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** `names` plus everything they depend on at run time (dependencies, peer, optional), within `pkgs`. */
export function dependencyClosure(pkgs, names) {
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const seen = new Set();
  const visit = (n) => {
    const p = byName.get(n);
    if (!p || seen.has(n)) return;
    seen.add(n);
    for (const f of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const d of Object.keys(p.pj[f] ?? {})) visit(d);
    }
  };
  for (const n of names) {
    if (!byName.has(n)) throw new Error(`unknown package ${n}`);
    visit(n);
  }
  return pkgs.filter((p) => seen.has(p.name));
}

/**
 * How to run pnpm: the pnpm that runs this script (`pnpm test` sets npm_execpath), else a pnpm on
 * PATH, else the root package.json's packageManager version through npx.
 */
export function pnpmCommand(root = defaultRoot) {
  const execpath = process.env.npm_execpath;
  if (execpath && /pnpm/.test(path.basename(execpath)) && existsSync(execpath)) {
    return /\.[cm]?js$/.test(execpath) ? [process.execPath, [execpath]] : [execpath, []];
  }
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    if (d && existsSync(path.join(d, 'pnpm'))) return [path.join(d, 'pnpm'), []];
  }
  const pm = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager ?? 'pnpm';
  return ['npx', ['-y', pm]];
}

/**
 * Packs each package with `pnpm pack` into `dest`; returns [{ name, version, dir, tarball }].
 * Fails if a package's build output (the files its exports point at) is missing: pack after a build.
 */
export async function packPackages(pkgs, dest, { root = defaultRoot, concurrency = 2 } = {}) {
  const [cmd, pre] = pnpmCommand(root);
  return mapLimit(pkgs, concurrency, async (p) => {
    const r = await run(cmd, [...pre, 'pack', '--pack-destination', dest], { cwd: p.dir });
    if (r.code !== 0) throw new Error(`pnpm pack ${p.name} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    const file = `${p.name.replace(/^@/, '').replace('/', '-')}-${p.version}.tgz`;
    const tarball = path.join(dest, file);
    if (!existsSync(tarball)) throw new Error(`pnpm pack ${p.name}: no ${tarball}\n${r.stdout}`);
    return { name: p.name, version: p.version, dir: p.dir, tarball };
  });
}

function bin(root, name) {
  const p = path.join(root, 'node_modules', '.bin', name);
  if (!existsSync(p)) throw new Error(`${name} is not installed (${p}); run pnpm install`);
  return p;
}

/** publint --strict and attw --profile esm-only on one tarball: { ok, publint, attw } (outputs). */
export async function lintTarball(tarball, { root = defaultRoot } = {}) {
  const pub = await run(bin(root, 'publint'), ['--strict', tarball], { cwd: path.dirname(tarball) });
  const attw = await run(
    bin(root, 'attw'),
    ['--profile', 'esm-only', '--format', 'ascii', '--no-emoji', '--no-color', tarball],
    { cwd: path.dirname(tarball) },
  );
  const publintOut = (pub.stdout + pub.stderr).trim();
  // publint prints "All good!" only when it found nothing at all (no suggestion either)
  const publintOk = pub.code === 0 && /All good!/.test(publintOut);
  return {
    ok: publintOk && attw.code === 0,
    publint: { ok: publintOk, code: pub.code, output: publintOut },
    attw: { ok: attw.code === 0, code: attw.code, output: (attw.stdout + attw.stderr).trim() },
  };
}

/** Packs and lints every public package (or `only`); returns [{ name, tarball, ok, publint, attw }]. */
export async function checkPackages({ root = defaultRoot, only, dest, concurrency = 2 } = {}) {
  let pkgs = listPackages(root);
  if (only?.length) {
    const unknown = only.filter((n) => !pkgs.some((p) => p.name === n));
    if (unknown.length) throw new Error(`not public packages: ${unknown.join(', ')}`);
    pkgs = pkgs.filter((p) => only.includes(p.name));
  }
  if (pkgs.length === 0) throw new Error(`no public packages under ${path.join(root, 'packages')}`);
  const packed = await packPackages(pkgs, dest, { root, concurrency });
  return mapLimit(packed, concurrency, async (p) => ({ ...p, ...(await lintTarball(p.tarball, { root })) }));
}

function parseArgs(argv) {
  const opts = { root: defaultRoot, only: [], keep: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (flag) => {
      if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
      const v = argv[++i];
      if (!v) usage(`${flag} needs a value`);
      return v;
    };
    if (a === '--root' || a.startsWith('--root=')) opts.root = path.resolve(value('--root'));
    else if (a === '--only' || a.startsWith('--only=')) opts.only.push(...value('--only').split(','));
    else if (a === '--keep') opts.keep = true;
    else if (a === '--quiet' || a === '-q') opts.quiet = true;
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: node scripts/check-packages.mjs [--root <dir>] [--only <name>,...] [--keep] [--quiet]',
      );
      process.exit(0);
    } else usage(`unknown argument: ${a}`);
  }
  return opts;
}

function usage(msg) {
  console.error(`check-packages: ${msg}`);
  console.error(
    'usage: node scripts/check-packages.mjs [--root <dir>] [--only <name>,...] [--keep] [--quiet]',
  );
  process.exit(2);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dest = mkdtempSync(path.join(tmpdir(), 'kindling-pack-'));
  let results;
  try {
    results = await checkPackages({ root: opts.root, only: opts.only, dest });
  } catch (err) {
    console.error(`check-packages: ${err.message}`);
    if (!opts.keep) rmSync(dest, { recursive: true, force: true });
    process.exit(2);
  }
  const failed = results.filter((r) => !r.ok);
  for (const r of results) {
    if (!opts.quiet || !r.ok) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}@${r.version}`);
    if (!r.ok) {
      if (!r.publint.ok)
        console.log(indent(`publint --strict (exit ${r.publint.code}):\n${r.publint.output}`));
      if (!r.attw.ok) console.log(indent(`attw --profile esm-only (exit ${r.attw.code}):\n${r.attw.output}`));
    }
  }
  if (opts.keep) console.log(`tarballs kept in ${dest}`);
  else rmSync(dest, { recursive: true, force: true });
  if (failed.length) {
    console.error(`check-packages: ${failed.length} of ${results.length} packages failed`);
    process.exit(1);
  }
  console.log(`check-packages: OK (${results.length} packages: publint --strict, attw --profile esm-only)`);
}

function indent(s) {
  return s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
