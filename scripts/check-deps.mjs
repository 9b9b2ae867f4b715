#!/usr/bin/env node
// Enforces Kindling's package dependency rule.
//
//   node scripts/check-deps.mjs [--root <dir>] [--quiet]
//
// Scans the imports of every source file under packages/*/src (and apps/*/src) and the
// runtime dependency fields (dependencies, peerDependencies, optionalDependencies) of each
// packages/*/package.json, and checks:
//
//   1. core packages (tensor, autograd, ops, nn-*, optim, io) never import or depend on
//      @kindling/kernels-cpu or @kindling/kernels-gpu: backends plug in at run time;
//   2. kernel packages (kernels-*) import / depend on no @kindling package but @kindling/ops;
//   3. ops imports / depends on no @kindling package at all;
//   4. every @kindling/* import in a package's src is listed in that package's dependencies,
//      peerDependencies or optionalDependencies (devDependencies do not ship, so they do not count).
//
// devDependencies are not checked against rules 1-3: tests may pull in a backend.
// Type-only imports count like value imports (they end up in the published .d.ts).
// Prints every violation and exits 1; otherwise prints one "check-deps: OK ..." line and exits 0.
// Exits 2 if the script itself cannot run (no packages found, bad arguments).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCOPE = '@kindling/';
const KERNEL_PACKAGES = new Set(['@kindling/kernels-cpu', '@kindling/kernels-gpu']);
const CORE_EXACT = new Set(['tensor', 'autograd', 'ops', 'optim', 'io']);
const SOURCE_EXT = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.turbo', 'coverage']);
const RUNTIME_DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

function parseArgs(argv) {
  const opts = { root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--root') {
      const v = argv[++i];
      if (!v) usage('--root needs a directory');
      opts.root = path.resolve(v);
    } else if (a.startsWith('--root=')) {
      opts.root = path.resolve(a.slice('--root='.length));
    } else if (a === '--quiet' || a === '-q') {
      opts.quiet = true;
    } else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/check-deps.mjs [--root <dir>] [--quiet]');
      process.exit(0);
    } else {
      usage(`unknown argument: ${a}`);
    }
  }
  return opts;
}

function usage(msg) {
  console.error(`check-deps: ${msg}`);
  console.error('usage: node scripts/check-deps.mjs [--root <dir>] [--quiet]');
  process.exit(2);
}

function isDir(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function listDirs(p) {
  if (!isDir(p)) return [];
  return readdirSync(p, { withFileTypes: true })
    .filter((d) => d.isDirectory() || (d.isSymbolicLink() && isDir(path.join(p, d.name))))
    .map((d) => path.join(p, d.name))
    .sort();
}

function walkSources(dir, out = []) {
  if (!isDir(dir)) return out;
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walkSources(full, out);
    } else if (e.isFile() && SOURCE_EXT.test(e.name)) {
      out.push(full);
    }
  }
  return out;
}

/**
 * Lexes just enough TypeScript to find module specifiers reliably: comments are dropped, and every
 * string literal (and every template literal without substitutions) is replaced by a placeholder
 * `'#N'` whose text is kept in `strings[N]`. Template text around `${...}` is blanked. Newlines are
 * kept, so line numbers survive. Import-like text inside comments or strings is therefore never
 * mistaken for an import. Regex literals are not recognised; a quote inside one can at worst blank
 * the rest of that line.
 */
function lex(src) {
  const strings = [];
  let out = '';
  let i = 0;
  const n = src.length;
  const tpl = []; // brace depths at which a `${` was opened
  let braceDepth = 0;
  const placeholder = (quote, text) => {
    strings.push(text);
    const nl = text.split('\n').length - 1;
    return `${quote}#${strings.length - 1}${quote}${'\n'.repeat(nl)}`;
  };
  // Reads template text from i (just after ` or the } closing a substitution) to the closing `
  // or the next ${. Returns [text, ended]: ended is true at the closing backtick.
  const readTemplateText = () => {
    let text = '';
    while (i < n) {
      if (src[i] === '\\') {
        text += src.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (src[i] === '`') {
        i++;
        return [text, true];
      }
      if (src[i] === '$' && src[i + 1] === '{') {
        i += 2;
        tpl.push(braceDepth);
        return [text, false];
      }
      text += src[i++];
    }
    return [text, true];
  };
  const blank = (text) => text.replace(/[^\n]/g, ' ');
  while (i < n) {
    const c = src[i];
    const d = src[i + 1];
    if (c === '/' && d === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && d === '*') {
      const close = src.indexOf('*/', i + 2);
      const stop = close === -1 ? n : close + 2;
      out += blank(src.slice(i, stop));
      i = stop;
      continue;
    }
    if (c === "'" || c === '"') {
      let text = '';
      i++;
      while (i < n && src[i] !== c && src[i] !== '\n') {
        if (src[i] === '\\') {
          text += src.slice(i, i + 2);
          i += 2;
          continue;
        }
        text += src[i++];
      }
      if (src[i] === c) i++;
      out += placeholder(c, text);
      continue;
    }
    if (c === '`') {
      i++;
      const [text, ended] = readTemplateText();
      out += ended ? placeholder('`', text) : `\`${blank(text)}\${`;
      continue;
    }
    if (c === '}' && tpl.length > 0 && tpl[tpl.length - 1] === braceDepth) {
      tpl.pop();
      i++;
      const [text, ended] = readTemplateText();
      out += `}${blank(text)}${ended ? '`' : '${'}`;
      continue;
    }
    if (c === '/' && regexAllowed(out)) {
      // Regex literal: skip to the closing unescaped / outside a [...] class, then the flags.
      let j = i + 1;
      let inClass = false;
      while (j < n && src[j] !== '\n') {
        const r = src[j];
        if (r === '\\') {
          j += 2;
          continue;
        }
        if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        j++;
      }
      if (src[j] === '/') {
        j++;
        while (j < n && /[a-z]/i.test(src[j])) j++;
        out += `/${' '.repeat(Math.max(0, j - i - 2))}/`;
        i = j;
        continue;
      }
      // Not a well-formed regex on this line after all: treat the / as an operator.
    }
    if (c === '{') braceDepth++;
    else if (c === '}') braceDepth--;
    out += c;
    i++;
  }
  return { code: out, strings };
}

const REGEX_AFTER_WORD = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/** Whether a `/` after the lexed output so far starts a regex literal rather than a division. */
function regexAllowed(out) {
  let k = out.length - 1;
  while (k >= 0 && /\s/.test(out[k])) k--;
  if (k < 0) return true;
  const prev = out[k];
  if ('(,=:[!&|?{};~^%*+-<>'.includes(prev)) return true;
  if (/[\w$]/.test(prev)) {
    let w = k;
    while (w >= 0 && /[\w$]/.test(out[w])) w--;
    return REGEX_AFTER_WORD.has(out.slice(w + 1, k + 1));
  }
  return false;
}

const STR = String.raw`(['"\x60])#(\d+)\1`;
const IMPORT_PATTERNS = [
  // import x from '...'; import { a } from '...'; import type { T } from '...';
  // export * from '...'; export { a } from '...'; export type { T } from '...'
  new RegExp(String.raw`\b(?:import|export)\b[^;'"\x60]*?\bfrom\s*` + STR, 'g'),
  // import '...'  (side effect)
  new RegExp(String.raw`\bimport\s*` + STR, 'g'),
  // import('...'), import type T = import('...'), typeof import('...')
  new RegExp(String.raw`\bimport\s*\(\s*` + STR, 'g'),
  // require('...'), require.resolve('...')
  new RegExp(String.raw`\brequire(?:\.resolve)?\s*\(\s*` + STR, 'g'),
];

function findImports(src) {
  const { code, strings } = lex(src);
  const found = [];
  const seen = new Set();
  for (const re of IMPORT_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(code); m !== null; m = re.exec(code)) {
      const spec = strings[Number(m[2])];
      const at = m.index + m[0].length;
      const line = code.slice(0, at).split('\n').length;
      const key = `${line}:${spec}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ spec, line });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/** '@kindling/ops/sub/path' -> '@kindling/ops'; anything else -> null. */
function kindlingPackageOf(spec) {
  if (!spec.startsWith(SCOPE)) return null;
  const rest = spec.slice(SCOPE.length);
  const name = rest.split('/')[0];
  return name ? SCOPE + name : null;
}

function shortName(pkgName) {
  return pkgName.startsWith(SCOPE) ? pkgName.slice(SCOPE.length) : pkgName;
}

function classify(pkgName) {
  const s = shortName(pkgName);
  if (s === 'ops') return 'ops';
  if (KERNEL_PACKAGES.has(pkgName) || s.startsWith('kernels-')) return 'kernel';
  if (CORE_EXACT.has(s) || s.startsWith('nn-')) return 'core';
  return 'other';
}

/** Returns a reason string if `pkg` (by class) may not use `target`, else null. */
function ruleViolation(pkgClass, target) {
  if (pkgClass === 'ops') return '@kindling/ops must not use any @kindling package';
  if (pkgClass === 'kernel' && target !== '@kindling/ops') {
    return 'kernel packages may use only @kindling/ops among @kindling packages';
  }
  if (pkgClass === 'core' && KERNEL_PACKAGES.has(target)) {
    return 'core packages must never use a kernel package (backends are registered at run time)';
  }
  return null;
}

function loadPackage(dir, root, violations) {
  const pjPath = path.join(dir, 'package.json');
  let text;
  try {
    text = readFileSync(pjPath, 'utf8');
  } catch {
    return null; // not a package directory
  }
  let pj;
  try {
    pj = JSON.parse(text);
  } catch (err) {
    violations.push(`${path.relative(root, pjPath)}: cannot parse: ${err.message}`);
    return null;
  }
  if (typeof pj.name !== 'string' || pj.name === '') {
    violations.push(`${path.relative(root, pjPath)}: has no "name"`);
    return null;
  }
  const runtimeDeps = new Map(); // name -> field
  for (const field of RUNTIME_DEP_FIELDS) {
    const deps = pj[field];
    if (deps == null) continue;
    if (typeof deps !== 'object' || Array.isArray(deps)) {
      violations.push(`${path.relative(root, pjPath)}: "${field}" is not an object`);
      continue;
    }
    for (const name of Object.keys(deps)) if (!runtimeDeps.has(name)) runtimeDeps.set(name, field);
  }
  return { dir, name: pj.name, pjPath, runtimeDeps, isApp: false };
}

function main() {
  const { root, quiet } = parseArgs(process.argv.slice(2));
  const violations = [];
  const packages = [];
  for (const d of listDirs(path.join(root, 'packages'))) {
    const p = loadPackage(d, root, violations);
    if (p) packages.push(p);
  }
  for (const d of listDirs(path.join(root, 'apps'))) {
    const p = loadPackage(d, root, violations);
    if (p) packages.push({ ...p, isApp: true });
  }
  if (packages.length === 0 && violations.length === 0) {
    console.error(`check-deps: no packages found under ${path.join(root, 'packages')}`);
    process.exit(2);
  }

  let filesScanned = 0;
  let importsChecked = 0;
  for (const pkg of packages) {
    const rel = (p) => path.relative(root, p).split(path.sep).join('/');
    // Apps (examples, benchmarks) may use anything; only rule 4 applies to them.
    const pkgClass = pkg.isApp ? 'other' : classify(pkg.name);

    // Rules 1-3 over the package.json runtime dependency fields.
    for (const [dep, field] of pkg.runtimeDeps) {
      if (!dep.startsWith(SCOPE) || dep === pkg.name) continue;
      const why = ruleViolation(pkgClass, dep);
      if (why) violations.push(`${rel(pkg.pjPath)}: ${field} lists ${dep}: ${why}`);
    }

    // Rules 1-4 over the source imports.
    for (const file of walkSources(path.join(pkg.dir, 'src'))) {
      filesScanned++;
      let src;
      try {
        src = readFileSync(file, 'utf8');
      } catch (err) {
        violations.push(`${rel(file)}: cannot read: ${err.message}`);
        continue;
      }
      for (const { spec, line } of findImports(src)) {
        const target = kindlingPackageOf(spec);
        if (!target || target === pkg.name) continue;
        importsChecked++;
        const where = `${rel(file)}:${line}`;
        const why = ruleViolation(pkgClass, target);
        if (why) violations.push(`${where}: ${pkg.name} imports '${spec}': ${why}`);
        if (!pkg.runtimeDeps.has(target)) {
          violations.push(
            `${where}: ${pkg.name} imports '${spec}' but ${target} is not in its dependencies ` +
              `(${rel(pkg.pjPath)})`,
          );
        }
      }
    }
  }

  if (violations.length > 0) {
    console.error(`check-deps: ${violations.length} violation${violations.length === 1 ? '' : 's'}:`);
    for (const v of violations) console.error(`  ${v}`);
    process.exit(1);
  }
  if (!quiet) {
    console.log(
      `check-deps: OK (${packages.length} packages, ${filesScanned} source files, ` +
        `${importsChecked} @kindling imports)`,
    );
  }
}

main();
