import { numelOf } from '../layout.js';
import {
  entry1d,
  entryGroup,
  type Kind,
  kindOf,
  natTo,
  Params,
  pi,
  Program,
  pu,
  toNat,
} from '../wgsl/program.js';
import type { GpuKernel } from './context.js';
import { lineParams, linesAlong } from './lines.js';

/** Lines at most this long are scanned by one invocation; longer ones by a workgroup. */
const SERIAL_MAX = 64;

/**
 * Inclusive cumsum/cumprod along `dim` (f32 for floats, i32 for int32/bool). Long lines use a
 * workgroup per line: each invocation folds a contiguous chunk, one invocation turns the chunk
 * totals into carries, and each chunk is rescanned from its carry. Every element is
 * read before its output is written, so out may alias x.
 */
export const scan: GpuKernel<'scan'> = (ctx, [out], [x], { op, dim }) => {
  if (numelOf(x.shape) === 0) return;
  const l = linesAlong('scan', out, x, dim);
  const kind: Kind = kindOf(x.dtype);
  const T = kind === 'f32' ? 'f32' : 'i32';
  const prod = op === 'cumprod';
  const init = prod ? (kind === 'f32' ? '1.0' : '1') : kind === 'f32' ? '0.0' : '0';
  const opr = prod ? '*' : '+';
  const serial = l.len <= SERIAL_MAX;
  const p = new Params();
  const lp = lineParams(p, l);
  const program = new Program([
    { name: 'out', buffer: l.out.buffer, dtype: l.out.dtype, write: true },
    { name: 'x', buffer: l.x.buffer, dtype: l.x.dtype },
  ]);
  const wg = serial ? ctx.wg : ctx.wgRow;
  const load = (t: string) => natTo(`ld_x(kd_o_x + ${t} * ${pi(lp.sx)})`, l.x.dtype, kind);
  const store = (t: string, v: string) =>
    `st_out(kd_o_out + ${t} * ${pi(lp.so)}, ${toNat(v, kind, l.out.dtype)});`;
  const key = `scan:${op}:${serial ? 's' : 'g'}:nd${l.layout.shape.length}:${l.x.dtype}>${l.out.dtype}`;
  let source: () => string;
  if (serial) {
    const body = () =>
      [
        `  if (kd_id >= ${pu(lp.count)}) { return; }`,
        lp.head('i32(kd_id)'),
        `  var kd_acc: ${T} = ${init};`,
        `  for (var kd_k = 0; kd_k < ${pi(lp.len)}; kd_k++) {`,
        `    kd_acc = kd_acc ${opr} ${load('kd_k')};`,
        `    ${store('kd_k', 'kd_acc')}`,
        '  }',
      ].join('\n');
    source = () => `${program.declarations(p.length)}\n${entry1d(wg, body())}`;
  } else {
    const body = () =>
      [
        `  if (kd_row >= ${pu(lp.count)}) { return; }`,
        lp.head('i32(kd_row)'),
        `  let kd_len = ${pi(lp.len)};`,
        `  let kd_chunk = (kd_len + ${wg - 1}) / ${wg};`,
        '  let kd_start = min(kd_len, kd_t * kd_chunk);',
        '  let kd_end = min(kd_len, kd_start + kd_chunk);',
        `  var kd_acc: ${T} = ${init};`,
        `  for (var kd_k = kd_start; kd_k < kd_end; kd_k++) { kd_acc = kd_acc ${opr} ${load('kd_k')}; }`,
        '  kd_sh[kd_t] = kd_acc;',
        '  workgroupBarrier();',
        // one invocation turns the chunk totals into exclusive carries (a few hundred adds)
        '  if (kd_t == 0) {',
        `    var kd_run: ${T} = ${init};`,
        `    for (var kd_s = 0; kd_s < ${wg}; kd_s++) { let kd_v = kd_sh[kd_s]; kd_sh[kd_s] = kd_run; kd_run = kd_run ${opr} kd_v; }`,
        '  }',
        '  workgroupBarrier();',
        '  kd_acc = kd_sh[kd_t];',
        '  for (var kd_k = kd_start; kd_k < kd_end; kd_k++) {',
        `    kd_acc = kd_acc ${opr} ${load('kd_k')};`,
        `    ${store('kd_k', 'kd_acc')}`,
        '  }',
      ].join('\n');
    source = () =>
      `${program.declarations(p.length)}\nvar<workgroup> kd_sh: array<${T}, ${wg}>;\n${entryGroup(wg, body())}`;
  }
  ctx.rt.dispatch({
    kernel: `scan(${op})`,
    key,
    program,
    params: p,
    groups: serial ? Math.ceil(l.count / wg) : l.count,
    source,
  });
};
