import type { ReduceOp, TypedArray } from '@kindling/ops';
import { type CpuKernel, type CpuView, computeDTypes, isContiguous } from '../context.js';
import { SLOT } from '../scratch.js';
import { coalesce, contiguous, numelOf, RowCursor } from '../strided.js';

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
    const row = ROW[op];
    const X = x.buffer;
    const c = new RowCursor(layout, [x.offset, 0, 0]);
    const off = c.off;
    do row(n, X, off[0], sx, acc, off[1], sa, index, off[2], sk);
    while (c.next());
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

/**
 * Folds one row of x (n elements from `i` at stride `sx`) into the accumulators from `a` at
 * stride `sa` (0 when the row is reduced); argmax/argmin also track positions from `k` at `sk`.
 * Top-level functions taking the arrays as arguments: V8 compiles those loops far better than
 * closures over the arrays.
 */
type RowFn = (
  n: number,
  x: TypedArray,
  i: number,
  sx: number,
  acc: Float64Array,
  a: number,
  sa: number,
  index: Float64Array,
  k: number,
  sk: number,
) => void;

function sumRow(
  n: number,
  x: TypedArray,
  i: number,
  sx: number,
  acc: Float64Array,
  a: number,
  sa: number,
): void {
  let j = 0;
  if (sa === 0) {
    // four partial sums: independent adds overlap instead of each waiting on the last
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    if (sx === 1) {
      for (; j + 4 <= n; j += 4, i += 4) {
        s0 += x[i];
        s1 += x[i + 1];
        s2 += x[i + 2];
        s3 += x[i + 3];
      }
    }
    for (; j < n; j++, i += sx) s0 += x[i];
    acc[a] += s0 + s1 + (s2 + s3);
  } else if (sa === 1 && sx === 1) {
    for (; j + 4 <= n; j += 4, i += 4, a += 4) {
      acc[a] += x[i];
      acc[a + 1] += x[i + 1];
      acc[a + 2] += x[i + 2];
      acc[a + 3] += x[i + 3];
    }
    for (; j < n; j++) acc[a++] += x[i++];
  } else for (; j < n; j++, i += sx, a += sa) acc[a] += x[i];
}

function prodRow(
  n: number,
  x: TypedArray,
  i: number,
  sx: number,
  acc: Float64Array,
  a: number,
  sa: number,
): void {
  if (sa === 0) {
    let p = acc[a];
    for (let j = 0; j < n; j++, i += sx) p *= x[i];
    acc[a] = p;
  } else for (let j = 0; j < n; j++, i += sx, a += sa) acc[a] *= x[i];
}

// NaN propagates: once the accumulator is NaN no comparison replaces it
function amaxRow(
  n: number,
  x: TypedArray,
  i: number,
  sx: number,
  acc: Float64Array,
  a: number,
  sa: number,
): void {
  if (sa === 0) {
    let m = acc[a];
    for (let j = 0; j < n; j++, i += sx) {
      const v = x[i];
      if (v > m || v !== v) m = v;
    }
    acc[a] = m;
    return;
  }
  for (let j = 0; j < n; j++, i += sx, a += sa) {
    const v = x[i];
    if (v > acc[a] || v !== v) acc[a] = v;
  }
}

function aminRow(
  n: number,
  x: TypedArray,
  i: number,
  sx: number,
  acc: Float64Array,
  a: number,
  sa: number,
): void {
  if (sa === 0) {
    let m = acc[a];
    for (let j = 0; j < n; j++, i += sx) {
      const v = x[i];
      if (v < m || v !== v) m = v;
    }
    acc[a] = m;
    return;
  }
  for (let j = 0; j < n; j++, i += sx, a += sa) {
    const v = x[i];
    if (v < acc[a] || v !== v) acc[a] = v;
  }
}

// strict comparison keeps the first occurrence; the first NaN wins and is never replaced
const argmaxRow: RowFn = (n, x, i, sx, acc, a, sa, index, k, sk) => {
  if (sa === 0) {
    let best = acc[a];
    let at = index[a];
    for (let j = 0; j < n; j++, i += sx, k += sk) {
      const v = x[i];
      if (v > best || (v !== v && best === best)) {
        best = v;
        at = k;
      }
    }
    acc[a] = best;
    index[a] = at;
    return;
  }
  for (let j = 0; j < n; j++, i += sx, a += sa, k += sk) {
    const v = x[i];
    const best = acc[a];
    if (v > best || (v !== v && best === best)) {
      acc[a] = v;
      index[a] = k;
    }
  }
};

const argminRow: RowFn = (n, x, i, sx, acc, a, sa, index, k, sk) => {
  if (sa === 0) {
    let best = acc[a];
    let at = index[a];
    for (let j = 0; j < n; j++, i += sx, k += sk) {
      const v = x[i];
      if (v < best || (v !== v && best === best)) {
        best = v;
        at = k;
      }
    }
    acc[a] = best;
    index[a] = at;
    return;
  }
  for (let j = 0; j < n; j++, i += sx, a += sa, k += sk) {
    const v = x[i];
    const best = acc[a];
    if (v < best || (v !== v && best === best)) {
      acc[a] = v;
      index[a] = k;
    }
  }
};

const ROW: Record<ReduceOp, RowFn> = {
  sum: sumRow,
  prod: prodRow,
  amax: amaxRow,
  amin: aminRow,
  argmax: argmaxRow,
  argmin: argminRow,
};

/** Stores a row-major float64 result into a (possibly strided) output view. */
export function writeAcc(out: CpuView, acc: Float64Array): void {
  const shape = out.shape;
  const o = out.buffer;
  const bool = out.dtype === 'bool';
  // a contiguous numeric output: TypedArray.set converts exactly like an element store
  if (!bool && isContiguous(out)) {
    o.set(acc.subarray(0, numelOf(shape)), out.offset);
    return;
  }
  const layout = coalesce(shape, [out.strides, contiguous(shape)]);
  const last = layout.shape.length - 1;
  const n = layout.shape[last];
  const so = layout.strides[0][last];
  const sa = layout.strides[1][last];
  const c = new RowCursor(layout, [out.offset, 0]);
  const off = c.off;
  do {
    for (let j = 0, i = off[0], a = off[1]; j < n; j++, i += so, a += sa)
      o[i] = bool ? +(acc[a] !== 0) : acc[a];
  } while (c.next());
}
