import type { TypedArray } from '@kindling/ops';
import { type CpuKernel, type CpuView, computeDTypes } from '../context.js';
import { atLeast1d, coalesce, numelOf, RowCursor, withDim } from '../strided.js';

/**
 * gather: out[p] = x[p with p[dim] = index[p]]; scatter: out[p with p[dim] = index[p]] (=|+=)
 * src[p], for every position p of index. Every index is validated before anything is written,
 * so a bad index leaves the output untouched.
 */
export const gather: CpuKernel<'gather'> = (_ctx, [outV], [xV, indexV], { dim }) => {
  computeDTypes('gather', [outV, xV]);
  const out = atLeast1d(outV);
  const x = atLeast1d(xV);
  const index = atLeast1d(indexV);
  const d = checkDim('gather', dim, x);
  if (numelOf(index.shape) === 0) return;
  const size = x.shape[d];
  validate('gather', index, d, size);
  const X = x.buffer;
  const O = out.buffer;
  const I = index.buffer;
  const step = x.strides[d];
  // x walks the index's positions with dim d contributing only through the index value
  const layout = coalesce(index.shape, [out.strides, index.strides, withDim(x.strides, d, 0)]);
  const last = layout.shape.length - 1;
  const n = layout.shape[last];
  const [so, si, sx] = layout.strides.map((s) => s[last]);
  const c = new RowCursor(layout, [out.offset, index.offset, x.offset]);
  const off = c.off;
  do gatherRow(n, O, off[0], so, I, off[1], si, X, off[2], sx, step);
  while (c.next());
};

function gatherRow(
  n: number,
  O: TypedArray,
  o: number,
  so: number,
  I: TypedArray,
  i: number,
  si: number,
  X: TypedArray,
  b: number,
  sx: number,
  step: number,
): void {
  for (let j = 0; j < n; j++, o += so, i += si, b += sx) O[o] = X[b + I[i] * step];
}

export const scatter: CpuKernel<'scatter'> = (_ctx, [outV], [srcV, indexV], { dim, accumulate }) => {
  computeDTypes('scatter', [outV, srcV]);
  const out = atLeast1d(outV);
  const src = atLeast1d(srcV);
  const index = atLeast1d(indexV);
  const name = accumulate ? 'scatter_add' : 'scatter';
  const d = checkDim(name, dim, out);
  if (numelOf(index.shape) === 0) return;
  const size = out.shape[d];
  validate(name, index, d, size);
  const S = src.buffer;
  const O = out.buffer;
  const I = index.buffer;
  const step = out.strides[d];
  const bool = out.dtype === 'bool';
  const layout = coalesce(index.shape, [withDim(out.strides, d, 0), index.strides, src.strides]);
  const last = layout.shape.length - 1;
  const n = layout.shape[last];
  const [so, si, ss] = layout.strides.map((s) => s[last]);
  // in index order, so with duplicate indices the last write wins (deterministic)
  const c = new RowCursor(layout, [out.offset, index.offset, src.offset]);
  const off = c.off;
  const mode = accumulate ? (bool ? OR : ADD) : SET;
  do scatterRow(mode, n, O, off[0], so, I, off[1], si, S, off[2], ss, step);
  while (c.next());
};

const SET = 0;
const ADD = 1;
const OR = 2;

function scatterRow(
  mode: number,
  n: number,
  O: TypedArray,
  o: number,
  so: number,
  I: TypedArray,
  i: number,
  si: number,
  S: TypedArray,
  s: number,
  ss: number,
  step: number,
): void {
  if (mode === SET) for (let j = 0; j < n; j++, o += so, i += si, s += ss) O[o + I[i] * step] = S[s];
  else if (mode === OR)
    for (let j = 0; j < n; j++, o += so, i += si, s += ss) O[o + I[i] * step] |= S[s] !== 0 ? 1 : 0;
  else for (let j = 0; j < n; j++, o += so, i += si, s += ss) O[o + I[i] * step] += S[s];
}

function checkDim(op: string, dim: number, v: CpuView): number {
  const d = dim < 0 ? dim + v.shape.length : dim;
  if (d < 0 || d >= v.shape.length)
    throw new RangeError(`${op}(): dim ${dim} out of range for shape [${v.shape}]`);
  return d;
}

/** Throws PyTorch's message for the first index outside [0, size), in row-major order. */
function validate(op: string, index: CpuView, dim: number, size: number): void {
  if (index.dtype !== 'int32')
    throw new TypeError(`${op}(): Expected dtype int32 for index, got ${index.dtype}`);
  const layout = coalesce(index.shape, [index.strides]);
  const last = layout.shape.length - 1;
  const n = layout.shape[last];
  const s = layout.strides[0][last];
  const I = index.buffer;
  const c = new RowCursor(layout, [index.offset]);
  do {
    for (let j = 0, i = c.off[0]; j < n; j++, i += s) {
      const v = I[i];
      // unsigned compare: negatives become huge
      if (v >>> 0 >= size)
        throw new RangeError(`${op}(): index ${v} is out of bounds for dimension ${dim} with size ${size}`);
    }
  } while (c.next());
}
