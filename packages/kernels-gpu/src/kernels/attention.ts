import type { DType } from '@kindling/ops';
import type { GpuBuffer, GpuView } from '../buffer.js';
import { coalesce, contiguous, numelOf } from '../layout.js';
import { decompose, natTo, Params, pf, pi, Program, toNat } from '../wgsl/program.js';
import { fitBindings } from './bindings.js';
import type { GpuContext, GpuKernel } from './context.js';

/**
 * Scaled dot-product attention and its gradient, flash-attention style: the [L, S] weights
 * never exist in memory. Forward: one workgroup per (batch entry, block of BR query rows), one
 * invocation per row, streaming over the keys in tiles of BC staged in workgroup memory and
 * keeping a running max, sum and output row (online softmax); it also writes each row's
 * log-sum-exp. Backward in two passes that recompute the weights from it: dq per query row
 * (which also stores D_i = dout_i·out_i), then dk and dv per key row, streaming over query
 * tiles. f32 arithmetic.
 *
 * With E and Ev up to PRIVATE_MAX the rows a thread works on live in registers; past that they
 * are read from memory and accumulated in f32 scratch buffers (slower, any size).
 */
const BR = 64;
const PRIVATE_MAX = 128;
/** Workgroup memory for the staged tiles (of 16 KiB guaranteed, leaving room). */
const TILE_BYTES = 8192;

interface Operand {
  readonly name: string;
  readonly view: GpuView;
  readonly write?: boolean;
  /** Dims after the batch dims: 2 for [.., rows, cols], 1 for [.., rows]. */
  readonly trailing: 1 | 2;
}

interface Geometry {
  readonly batch: number[];
  readonly nBatch: number;
  readonly L: number;
  readonly S: number;
  readonly E: number;
  readonly Ev: number;
}

function geometry(kernel: string, q: GpuView, k: GpuView, v: GpuView, mask: GpuView | undefined): Geometry {
  const nd = q.shape.length;
  const same = (s: readonly number[], want: readonly number[]) =>
    s.length === want.length && s.every((d, i) => d === want[i]);
  if (nd < 2 || k.shape.length !== nd || v.shape.length !== nd) {
    throw new RangeError(
      `webgpu ${kernel}: expected batch-broadcast q, k, v, got [${q.shape}], [${k.shape}], [${v.shape}]`,
    );
  }
  const batch = q.shape.slice(0, -2);
  const [L, E] = q.shape.slice(-2);
  const [S] = k.shape.slice(-2);
  const Ev = v.shape[nd - 1];
  if (!same(k.shape, [...batch, S, E]) || !same(v.shape, [...batch, S, Ev])) {
    throw new RangeError(
      `webgpu ${kernel}: q [${q.shape}], k [${k.shape}], v [${v.shape}] do not fit together`,
    );
  }
  if (mask && !same(mask.shape, [...batch, L, S])) {
    throw new RangeError(
      `webgpu ${kernel}: expected a mask of shape [${[...batch, L, S]}], got [${mask.shape}]`,
    );
  }
  for (const x of mask ? [q, k, v, mask] : [q, k, v]) {
    if (x.dtype !== 'float32' && x.dtype !== 'float16') {
      throw new TypeError(`webgpu ${kernel}: expected float32 or float16 operands, got ${x.dtype}`);
    }
  }
  return { batch, nBatch: numelOf(batch), L, S, E, Ev };
}

/** Keys (or queries) per staged tile: a power of two whose rows fit TILE_BYTES, at most 32. */
function tileRows(width: number): number {
  const fit = Math.max(1, Math.floor(TILE_BYTES / 4 / Math.max(1, width)));
  return Math.min(32, 2 ** Math.floor(Math.log2(fit)));
}

/** A contiguous f32 scratch operand of shape [...batch, rows, cols] (or [...batch, rows]). */
function scratchView(ctx: GpuContext, batch: readonly number[], rows: number, cols: number | null): GpuView {
  const shape = cols === null ? [...batch, rows] : [...batch, rows, cols];
  const buffer: GpuBuffer = ctx.rt.alloc('float32', Math.max(1, numelOf(shape)));
  return { buffer, dtype: 'float32', shape, strides: contiguous(shape), offset: 0 };
}

/** WGSL access to the operands of one pass; `row` and `col` are i32 expressions. */
interface Access {
  ld(name: string, row: string, col?: string): string;
  st(name: string, row: string, col: string | null, v: string): string;
}

/**
 * Records one attention pass: binds the operands (packing them when past the binding limit),
 * walks the batch one workgroup z-slice per entry (several dispatches past the per-dimension
 * limit), `rows` rows per batch entry in blocks of BR. `body` is the shader after the batch
 * offsets are set (`kd_wid`, `kd_t` = local index, `kd_L`, `kd_S`, `kd_scale` defined).
 */
function pass(
  ctx: GpuContext,
  kernel: string,
  key: string,
  g: Geometry,
  given: readonly Operand[],
  rows: number,
  scale: number,
  shared: string,
  body: (a: Access) => string,
): void {
  if (g.nBatch === 0 || rows === 0) return;
  const fit = fitBindings(
    ctx,
    given.map((o) => o.view),
    given.map((o) => !!o.write),
  );
  const ops = given.map((o, i) => ({ ...o, view: fit.views[i] }));
  const dtypes = new Map<string, DType>(ops.map((o) => [o.name, o.view.dtype]));
  const nd = g.batch.length;
  const layout = coalesce(
    g.batch,
    ops.map((o) => o.view.strides.slice(0, nd)),
  );
  const maxZ = ctx.rt.maxPerDim;
  for (let b0 = 0; b0 < g.nBatch; b0 += maxZ) {
    const p = new Params();
    const Lp = p.i32(g.L);
    const Sp = p.i32(g.S);
    const sc = p.f32(scale);
    const base = p.i32(b0);
    const shapeIdx = layout.shape.map((s) => p.i32(s));
    const strideIdx = layout.strides.map((st) => st.map((s) => p.i32(s)));
    const idx = ops.map((o) => {
      const v = o.view;
      return {
        off: p.i32(v.offset),
        rs: p.i32(v.strides[nd]),
        cs: o.trailing === 2 ? p.i32(v.strides[nd + 1]) : -1,
      };
    });
    const program = new Program(
      ops.map((o) => ({ name: o.name, buffer: o.view.buffer, dtype: o.view.dtype, write: o.write })),
    );
    const addr = (name: string, row: string, col?: string) =>
      `kd_o_${name} + (${row}) * kd_rs_${name}${col === undefined ? '' : ` + (${col}) * kd_cs_${name}`}`;
    const a: Access = {
      ld: (name, row, col) => natTo(`ld_${name}(${addr(name, row, col)})`, dtypes.get(name) as DType, 'f32'),
      st: (name, row, col, v) =>
        `st_${name}(${addr(name, row, col ?? undefined)}, ${toNat(v, 'f32', dtypes.get(name) as DType)});`,
    };
    const head = [
      '  let kd_t = i32(kd_lid);',
      `  let kd_L = ${pi(Lp)};`,
      `  let kd_S = ${pi(Sp)};`,
      `  let kd_scale = ${pf(sc)};`,
      ...ops.map((o, k) => `  var kd_o_${o.name} = ${pi(idx[k].off)};`),
      decompose(
        `i32(kd_wid.z) + ${pi(base)}`,
        shapeIdx,
        ops.map((o) => `kd_o_${o.name}`),
        strideIdx,
      ),
      ...ops.map(
        (o, k) =>
          `  let kd_rs_${o.name} = ${pi(idx[k].rs)};${o.trailing === 2 ? `\n  let kd_cs_${o.name} = ${pi(idx[k].cs)};` : ''}`,
      ),
    ].join('\n');
    const dt = ops.map((o) => (o.view.dtype === 'float16' ? 'h' : 'f')).join('');
    ctx.rt.dispatch({
      kernel,
      key: `${kernel}:${key}:nb${layout.shape.length}:${dt}`,
      program,
      params: p,
      groups: [Math.ceil(rows / BR), 1, Math.min(maxZ, g.nBatch - b0)],
      source: () => `${program.declarations(p.length)}
${shared}
@compute @workgroup_size(${BR})
fn main(@builtin(workgroup_id) kd_wid: vec3<u32>, @builtin(local_invocation_index) kd_lid: u32) {
${head}
${body(a)}
}`,
    });
  }
  fit.release();
}

/** WGSL: the weight exp(s − lse) of a score, 0 for a masked (−inf) one, NaN if either is NaN. */
const weight = (s: string, lse: string) =>
  `select(select(exp(${s} - ${lse}), 0.0, kd_isinf(${s}) && ${s} < 0.0), kd_nan(), kd_isnan(${s}) || kd_isnan(${lse}))`;

/** WGSL for `for (var NAME = 0; NAME < N; NAME++) { BODY }`. */
const loop = (name: string, n: string | number, bodyText: string) =>
  `for (var ${name} = 0; ${name} < ${n}; ${name}++) { ${bodyText} }`;

/** WGSL: `var NAME: array<f32, width>` in registers, loaded from row ROW of operand SRC. */
const privateRow = (a: Access, name: string, src: string, row: string, width: number) =>
  `var ${name}: array<f32, ${Math.max(1, width)}>;\n  ${loop('kd_e', width, `${name}[kd_e] = ${a.ld(src, row, 'kd_e')};`)}`;

/**
 * WGSL: the workgroup's threads stage rows [R0, R0 + BC) of SRC (`width` wide, or a [.., rows]
 * operand when `rowsOnly`; rows at or past BOUND read as 0) into workgroup array NAME, row-major.
 */
function stageTile(
  a: Access,
  name: string,
  src: string,
  bc: number,
  width: number,
  r0: string,
  bound: string,
  rowsOnly = false,
): string {
  const col = rowsOnly ? undefined : `kd_x % ${Math.max(1, width)}`;
  return `
    for (var kd_x = kd_t; kd_x < ${bc * width}; kd_x += ${BR}) {
      let kd_r = ${r0} + kd_x / ${Math.max(1, width)};
      var kd_val = 0.0;
      if (kd_r < ${bound}) { kd_val = ${a.ld(src, 'kd_r', col)}; }
      ${name}[kd_x] = kd_val;
    }`;
}

/**
 * The query-row passes (forward, backward dq) walk key tiles: K and V tiles staged in workgroup
 * memory when rows fit in registers, else read from memory. Their declarations, staging code and
 * element accessors.
 */
function keyTiles(a: Access, small: boolean, bc: number, E: number, Ev: number) {
  return {
    K: (c: string, e: string) => (small ? `kd_Ks[(${c}) * ${E} + ${e}]` : a.ld('k', `kd_j0 + ${c}`, e)),
    V: (c: string, e: string) => (small ? `kd_Vs[(${c}) * ${Ev} + ${e}]` : a.ld('v', `kd_j0 + ${c}`, e)),
    stage: small
      ? `${stageTile(a, 'kd_Ks', 'k', bc, E, 'kd_j0', 'kd_S')}
    ${stageTile(a, 'kd_Vs', 'v', bc, Ev, 'kd_j0', 'kd_S')}
    workgroupBarrier();`
      : '',
  };
}

/** Workgroup declarations of the K and V tiles of {@link keyTiles}. */
const keyTileDecls = (small: boolean, bc: number, E: number, Ev: number) =>
  small
    ? `var<workgroup> kd_Ks: array<f32, ${bc * Math.max(1, E)}>;\nvar<workgroup> kd_Vs: array<f32, ${bc * Math.max(1, Ev)}>;`
    : '';

export const attention: GpuKernel<'attention'> = (ctx, [out, lse], [q, k, v, mask], { scale, causal }) => {
  const g = geometry('attention', q, k, v, mask);
  const { E, Ev } = g;
  const small = E <= PRIVATE_MAX && Ev <= PRIVATE_MAX;
  const BC = small ? tileRows(E + Ev) : 32;
  const acc = small ? null : scratchView(ctx, g.batch, g.L, Ev);
  const ops: Operand[] = [
    { name: 'out', view: out, write: true, trailing: 2 },
    { name: 'lse', view: lse, write: true, trailing: 1 },
    { name: 'q', view: q, trailing: 2 },
    { name: 'k', view: k, trailing: 2 },
    { name: 'v', view: v, trailing: 2 },
  ];
  if (mask) ops.push({ name: 'mask', view: mask, trailing: 2 });
  if (acc) ops.push({ name: 'acc', view: acc, write: true, trailing: 2 });
  const shared = keyTileDecls(small, BC, E, Ev);
  pass(
    ctx,
    'attention',
    `${causal ? 'c' : ''}${mask ? 'm' : ''}:${small ? 's' : 'g'}${E},${Ev},${BC}`,
    g,
    ops,
    g.L,
    scale,
    shared,
    (a) => {
      const Q = (e: string) => (small ? `kd_qv[${e}]` : a.ld('q', 'kd_ii', e));
      const { K, V, stage } = keyTiles(a, small, BC, E, Ev);
      const getAcc = (e: string) => (small ? `kd_acc[${e}]` : a.ld('acc', 'kd_ii', e));
      const setAcc = (e: string, val: string) =>
        small ? `kd_acc[${e}] = ${val};` : a.st('acc', 'kd_ii', e, val);
      return `
  let kd_i = i32(kd_wid.x) * ${BR} + kd_t;
  let kd_active = kd_i < kd_L;
  let kd_ii = min(kd_i, kd_L - 1);
  ${small ? '' : 'if (!kd_active) { return; }'}
  ${small ? privateRow(a, 'kd_qv', 'q', 'kd_ii', E) : ''}
  ${small ? `var kd_acc: array<f32, ${Math.max(1, Ev)}>;` : ''}
  ${loop('kd_e', Ev, setAcc('kd_e', '0.0'))}
  var kd_m = -kd_inf();
  var kd_l = 0.0;
  var kd_bad = false;
  var kd_end = kd_S;
  ${causal ? `kd_end = min(kd_S, (i32(kd_wid.x) + 1) * ${BR});` : ''}
  for (var kd_j0 = 0; kd_j0 < kd_end; kd_j0 += ${BC}) {
    ${stage}
    let kd_n = min(${BC}, kd_end - kd_j0);
    var kd_sc: array<f32, ${BC}>;
    var kd_tm = -kd_inf();
    for (var kd_c = 0; kd_c < kd_n; kd_c++) {
      let kd_j = kd_j0 + kd_c;
      var kd_s = 0.0;
      ${loop('kd_e', E, `kd_s = kd_s + ${Q('kd_e')} * ${K('kd_c', 'kd_e')};`)}
      kd_s = kd_s * kd_scale;
      ${mask ? `kd_s = kd_s + ${a.ld('mask', 'kd_ii', 'kd_j')};` : ''}
      ${causal ? 'if (kd_j > kd_i) { kd_s = -kd_inf(); }' : ''}
      if (kd_isnan(kd_s) || (kd_isinf(kd_s) && kd_s > 0.0)) { kd_bad = true; }
      kd_sc[kd_c] = kd_s;
      if (!kd_isinf(kd_s) && !kd_isnan(kd_s) && kd_s > kd_tm) { kd_tm = kd_s; }
    }
    if (!kd_isinf(kd_tm) && (kd_isinf(kd_m) || kd_tm > kd_m)) {
      let kd_corr = select(exp(kd_m - kd_tm), 0.0, kd_isinf(kd_m));
      kd_l = kd_l * kd_corr;
      ${loop('kd_e', Ev, setAcc('kd_e', `${getAcc('kd_e')} * kd_corr`))}
      kd_m = kd_tm;
    }
    for (var kd_c = 0; kd_c < kd_n; kd_c++) {
      let kd_s = kd_sc[kd_c];
      if (!kd_isinf(kd_s) && !kd_isnan(kd_s)) {
        let kd_p = exp(kd_s - kd_m);
        kd_l = kd_l + kd_p;
        ${loop('kd_e', Ev, setAcc('kd_e', `${getAcc('kd_e')} + kd_p * ${V('kd_c', 'kd_e')}`))}
      }
    }
    ${small ? 'workgroupBarrier();' : ''}
  }
  if (kd_active) {
    let kd_ok = !kd_bad && !kd_isinf(kd_m);
    let kd_inv = 1.0 / kd_l;
    ${loop('kd_e', Ev, a.st('out', 'kd_i', 'kd_e', `select(kd_nan(), ${getAcc('kd_e')} * kd_inv, kd_ok)`))}
    ${a.st('lse', 'kd_i', null, 'select(kd_nan(), kd_m + log(kd_l), kd_ok)')}
  }`;
    },
  );
  if (acc) ctx.rt.pool.free(acc.buffer);
};

export const attentionBackward: GpuKernel<'attentionBackward'> = (
  ctx,
  [dq, dk, dv],
  [q, k, v, out, dout, lse, mask],
  { scale, causal },
) => {
  const g = geometry('attentionBackward', q, k, v, mask);
  const { E, Ev } = g;
  const small = E <= PRIVATE_MAX && Ev <= PRIVATE_MAX;
  const D = scratchView(ctx, g.batch, g.L, null);
  const cm = `${causal ? 'c' : ''}${mask ? 'm' : ''}`;

  // pass 1: dq_i = scale·Σ_j ds_ij·k_j per query row, and D_i = dout_i·out_i for pass 2
  {
    const BC = small ? tileRows(E + Ev) : 32;
    const acc = small ? null : scratchView(ctx, g.batch, g.L, E);
    const ops: Operand[] = [
      { name: 'dq', view: dq, write: true, trailing: 2 },
      { name: 'dd', view: D, write: true, trailing: 1 },
      { name: 'q', view: q, trailing: 2 },
      { name: 'k', view: k, trailing: 2 },
      { name: 'v', view: v, trailing: 2 },
      { name: 'out', view: out, trailing: 2 },
      { name: 'dout', view: dout, trailing: 2 },
      { name: 'lse', view: lse, trailing: 1 },
    ];
    if (mask) ops.push({ name: 'mask', view: mask, trailing: 2 });
    if (acc) ops.push({ name: 'acc', view: acc, write: true, trailing: 2 });
    const shared = keyTileDecls(small, BC, E, Ev);
    pass(
      ctx,
      'attentionBackward(dq)',
      `${cm}:${small ? 's' : 'g'}${E},${Ev},${BC}`,
      g,
      ops,
      g.L,
      scale,
      shared,
      (a) => {
        const Q = (e: string) => (small ? `kd_qv[${e}]` : a.ld('q', 'kd_ii', e));
        const G = (e: string) => (small ? `kd_gv[${e}]` : a.ld('dout', 'kd_ii', e));
        const { K, V, stage } = keyTiles(a, small, BC, E, Ev);
        const getAcc = (e: string) => (small ? `kd_acc[${e}]` : a.ld('acc', 'kd_ii', e));
        const setAcc = (e: string, val: string) =>
          small ? `kd_acc[${e}] = ${val};` : a.st('acc', 'kd_ii', e, val);
        return `
  let kd_i = i32(kd_wid.x) * ${BR} + kd_t;
  let kd_active = kd_i < kd_L;
  let kd_ii = min(kd_i, kd_L - 1);
  ${small ? '' : 'if (!kd_active) { return; }'}
  ${small ? privateRow(a, 'kd_qv', 'q', 'kd_ii', E) : ''}
  ${small ? privateRow(a, 'kd_gv', 'dout', 'kd_ii', Ev) : ''}
  ${small ? `var kd_acc: array<f32, ${Math.max(1, E)}>;` : ''}
  ${loop('kd_e', E, setAcc('kd_e', '0.0'))}
  var kd_D = 0.0;
  ${loop('kd_e', Ev, `kd_D = kd_D + ${G('kd_e')} * ${a.ld('out', 'kd_ii', 'kd_e')};`)}
  let kd_lse = ${a.ld('lse', 'kd_ii')};
  var kd_end = kd_S;
  ${causal ? `kd_end = min(kd_S, (i32(kd_wid.x) + 1) * ${BR});` : ''}
  for (var kd_j0 = 0; kd_j0 < kd_end; kd_j0 += ${BC}) {
    ${stage}
    let kd_n = min(${BC}, kd_end - kd_j0);
    for (var kd_c = 0; kd_c < kd_n; kd_c++) {
      let kd_j = kd_j0 + kd_c;
      var kd_s = 0.0;
      ${loop('kd_e', E, `kd_s = kd_s + ${Q('kd_e')} * ${K('kd_c', 'kd_e')};`)}
      kd_s = kd_s * kd_scale;
      ${mask ? `kd_s = kd_s + ${a.ld('mask', 'kd_ii', 'kd_j')};` : ''}
      ${causal ? 'if (kd_j > kd_i) { kd_s = -kd_inf(); }' : ''}
      let kd_p = ${weight('kd_s', 'kd_lse')};
      var kd_dp = 0.0;
      ${loop('kd_e', Ev, `kd_dp = kd_dp + ${G('kd_e')} * ${V('kd_c', 'kd_e')};`)}
      let kd_ds = kd_p * (kd_dp - kd_D);
      ${loop('kd_e', E, setAcc('kd_e', `${getAcc('kd_e')} + kd_ds * ${K('kd_c', 'kd_e')}`))}
    }
    ${small ? 'workgroupBarrier();' : ''}
  }
  if (kd_active) {
    ${loop('kd_e', E, a.st('dq', 'kd_i', 'kd_e', `${getAcc('kd_e')} * kd_scale`))}
    ${a.st('dd', 'kd_i', null, 'kd_D')}
  }`;
      },
    );
    if (acc) ctx.rt.pool.free(acc.buffer);
  }

  // pass 2: dk_j = scale·Σ_i ds_ij·q_i and dv_j = Σ_i p_ij·dout_i per key row
  {
    const BC = small ? tileRows(E + Ev + 2) : 32;
    const accK = small ? null : scratchView(ctx, g.batch, g.S, E);
    const accV = small ? null : scratchView(ctx, g.batch, g.S, Ev);
    const ops: Operand[] = [
      { name: 'dk', view: dk, write: true, trailing: 2 },
      { name: 'dv', view: dv, write: true, trailing: 2 },
      { name: 'q', view: q, trailing: 2 },
      { name: 'k', view: k, trailing: 2 },
      { name: 'v', view: v, trailing: 2 },
      { name: 'dout', view: dout, trailing: 2 },
      { name: 'lse', view: lse, trailing: 1 },
      { name: 'dd', view: D, trailing: 1 },
    ];
    if (mask) ops.push({ name: 'mask', view: mask, trailing: 2 });
    if (accK && accV) {
      ops.push({ name: 'acck', view: accK, write: true, trailing: 2 });
      ops.push({ name: 'accv', view: accV, write: true, trailing: 2 });
    }
    const shared = small
      ? `var<workgroup> kd_Qs: array<f32, ${BC * Math.max(1, E)}>;
var<workgroup> kd_Gs: array<f32, ${BC * Math.max(1, Ev)}>;
var<workgroup> kd_Ls: array<f32, ${BC}>;
var<workgroup> kd_Ds: array<f32, ${BC}>;`
      : '';
    pass(
      ctx,
      'attentionBackward(dk,dv)',
      `${cm}:${small ? 's' : 'g'}${E},${Ev},${BC}`,
      g,
      ops,
      g.S,
      scale,
      shared,
      (a) => {
        const Kv = (e: string) => (small ? `kd_kv[${e}]` : a.ld('k', 'kd_jj', e));
        const Vv = (e: string) => (small ? `kd_vv[${e}]` : a.ld('v', 'kd_jj', e));
        const Q = (c: string, e: string) =>
          small ? `kd_Qs[(${c}) * ${E} + ${e}]` : a.ld('q', `kd_i0 + ${c}`, e);
        const G = (c: string, e: string) =>
          small ? `kd_Gs[(${c}) * ${Ev} + ${e}]` : a.ld('dout', `kd_i0 + ${c}`, e);
        const Ls = (c: string) => (small ? `kd_Ls[${c}]` : a.ld('lse', `kd_i0 + ${c}`));
        const Ds = (c: string) => (small ? `kd_Ds[${c}]` : a.ld('dd', `kd_i0 + ${c}`));
        const get = (n: 'k' | 'v', e: string) => (small ? `kd_a${n}[${e}]` : a.ld(`acc${n}`, 'kd_jj', e));
        const set = (n: 'k' | 'v', e: string, val: string) =>
          small ? `kd_a${n}[${e}] = ${val};` : a.st(`acc${n}`, 'kd_jj', e, val);
        const tile = (name: string, src: string, width: number, rowsOnly = false) =>
          stageTile(a, name, src, BC, width, 'kd_i0', 'kd_L', rowsOnly);
        return `
  let kd_j = i32(kd_wid.x) * ${BR} + kd_t;
  let kd_active = kd_j < kd_S;
  let kd_jj = min(kd_j, kd_S - 1);
  ${small ? '' : 'if (!kd_active) { return; }'}
  ${small ? privateRow(a, 'kd_kv', 'k', 'kd_jj', E) : ''}
  ${small ? privateRow(a, 'kd_vv', 'v', 'kd_jj', Ev) : ''}
  ${small ? `var kd_ak: array<f32, ${Math.max(1, E)}>;\n  var kd_av: array<f32, ${Math.max(1, Ev)}>;` : ''}
  ${loop('kd_e', E, set('k', 'kd_e', '0.0'))}
  ${loop('kd_e', Ev, set('v', 'kd_e', '0.0'))}
  var kd_start = 0;
  ${causal ? `kd_start = (i32(kd_wid.x) * ${BR} / ${BC}) * ${BC};` : ''}
  for (var kd_i0 = kd_start; kd_i0 < kd_L; kd_i0 += ${BC}) {
    ${
      small
        ? `${tile('kd_Qs', 'q', E)}
    ${tile('kd_Gs', 'dout', Ev)}
    ${tile('kd_Ls', 'lse', 1, true)}
    ${tile('kd_Ds', 'dd', 1, true)}
    workgroupBarrier();`
        : ''
    }
    let kd_n = min(${BC}, kd_L - kd_i0);
    for (var kd_c = 0; kd_c < kd_n; kd_c++) {
      let kd_i = kd_i0 + kd_c;
      var kd_s = 0.0;
      ${loop('kd_e', E, `kd_s = kd_s + ${Q('kd_c', 'kd_e')} * ${Kv('kd_e')};`)}
      kd_s = kd_s * kd_scale;
      ${mask ? `kd_s = kd_s + ${a.ld('mask', 'kd_i', 'kd_jj')};` : ''}
      ${causal ? 'if (kd_jj > kd_i) { kd_s = -kd_inf(); }' : ''}
      let kd_p = ${weight('kd_s', Ls('kd_c'))};
      var kd_dp = 0.0;
      ${loop('kd_e', Ev, `kd_dp = kd_dp + ${G('kd_c', 'kd_e')} * ${Vv('kd_e')};`)}
      let kd_ds = kd_p * (kd_dp - ${Ds('kd_c')});
      ${loop('kd_e', Ev, set('v', 'kd_e', `${get('v', 'kd_e')} + kd_p * ${G('kd_c', 'kd_e')}`))}
      ${loop('kd_e', E, set('k', 'kd_e', `${get('k', 'kd_e')} + kd_ds * ${Q('kd_c', 'kd_e')}`))}
    }
    ${small ? 'workgroupBarrier();' : ''}
  }
  if (kd_active) {
    ${loop('kd_e', E, a.st('dk', 'kd_j', 'kd_e', `${get('k', 'kd_e')} * kd_scale`))}
    ${loop('kd_e', Ev, a.st('dv', 'kd_j', 'kd_e', get('v', 'kd_e')))}
  }`;
      },
    );
    if (accK) ctx.rt.pool.free(accK.buffer);
    if (accV) ctx.rt.pool.free(accV.buffer);
  }
  ctx.rt.pool.free(D.buffer);
};
