#!/usr/bin/env node
// pnpm bench: Kindling's W1-W7 (definitions in ../shared/bench/anchors/README.md) plus per-op
// dispatch overhead, printed as JSON lines in the anchors' format and as a table of ratios
// against PyTorch measured in the same run (when /usr/bin/python3 has torch).
//
//   node bench/run.mjs [--workloads W1,W2,W7,DISPATCH] [--min-time 1] [--no-torch] [--out file.jsonl]
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gpuWorkloads } from './gpu.mjs';
import { WORKLOADS } from './workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, d) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : d;
};
const want = opt('workloads', 'DISPATCH,W1,W2,W3,W4,W5,W6,W7').split(',');
const minTime = Number(opt('min-time', '1'));
const runId = new Date().toISOString().replace(/:\d\d\.\d+Z$/, 'Z').replace(/:/g, '');
const machine = `${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length} (${hostname()})`;

const K = {};
for (const p of ['ops', 'autograd', 'tensor', 'kernels-cpu', 'kernels-gpu', 'nn-layers', 'nn-losses', 'nn-rnn', 'nn-transformer', 'optim']) {
  const f = join(here, '..', 'packages', p, 'dist', 'index.js');
  if (existsSync(f)) Object.assign(K, await import(f));
}
K.registerBackend(K.cpuBackend);

const lines = [];
console.log(`# Kindling bench on ${machine}, node ${process.version}, run ${runId}`);
for (const w of WORKLOADS) {
  if (!want.some((x) => w.id.startsWith(x))) continue;
  let rec;
  try {
    rec = await w.run(K, { minTime });
  } catch (e) {
    rec = { metric: w.metric, value: null, unit: w.unit, error: String(e && e.message) };
  }
  const line = { system: 'kindling', backend: 'cpu', threads: 1, workload: w.id, ...rec, run_id: runId, machine };
  lines.push(line);
  console.log(JSON.stringify(line));
}

if (!argv.includes('--no-gpu')) {
  const gpu = await gpuWorkloads(K, { minTime, anyway: argv.includes('--gpu-anyway') });
  if (gpu.note) console.log(`# webgpu: ${gpu.note}`);
  for (const l of gpu.lines ?? []) {
    lines.push({ ...l, run_id: runId, machine });
    console.log(JSON.stringify(l));
  }
}

// PyTorch on this machine, same workloads, same run
const torchScript = join(here, '..', '..', 'shared', 'bench', 'anchors', 'torch_bench.py');
const torch = [];
if (!argv.includes('--no-torch') && !(existsSync('/usr/bin/python3') && existsSync(torchScript))) {
  console.log(`# PyTorch baseline not measured: needs /usr/bin/python3 with torch and ${torchScript}`);
} else if (!argv.includes('--no-torch')) {
  const ws = [...new Set(lines.map((l) => l.workload.slice(0, 2)).filter((w) => /^W\d/.test(w)))];
  try {
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const out = execFileSync('/usr/bin/python3', [torchScript, '--threads', '1', '--workloads', ws.join(','), '--min-time', String(minTime)], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 900_000,
    });
    for (const l of out.split('\n')) if (l.trim().startsWith('{')) torch.push(JSON.parse(l));
  } catch (e) {
    console.log(`# PyTorch baseline not measured: ${String(e.message).split('\n')[0]}`);
  }
}

// table: kindling vs pytorch (1 thread), ratio = kindling / pytorch for throughput metrics
const rows = [['workload', 'unit', 'Kindling', 'PyTorch 1T', 'Kindling / PyTorch']];
for (const l of lines) {
  const t = torch.find((x) => x.workload === l.workload && x.metric === l.metric && !String(x.variant ?? '').includes('in-place') && !String(x.variant ?? '').includes('train()'));
  const fmt = (v) => (v == null ? '—' : Number(v.toPrecision(3)).toString());
  const lower = l.unit === 'ms/iter' || l.unit === 'us/op';
  const ratio = t && l.value != null && t.value ? (lower ? t.value / l.value : l.value / t.value) : null;
  rows.push([l.workload, l.unit, l.value == null ? `fail: ${l.error}` : fmt(l.value), t ? fmt(t.value) : '—', ratio == null ? '—' : `${ratio.toFixed(3)}x`]);
}
console.log(`\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n').replace(/\n/, `\n|${rows[0].map(() => '---').join('|')}|\n`)}`);
const outFile = opt('out', null);
if (outFile) writeFileSync(outFile, `${[...lines, ...torch].map((l) => JSON.stringify(l)).join('\n')}\n`);
