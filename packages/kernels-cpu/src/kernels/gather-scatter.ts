import { type CpuKernel, type CpuView, computeDTypes } from '../context.js';
import { atLeast1d, coalesce, forEachRow, numelOf, withDim } from '../strided.js';

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
  forEachRow(layout, [out.offset, index.offset, x.offset], (off) => {
    for (let j = 0, o = off[0], i = off[1], b = off[2]; j < n; j++, o += so, i += si, b += sx)
      O[o] = X[b + I[i] * step];
  });
};

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
  forEachRow(layout, [out.offset, index.offset, src.offset], (off) => {
    let o = off[0];
    let i = off[1];
    let s = off[2];
    if (!accumulate) for (let j = 0; j < n; j++, o += so, i += si, s += ss) O[o + I[i] * step] = S[s];
    else if (bool)
      for (let j = 0; j < n; j++, o += so, i += si, s += ss) O[o + I[i] * step] |= S[s] !== 0 ? 1 : 0;
    else for (let j = 0; j < n; j++, o += so, i += si, s += ss) O[o + I[i] * step] += S[s];
  });
};

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
  forEachRow(layout, [index.offset], (off) => {
    for (let j = 0, i = off[0]; j < n; j++, i += s) {
      const v = I[i];
      // unsigned compare: negatives become huge
      if (v >>> 0 >= size)
        throw new RangeError(`${op}(): index ${v} is out of bounds for dimension ${dim} with size ${size}`);
    }
  });
}
