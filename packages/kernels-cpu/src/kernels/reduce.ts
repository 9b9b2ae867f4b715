import type { ReduceOp } from '@kindling/ops';
import { type CpuKernel, type CpuView, computeDTypes } from '../context.js';
import { SLOT } from '../scratch.js';
import { coalesce, contiguous, forEachRow, numelOf } from '../strided.js';

/**
 * Reductions walk the input once in its own row-major order, folding each element into a float64
 * accumulator per output element (an accumulator stride of 0 along reduced dims). That is
 * cache-friendly whichever dims are reduced, and float64 accumulation keeps float32 sums close to
 * PyTorch's pairwise sums. argmax/argmin track the flat index within the reduced dims, which is
 * the index along the dim for one dim and the row-major flat index when every dim is reduced.
 */
export const reduce: CpuKernel<'reduce'> = (ctx, [out], [x], { op, dims }) => {
  computeDTypes('reduce', [out, x]);
  const nd = x.shape.length;
  const reduced = new Array<boolean>(nd).fill(false);
  for (const d of dims) if (d >= 0 && d < nd) reduced[d] = true;
  const outShape = x.shape.map((s, d) => (reduced[d] ? 1 : s));
  const nOut = numelOf(outShape);
  if (numelOf(out.shape) !== nOut) {
    throw new RangeError(
      `cpu reduce: output shape [${out.shape}] does not match input [${x.shape}] reduced over [${dims}]`,
    );
  }
  if (nOut === 0) return;
  const arg = op === 'argmax' || op === 'argmin';
  const acc = ctx.scratch.f64(SLOT.acc, nOut);
  acc.fill(INIT[op], 0, nOut);
  const index = arg ? ctx.scratch.f64(SLOT.index, nOut) : acc;
  if (arg) index.fill(0, 0, nOut);

  if (numelOf(x.shape) > 0) {
    // accumulator strides: contiguous over the output, 0 along reduced dims
    const accStrides = contiguous(outShape).map((s, d) => (reduced[d] ? 0 : s));
    // flat position within the reduced dims (argmax/argmin)
    const subShape = x.shape.map((s, d) => (reduced[d] ? s : 1));
    const subStrides = contiguous(subShape).map((s, d) => (reduced[d] ? s : 0));
    const layout = coalesce(x.shape, [x.strides, accStrides, subStrides]);
    const last = layout.shape.length - 1;
    const n = layout.shape[last];
    const sx = layout.strides[0][last];
    const sa = layout.strides[1][last];
    const sk = layout.strides[2][last];
    forEachRow(layout, [x.offset, 0, 0], ROW[op](x.buffer, acc, index, n, sx, sa, sk));
  }
  writeAcc(out, arg ? index : acc);
};

const INIT: Record<ReduceOp, number> = {
  sum: 0,
  prod: 1,
  amax: Number.NEGATIVE_INFINITY,
  amin: Number.POSITIVE_INFINITY,
  argmax: Number.NEGATIVE_INFINITY,
  argmin: Number.POSITIVE_INFINITY,
};

type Arr = ArrayLike<number>;
type RowFn = (
  x: Arr,
  acc: Float64Array,
  index: Float64Array,
  n: number,
  sx: number,
  sa: number,
  sk: number,
) => (off: number[]) => void;

// One row function per op, so each inner loop is a tight loop without a switch. When the row is
// reduced (sa === 0) the accumulator stays in a local.
const ROW: Record<ReduceOp, RowFn> = {
  sum: (x, acc, _i, n, sx, sa) => (off) => {
    let i = off[0];
    let a = off[1];
    if (sa === 0) {
      let s = acc[a];
      for (let j = 0; j < n; j++, i += sx) s += x[i];
      acc[a] = s;
    } else for (let j = 0; j < n; j++, i += sx, a += sa) acc[a] += x[i];
  },
  prod: (x, acc, _i, n, sx, sa) => (off) => {
    let i = off[0];
    let a = off[1];
    if (sa === 0) {
      let s = acc[a];
      for (let j = 0; j < n; j++, i += sx) s *= x[i];
      acc[a] = s;
    } else for (let j = 0; j < n; j++, i += sx, a += sa) acc[a] *= x[i];
  },
  // NaN propagates: once the accumulator is NaN no comparison replaces it
  amax: (x, acc, _i, n, sx, sa) => (off) => {
    let i = off[0];
    let a = off[1];
    for (let j = 0; j < n; j++, i += sx, a += sa) {
      const v = x[i];
      if (v > acc[a] || v !== v) acc[a] = v;
    }
  },
  amin: (x, acc, _i, n, sx, sa) => (off) => {
    let i = off[0];
    let a = off[1];
    for (let j = 0; j < n; j++, i += sx, a += sa) {
      const v = x[i];
      if (v < acc[a] || v !== v) acc[a] = v;
    }
  },
  // strict comparison keeps the first occurrence; the first NaN wins and is never replaced
  argmax: (x, acc, index, n, sx, sa, sk) => (off) => {
    let i = off[0];
    let a = off[1];
    let k = off[2];
    for (let j = 0; j < n; j++, i += sx, a += sa, k += sk) {
      const v = x[i];
      const best = acc[a];
      if (v > best || (v !== v && best === best)) {
        acc[a] = v;
        index[a] = k;
      }
    }
  },
  argmin: (x, acc, index, n, sx, sa, sk) => (off) => {
    let i = off[0];
    let a = off[1];
    let k = off[2];
    for (let j = 0; j < n; j++, i += sx, a += sa, k += sk) {
      const v = x[i];
      const best = acc[a];
      if (v < best || (v !== v && best === best)) {
        acc[a] = v;
        index[a] = k;
      }
    }
  },
};

/** Stores a row-major float64 result into a (possibly strided) output view. */
export function writeAcc(out: CpuView, acc: Float64Array): void {
  const shape = out.shape;
  const layout = coalesce(shape, [out.strides, contiguous(shape)]);
  const last = layout.shape.length - 1;
  const n = layout.shape[last];
  const so = layout.strides[0][last];
  const sa = layout.strides[1][last];
  const o = out.buffer;
  const bool = out.dtype === 'bool';
  forEachRow(layout, [out.offset, 0], (off) => {
    for (let j = 0, i = off[0], a = off[1]; j < n; j++, i += so, a += sa)
      o[i] = bool ? (acc[a] !== 0 ? 1 : 0) : acc[a];
  });
}
