import type { GpuView } from '../buffer.js';
import { atLeast1d, coalesce, contiguous, numelOf, withDim } from '../layout.js';
import { decompose, entry1d, kindOf, natTo, Params, pi, Program, pu, toNat } from '../wgsl/program.js';
import type { GpuContext, GpuKernel } from './context.js';
import { fill } from './elementwise.js';

/**
 * gather: out[p] = x[p with p[dim] = index[p]]; scatter: out[p with p[dim] = index[p]] (=|+=)
 * src[p], for every position p of index.
 *
 * Index checks: when the index buffer still holds values uploaded from the host (no kernel has
 * written it), they are validated synchronously with the CPU backend's error. Otherwise the
 * kernel checks each index on the GPU: gather clamps a bad index, scatter skips it, and the first
 * one is recorded in the error buffer, so the next `read` rejects with a RangeError naming it.
 *
 * scatter (no accumulate) is deterministic: a first pass keeps, per target element, the highest
 * index position that writes it (atomicMax), and only that position writes, so the last write
 * wins as on the CPU. scatter_add uses atomics (atomicAdd for int32, a compare-exchange loop for
 * floats, atomicOr for bool), so float sums may differ in rounding from run to run.
 */
const CODE = { gather: 1, scatter: 2, scatter_add: 3 } as const;

function checkDim(op: string, dim: number, v: GpuView): number {
  const d = dim < 0 ? dim + v.shape.length : dim;
  if (d < 0 || d >= v.shape.length)
    throw new RangeError(`${op}(): dim ${dim} out of range for shape [${v.shape}]`);
  return d;
}

/** The CPU backend's synchronous check, when the index values are known on the host. */
function validateOnHost(op: string, index: GpuView, dim: number, size: number): void {
  const host = index.buffer.host;
  if (!host) return;
  if (index.dtype !== 'int32')
    throw new TypeError(`${op}(): Expected dtype int32 for index, got ${index.dtype}`);
  const nd = index.shape.length;
  const idx = new Array<number>(nd).fill(0);
  const n = numelOf(index.shape);
  let off = index.offset;
  for (let k = 0; k < n; k++) {
    const v = host[off];
    if (v >>> 0 >= size)
      throw new RangeError(`${op}(): index ${v} is out of bounds for dimension ${dim} with size ${size}`);
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < index.shape[d]) {
        off += index.strides[d];
        break;
      }
      off -= index.strides[d] * (index.shape[d] - 1);
      idx[d] = 0;
    }
  }
}

/** WGSL recording the first bad index in the error buffer (operand `err`). */
function reporter(program: Program): string {
  const e = program.ref('err');
  return `fn kd_report(code: i32, idx: i32, dim: i32, size: i32) {
  if (atomicAdd(&${e}[0], 1) == 0) {
    atomicStore(&${e}[1], code);
    atomicStore(&${e}[2], idx);
    atomicStore(&${e}[3], dim);
    atomicStore(&${e}[4], size);
  }
}`;
}

export const gather: GpuKernel<'gather'> = (ctx, [outV], [xV, indexV], { dim }) => {
  const out = atLeast1d(outV);
  const x = atLeast1d(xV);
  const index = atLeast1d(indexV);
  const d = checkDim('gather', dim, x);
  const n = numelOf(index.shape);
  if (n === 0) return;
  if (index.dtype !== 'int32')
    throw new TypeError(`gather(): Expected dtype int32 for index, got ${index.dtype}`);
  const size = x.shape[d];
  validateOnHost('gather', index, d, size);
  const layout = coalesce(index.shape, [out.strides, index.strides, withDim(x.strides, d, 0)]);
  const p = new Params();
  const total = p.u32(n);
  const shape = layout.shape.map((s) => p.i32(s));
  const offs = [p.i32(out.offset), p.i32(index.offset), p.i32(x.offset)];
  const strides = layout.strides.map((st) => st.map((s) => p.i32(s)));
  const sizeIdx = p.i32(size);
  const stepIdx = p.i32(x.strides[d]);
  const dimIdx = p.i32(d);
  const program = new Program([
    { name: 'out', buffer: out.buffer, dtype: out.dtype, write: true },
    { name: 'x', buffer: x.buffer, dtype: x.dtype },
    { name: 'idx', buffer: index.buffer, dtype: 'int32' },
    { name: 'err', buffer: ctx.rt.errors, dtype: 'int32', write: true, atomic: true },
  ]);
  const same = out.dtype === x.dtype;
  const value = same
    ? 'ldb_x(kd_src)'
    : toNat(natTo('ld_x(kd_src)', x.dtype, kindOf(x.dtype)), kindOf(x.dtype), out.dtype);
  const body = [
    `  if (kd_id >= ${pu(total)}) { return; }`,
    `  var kd_o_out = ${pi(offs[0])};`,
    `  var kd_o_idx = ${pi(offs[1])};`,
    `  var kd_o_x = ${pi(offs[2])};`,
    decompose('i32(kd_id)', shape, ['kd_o_out', 'kd_o_idx', 'kd_o_x'], strides),
    `  let kd_size = ${pi(sizeIdx)};`,
    '  var kd_i = ld_idx(kd_o_idx);',
    '  if (kd_i < 0 || kd_i >= kd_size) {',
    `    kd_report(${CODE.gather}, kd_i, ${pi(dimIdx)}, kd_size);`,
    '    if (kd_size == 0) { return; }',
    '    kd_i = clamp(kd_i, 0, kd_size - 1);',
    '  }',
    `  let kd_src = kd_o_x + kd_i * ${pi(stepIdx)};`,
    same ? `  stb_out(kd_o_out, ${value});` : `  st_out(kd_o_out, ${value});`,
  ].join('\n');
  ctx.rt.dispatch({
    kernel: 'gather',
    key: `gather:nd${layout.shape.length}:${x.dtype}>${out.dtype}`,
    program,
    params: p,
    groups: Math.ceil(n / ctx.wg),
    source: () => `${program.declarations(p.length)}\n${reporter(program)}\n${entry1d(ctx.wg, body)}`,
  });
};

export const scatter: GpuKernel<'scatter'> = (ctx, [outV], [srcV, indexV], { dim, accumulate }) => {
  const out = atLeast1d(outV);
  const src = atLeast1d(srcV);
  const index = atLeast1d(indexV);
  const name = accumulate ? 'scatter_add' : 'scatter';
  const d = checkDim(name, dim, out);
  const n = numelOf(index.shape);
  if (n === 0) return;
  if (index.dtype !== 'int32')
    throw new TypeError(`${name}(): Expected dtype int32 for index, got ${index.dtype}`);
  const size = out.shape[d];
  validateOnHost(name, index, d, size);
  if (accumulate) scatterAdd(ctx, out, src, index, d, size);
  else scatterLast(ctx, out, src, index, d, size);
};

interface ScatterGeometry {
  readonly p: Params;
  readonly total: number;
  readonly head: (names: readonly string[]) => string;
  readonly size: number;
  readonly step: number;
  readonly dim: number;
  readonly wstep: number;
  readonly nd: number;
}

/** Walk of index positions: kd_o_out (target base, dim zeroed), kd_o_idx, kd_o_src, kd_o_win. */
function geometry(out: GpuView, src: GpuView, index: GpuView, d: number, size: number): ScatterGeometry {
  const logical = withDim(contiguous(out.shape), d, 0);
  const layout = coalesce(index.shape, [withDim(out.strides, d, 0), index.strides, src.strides, logical]);
  const p = new Params();
  const total = p.u32(numelOf(index.shape));
  const shape = layout.shape.map((s) => p.i32(s));
  const offs = [p.i32(out.offset), p.i32(index.offset), p.i32(src.offset), p.i32(0)];
  const strides = layout.strides.map((st) => st.map((s) => p.i32(s)));
  const sizeIdx = p.i32(size);
  const stepIdx = p.i32(out.strides[d]);
  const dimIdx = p.i32(d);
  const wstepIdx = p.i32(contiguous(out.shape)[d]);
  const all = ['kd_o_out', 'kd_o_idx', 'kd_o_src', 'kd_o_win'];
  const head = (names: readonly string[]) => {
    const used = all.map((v, k) => ({ v, k })).filter(({ v }) => names.includes(v));
    return [
      `  if (kd_id >= ${pu(total)}) { return; }`,
      ...used.map(({ v, k }) => `  var ${v} = ${pi(offs[k])};`),
      decompose(
        'i32(kd_id)',
        shape,
        used.map(({ v }) => v),
        used.map(({ k }) => strides[k]),
      ),
    ].join('\n');
  };
  return {
    p,
    total,
    head,
    size: sizeIdx,
    step: stepIdx,
    dim: dimIdx,
    wstep: wstepIdx,
    nd: layout.shape.length,
  };
}

function scatterAdd(
  ctx: GpuContext,
  out: GpuView,
  src: GpuView,
  index: GpuView,
  d: number,
  size: number,
): void {
  const g = geometry(out, src, index, d, size);
  const program = new Program([
    { name: 'out', buffer: out.buffer, dtype: out.dtype, write: true, atomic: true },
    { name: 'src', buffer: src.buffer, dtype: src.dtype },
    { name: 'idx', buffer: index.buffer, dtype: 'int32' },
    { name: 'err', buffer: ctx.rt.errors, dtype: 'int32', write: true, atomic: true },
  ]);
  const O = program.ref('out');
  const kind = kindOf(out.dtype);
  const v = natTo('ld_src(kd_o_src)', src.dtype, out.dtype === 'bool' ? 'bool' : kind);
  let update: string;
  switch (out.dtype) {
    case 'int32':
      update = `  atomicAdd(&${O}[kd_t], ${v});`;
      break;
    case 'bool':
      update = `  if (${v}) { atomicOr(&${O}[kd_t], 1u); }`;
      break;
    case 'float32':
      update = `  let kd_v = ${v};
  var kd_old = atomicLoad(&${O}[kd_t]);
  loop {
    let kd_r = atomicCompareExchangeWeak(&${O}[kd_t], kd_old, bitcast<u32>(bitcast<f32>(kd_old) + kd_v));
    if (kd_r.exchanged) { break; }
    kd_old = kd_r.old_value;
  }`;
      break;
    default:
      // float16: compare-exchange on the packed word
      update = `  let kd_v = ${v};
  let kd_w = u32(kd_t) >> 1u;
  let kd_sh = (u32(kd_t) & 1u) << 4u;
  var kd_old = atomicLoad(&${O}[kd_w]);
  loop {
    let kd_h = kd_f2h(kd_h2f((kd_old >> kd_sh) & 0xffffu) + kd_v);
    let kd_r = atomicCompareExchangeWeak(&${O}[kd_w], kd_old, (kd_old & ~(0xffffu << kd_sh)) | (kd_h << kd_sh));
    if (kd_r.exchanged) { break; }
    kd_old = kd_r.old_value;
  }`;
  }
  const body = [
    g.head(['kd_o_out', 'kd_o_idx', 'kd_o_src']),
    `  let kd_size = ${pi(g.size)};`,
    '  let kd_i = ld_idx(kd_o_idx);',
    `  if (kd_i < 0 || kd_i >= kd_size) { kd_report(${CODE.scatter_add}, kd_i, ${pi(g.dim)}, kd_size); return; }`,
    `  let kd_t = kd_o_out + kd_i * ${pi(g.step)};`,
    update,
  ].join('\n');
  ctx.rt.dispatch({
    kernel: 'scatter_add',
    key: `scatter_add:nd${g.nd}:${src.dtype}>${out.dtype}`,
    program,
    params: g.p,
    groups: Math.ceil(numelOf(index.shape) / ctx.wg),
    source: () => `${program.declarations(g.p.length)}\n${reporter(program)}\n${entry1d(ctx.wg, body)}`,
  });
}

function scatterLast(
  ctx: GpuContext,
  out: GpuView,
  src: GpuView,
  index: GpuView,
  d: number,
  size: number,
): void {
  const nOut = numelOf(out.shape);
  const win = ctx.rt.alloc('int32', nOut);
  try {
    const winView: GpuView = { buffer: win, dtype: 'int32', shape: [nOut], strides: [1], offset: 0 };
    fill(ctx, [winView], [], { value: 0 });
    const n = numelOf(index.shape);
    // pass 1: validate, and keep the last (highest) index position per target element
    {
      const g = geometry(out, src, index, d, size);
      const program = new Program([
        { name: 'idx', buffer: index.buffer, dtype: 'int32' },
        { name: 'win', buffer: win, dtype: 'int32', write: true, atomic: true },
        { name: 'err', buffer: ctx.rt.errors, dtype: 'int32', write: true, atomic: true },
      ]);
      const body = [
        g.head(['kd_o_idx', 'kd_o_win']),
        `  let kd_size = ${pi(g.size)};`,
        '  let kd_i = ld_idx(kd_o_idx);',
        `  if (kd_i < 0 || kd_i >= kd_size) { kd_report(${CODE.scatter}, kd_i, ${pi(g.dim)}, kd_size); return; }`,
        `  atomicMax(&${program.ref('win')}[kd_o_win + kd_i * ${pi(g.wstep)}], i32(kd_id) + 1);`,
      ].join('\n');
      ctx.rt.dispatch({
        kernel: 'scatter',
        key: `scatter:winner:nd${g.nd}`,
        program,
        params: g.p,
        groups: Math.ceil(n / ctx.wg),
        source: () => `${program.declarations(g.p.length)}\n${reporter(program)}\n${entry1d(ctx.wg, body)}`,
      });
    }
    // pass 2: the winning position writes
    {
      const g = geometry(out, src, index, d, size);
      const program = new Program([
        { name: 'out', buffer: out.buffer, dtype: out.dtype, write: true },
        { name: 'src', buffer: src.buffer, dtype: src.dtype },
        { name: 'idx', buffer: index.buffer, dtype: 'int32' },
        { name: 'win', buffer: win, dtype: 'int32' },
      ]);
      const same = src.dtype === out.dtype;
      const kind = kindOf(src.dtype);
      const write = same
        ? 'stb_out(kd_t, ldb_src(kd_o_src));'
        : `st_out(kd_t, ${toNat(natTo('ld_src(kd_o_src)', src.dtype, kind), kind, out.dtype)});`;
      const body = [
        g.head(['kd_o_out', 'kd_o_idx', 'kd_o_src', 'kd_o_win']),
        '  let kd_i = ld_idx(kd_o_idx);',
        `  if (kd_i < 0 || kd_i >= ${pi(g.size)}) { return; }`,
        `  if (ld_win(kd_o_win + kd_i * ${pi(g.wstep)}) != i32(kd_id) + 1) { return; }`,
        `  let kd_t = kd_o_out + kd_i * ${pi(g.step)};`,
        `  ${write}`,
      ].join('\n');
      ctx.rt.dispatch({
        kernel: 'scatter',
        key: `scatter:write:nd${g.nd}:${src.dtype}>${out.dtype}`,
        program,
        params: g.p,
        groups: Math.ceil(n / ctx.wg),
        source: () => `${program.declarations(g.p.length)}\n${entry1d(ctx.wg, body)}`,
      });
    }
  } finally {
    ctx.rt.pool.free(win);
  }
}
