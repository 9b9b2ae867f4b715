import { numelOf } from '../layout.js';
import { entry1d, entryGroup, natTo, Params, pi, Program, pu, toNat } from '../wgsl/program.js';
import type { GpuKernel } from './context.js';
import { lineParams, linesAlong } from './lines.js';

/** Lines at most this long are handled by one invocation; longer ones by a workgroup. */
const SERIAL_MAX = 32;

/**
 * softmax / log_softmax along `dim`, stable (x - max), in f32: one workgroup per line (max and
 * sum as workgroup tree reductions) or one invocation per short line. A NaN makes its line NaN
 * and a line of -inf gives NaN, as on the CPU. Lines are read fully before they are written,
 * so out may alias x.
 */
export const softmax: GpuKernel<'softmax'> = (ctx, [out], [x], { dim, log }) => {
  if (numelOf(x.shape) === 0) return;
  const l = linesAlong('softmax', out, x, dim);
  const serial = l.len <= SERIAL_MAX;
  const p = new Params();
  const lp = lineParams(p, l);
  const program = new Program([
    { name: 'out', buffer: l.out.buffer, dtype: l.out.dtype, write: true },
    { name: 'x', buffer: l.x.buffer, dtype: l.x.dtype },
  ]);
  const wg = serial ? ctx.wg : ctx.wgRow;
  const load = (t: string) => natTo(`ld_x(kd_o_x + ${t} * ${pi(lp.sx)})`, l.x.dtype, 'f32');
  const store = (t: string, v: string) =>
    `st_out(kd_o_out + ${t} * ${pi(lp.so)}, ${toNat(v, 'f32', l.out.dtype)});`;
  const result = log ? 'kd_v - kd_shift' : 'exp(kd_v - kd_max) * kd_inv';
  const finish = log ? '  let kd_shift = kd_max + log(kd_sum);' : '  let kd_inv = 1.0 / kd_sum;';
  const key = `softmax:${log ? 'log' : 'exp'}:${serial ? 's' : 'g'}:nd${l.layout.shape.length}:${l.x.dtype}>${l.out.dtype}`;
  const helper =
    'fn kd_rmax(a: f32, b: f32) -> f32 { if (kd_isnan(a)) { return a; } if (kd_isnan(b)) { return b; } return select(a, b, b > a); }';
  let source: () => string;
  if (serial) {
    const body = [
      `  if (kd_id >= ${pu(lp.count)}) { return; }`,
      lp.head('i32(kd_id)'),
      `  let kd_len = ${pi(lp.len)};`,
      '  var kd_max = -kd_inf();',
      `  for (var kd_k = 0; kd_k < kd_len; kd_k++) { kd_max = kd_rmax(kd_max, ${load('kd_k')}); }`,
      '  var kd_sum = 0.0;',
      `  for (var kd_k = 0; kd_k < kd_len; kd_k++) { kd_sum = kd_sum + exp(${load('kd_k')} - kd_max); }`,
      finish,
      '  for (var kd_k = 0; kd_k < kd_len; kd_k++) {',
      `    let kd_v = ${load('kd_k')};`,
      `    ${store('kd_k', result)}`,
      '  }',
    ].join('\n');
    source = () => `${program.declarations(p.length)}\n${helper}\n${entry1d(wg, body)}`;
  } else {
    // max and sum use separate arrays: no invocation writes what another may still read
    const tree = (sh: string, op: (a: string, b: string) => string) =>
      [
        '  workgroupBarrier();',
        `  for (var kd_s = ${wg / 2}; kd_s > 0; kd_s = kd_s >> 1u) {`,
        `    if (kd_t < kd_s) { ${sh}[kd_t] = ${op(`${sh}[kd_t]`, `${sh}[kd_t + kd_s]`)}; }`,
        '    workgroupBarrier();',
        '  }',
      ].join('\n');
    const body = [
      `  if (kd_row >= ${pu(lp.count)}) { return; }`,
      lp.head('i32(kd_row)'),
      `  let kd_len = ${pi(lp.len)};`,
      '  var kd_m = -kd_inf();',
      `  for (var kd_k = kd_t; kd_k < kd_len; kd_k += ${wg}) { kd_m = kd_rmax(kd_m, ${load('kd_k')}); }`,
      '  kd_sm[kd_t] = kd_m;',
      tree('kd_sm', (a, b) => `kd_rmax(${a}, ${b})`),
      '  let kd_max = kd_sm[0];',
      '  var kd_e = 0.0;',
      `  for (var kd_k = kd_t; kd_k < kd_len; kd_k += ${wg}) { kd_e = kd_e + exp(${load('kd_k')} - kd_max); }`,
      '  kd_ss[kd_t] = kd_e;',
      tree('kd_ss', (a, b) => `${a} + ${b}`),
      '  let kd_sum = kd_ss[0];',
      finish,
      `  for (var kd_k = kd_t; kd_k < kd_len; kd_k += ${wg}) {`,
      `    let kd_v = ${load('kd_k')};`,
      `    ${store('kd_k', result)}`,
      '  }',
    ].join('\n');
    source = () =>
      `${program.declarations(p.length)}\n${helper}\nvar<workgroup> kd_sm: array<f32, ${wg}>;\nvar<workgroup> kd_ss: array<f32, ${wg}>;\n${entryGroup(wg, body)}`;
  }
  ctx.rt.dispatch({
    kernel: `softmax(${log ? 'log' : 'exp'})`,
    key,
    program,
    params: p,
    groups: serial ? Math.ceil(l.count / wg) : l.count,
    source,
  });
};
