import type { ReduceOp } from '@kindling/ops';
import { coalesce, contiguous, isContiguous, numelOf } from '../layout.js';
import {
  decompose,
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
import { fill } from './elementwise.js';

/**
 * Reductions over any set of dims, on any strides. Kept dims and reduced dims are coalesced
 * separately on the host; an output element is reduced either by one invocation (short
 * reductions: nested loops) or by a workgroup (strided partials, then a tree in workgroup
 * memory). Floats accumulate in f32, int32/bool in i32 (wrapping like the CPU's int32 store).
 * argmax/argmin return the row-major flat index within the reduced dims; ties keep the first
 * occurrence and the first NaN wins, as on the CPU.
 */
const INIT_VALUE: Record<ReduceOp, number> = {
  sum: 0,
  prod: 1,
  amax: Number.NEGATIVE_INFINITY,
  amin: Number.POSITIVE_INFINITY,
  argmax: 0,
  argmin: 0,
};

/** Reductions at most this long run one per invocation. */
const SERIAL_MAX = 32;

export const reduce: GpuKernel<'reduce'> = (ctx, [out], [x], { op, dims }) => {
  const nd = x.shape.length;
  const red = new Array<boolean>(nd).fill(false);
  for (const d of dims) if (d >= 0 && d < nd) red[d] = true;
  const keptShape = x.shape.map((s, d) => (red[d] ? 1 : s));
  const nOut = numelOf(keptShape);
  if (numelOf(out.shape) !== nOut) {
    throw new RangeError(
      `webgpu reduce: output shape [${out.shape}] does not match input [${x.shape}] reduced over [${dims}]`,
    );
  }
  if (nOut === 0) return;
  let outStrides: readonly number[];
  if (out.shape.length === nd) outStrides = out.strides;
  else if (isContiguous(out.shape, out.strides)) outStrides = contiguous(keptShape);
  else
    throw new RangeError(
      `webgpu reduce: output [${out.shape}] must keep the reduced dims (size 1) or be contiguous`,
    );
  const redShape = x.shape.map((s, d) => (red[d] ? s : 1));
  const len = numelOf(redShape);
  if (len === 0) {
    fill(ctx, [{ ...out, shape: keptShape, strides: outStrides }], [], { value: INIT_VALUE[op] });
    return;
  }
  const kept = coalesce(keptShape, [x.strides, outStrides]);
  const inner = coalesce(redShape, [x.strides]);
  const kind: Kind = kindOf(x.dtype);
  const arg = op === 'argmax' || op === 'argmin';
  const serial = len <= SERIAL_MAX;

  const p = new Params();
  const nOutIdx = p.u32(nOut);
  const lenIdx = p.i32(len);
  const xOff = p.i32(x.offset);
  const oOff = p.i32(out.offset);
  const kShape = kept.shape.map((s) => p.i32(s));
  const kxStr = kept.strides[0].map((s) => p.i32(s));
  const koStr = kept.strides[1].map((s) => p.i32(s));
  const rShape = inner.shape.map((s) => p.i32(s));
  const rStr = inner.strides[0].map((s) => p.i32(s));

  const program = new Program([
    { name: 'out', buffer: out.buffer, dtype: out.dtype, write: true },
    { name: 'x', buffer: x.buffer, dtype: x.dtype },
  ]);
  const wg = serial ? ctx.wg : ctx.wgRow;
  const key = `reduce:${op}:${serial ? 's' : 'g'}:k${kept.shape.length}:r${inner.shape.length}:${x.dtype}>${out.dtype}`;
  const T = kind === 'f32' ? 'f32' : 'i32';
  const init = initOf(op, kind);
  const load = (i: string) => natTo(`ld_x(${i})`, x.dtype, kind);
  const step = stepOf(op, kind);
  const store = arg
    ? `st_out(kd_o_out, ${toNat('select(kd_bi, 0, kd_bi == 2147483647)', 'i32', out.dtype)});`
    : `st_out(kd_o_out, ${toNat('kd_acc', kind, out.dtype)});`;
  const funcs = helpers(op, kind);

  const head = (lin: string) =>
    [
      `  var kd_o_x = ${pi(xOff)};`,
      `  var kd_o_out = ${pi(oOff)};`,
      decompose(lin, kShape, ['kd_o_x', 'kd_o_out'], [kxStr, koStr]),
      `  var kd_acc: ${T} = ${init};`,
      '  var kd_bi: i32 = 2147483647;',
    ].join('\n');

  let source: () => string;
  if (serial) {
    source = () => {
      // nested loops over the reduced dims, outermost first; kd_r is the flat reduced index
      const nr = rShape.length;
      const open: string[] = [];
      const close: string[] = [];
      for (let j = 0; j < nr; j++) {
        open.push(`  for (var kd_j${j} = 0; kd_j${j} < ${pi(rShape[j])}; kd_j${j}++) {`);
        close.push('  }');
      }
      const xi = ['kd_o_x', ...rStr.map((s, j) => `kd_j${j} * ${pi(s)}`)].join(' + ');
      const body = [
        `  if (kd_id >= ${pu(nOutIdx)}) { return; }`,
        head('i32(kd_id)'),
        '  var kd_r = 0;',
        ...open,
        `  let kd_v = ${load(xi)};`,
        `  ${step('kd_v', 'kd_r')}`,
        '  kd_r++;',
        ...close,
        `  ${store}`,
      ].join('\n');
      return `${program.declarations(p.length)}\n${funcs}\n${entry1d(wg, body)}`;
    };
  } else {
    source = () => {
      const body = [
        `  if (kd_row >= ${pu(nOutIdx)}) { return; }`,
        head('i32(kd_row)'),
        `  for (var kd_r = kd_t; kd_r < ${pi(lenIdx)}; kd_r += ${wg}) {`,
        '    var kd_xi = kd_o_x;',
        decompose('kd_r', rShape, ['kd_xi'], [rStr]),
        `    let kd_v = ${load('kd_xi')};`,
        `    ${step('kd_v', 'kd_r')}`,
        '  }',
        '  kd_sv[kd_t] = kd_acc;',
        '  kd_si[kd_t] = kd_bi;',
        '  workgroupBarrier();',
        `  for (var kd_s = ${wg / 2}; kd_s > 0; kd_s = kd_s >> 1u) {`,
        '    if (kd_t < kd_s) {',
        `      ${combine(op, kind)}`,
        '    }',
        '    workgroupBarrier();',
        '  }',
        '  if (kd_t == 0) {',
        '    kd_acc = kd_sv[0];',
        '    kd_bi = kd_si[0];',
        `    ${store}`,
        '  }',
      ].join('\n');
      const shared = `var<workgroup> kd_sv: array<${T}, ${wg}>;\nvar<workgroup> kd_si: array<i32, ${wg}>;`;
      return `${program.declarations(p.length)}\n${funcs}\n${shared}\n${entryGroup(wg, body)}`;
    };
  }
  ctx.rt.dispatch({
    kernel: `reduce(${op})`,
    key,
    program,
    params: p,
    groups: serial ? Math.ceil(nOut / wg) : nOut,
    source,
  });
};

function initOf(op: ReduceOp, kind: Kind): string {
  const f = kind === 'f32';
  switch (op) {
    case 'sum':
      return f ? '0.0' : '0';
    case 'prod':
      return f ? '1.0' : '1';
    case 'amax':
    case 'argmax':
      return f ? '-kd_inf()' : 'i32(-2147483648)';
    case 'amin':
    case 'argmin':
      return f ? 'kd_inf()' : '2147483647';
  }
}

/** WGSL folding value `v` at flat reduced index `r` into kd_acc (and kd_bi). */
function stepOf(op: ReduceOp, _kind: Kind): (v: string, r: string) => string {
  switch (op) {
    case 'sum':
      return (v) => `kd_acc = kd_acc + ${v};`;
    case 'prod':
      return (v) => `kd_acc = kd_acc * ${v};`;
    case 'amax':
      return (v) => `kd_acc = kd_rmax(kd_acc, ${v});`;
    case 'amin':
      return (v) => `kd_acc = kd_rmin(kd_acc, ${v});`;
    case 'argmax':
    case 'argmin':
      return (v, r) => `if (kd_better(${v}, ${r}, kd_acc, kd_bi)) { kd_acc = ${v}; kd_bi = ${r}; }`;
  }
}

/** WGSL combining slot kd_t + kd_s into slot kd_t of the workgroup arrays. */
function combine(op: ReduceOp, _kind: Kind): string {
  const a = 'kd_sv[kd_t]';
  const b = 'kd_sv[kd_t + kd_s]';
  switch (op) {
    case 'sum':
      return `${a} = ${a} + ${b};`;
    case 'prod':
      return `${a} = ${a} * ${b};`;
    case 'amax':
      return `${a} = kd_rmax(${a}, ${b});`;
    case 'amin':
      return `${a} = kd_rmin(${a}, ${b});`;
    case 'argmax':
    case 'argmin':
      return `if (kd_better(${b}, kd_si[kd_t + kd_s], ${a}, kd_si[kd_t])) { ${a} = ${b}; kd_si[kd_t] = kd_si[kd_t + kd_s]; }`;
  }
}

function helpers(op: ReduceOp, kind: Kind): string {
  const T = kind === 'f32' ? 'f32' : 'i32';
  const f = kind === 'f32';
  const gt = op === 'argmax' ? '>' : '<';
  const lines: string[] = [];
  if (f) {
    // NaN propagates: once the accumulator is NaN it stays
    lines.push(
      'fn kd_rmax(a: f32, b: f32) -> f32 { if (kd_isnan(a)) { return a; } if (kd_isnan(b)) { return b; } return select(a, b, b > a); }',
    );
    lines.push(
      'fn kd_rmin(a: f32, b: f32) -> f32 { if (kd_isnan(a)) { return a; } if (kd_isnan(b)) { return b; } return select(a, b, b < a); }',
    );
    // (v, vi) beats (b, bi): NaN first, then the strict order, ties by the lower index
    lines.push(`fn kd_better(v: f32, vi: i32, b: f32, bi: i32) -> bool {
  let vn = kd_isnan(v);
  let bn = kd_isnan(b);
  if (vn || bn) { return vn && (!bn || vi < bi); }
  return v ${gt} b || (v == b && vi < bi);
}`);
  } else {
    lines.push('fn kd_rmax(a: i32, b: i32) -> i32 { return max(a, b); }');
    lines.push('fn kd_rmin(a: i32, b: i32) -> i32 { return min(a, b); }');
    lines.push(
      `fn kd_better(v: ${T}, vi: i32, b: ${T}, bi: i32) -> bool { return v ${gt} b || (v == b && vi < bi); }`,
    );
  }
  return lines.join('\n');
}
