import type { TypedArray } from '@kindling/ops';
import { type CpuKernel, computeDTypes } from '../context.js';
import { SLOT } from '../scratch.js';
import { numelOf, RowCursor } from '../strided.js';
import { linesAlong } from './along-dim.js';

/**
 * softmax / log_softmax along `dim`, stable: exp(x - max) / sum and x - max - log(sum), in
 * float64. A NaN makes its line NaN, and a line of all -inf gives NaN (-inf - -inf), as in
 * PyTorch. Each line is fully read before it is written, so out may alias x.
 */
export const softmax: CpuKernel<'softmax'> = (ctx, [out], [x], { dim, log }) => {
  computeDTypes('softmax', [out, x]);
  if (numelOf(x.shape) === 0) return;
  const { layout, base, len, sx, so, n, ix, io, byLine } = linesAlong(out, x, dim);
  const X = x.buffer;
  const O = out.buffer;
  const c = new RowCursor(layout, base);
  const off = c.off;
  if (byLine) {
    const e = ctx.scratch.f64(SLOT.row, len);
    do {
      for (let j = 0; j < n; j++) line(len, X, off[0] + j * ix, sx, O, off[1] + j * io, so, e, log);
    } while (c.next());
    return;
  }
  // across lines: per-line max and sum in scratch, stepping along dim in the outer loop
  const max = ctx.scratch.f64(SLOT.acc, n);
  const sum = ctx.scratch.f64(SLOT.aux, n);
  do across(len, n, X, off[0], sx, ix, O, off[1], so, io, max, sum, log);
  while (c.next());
};

/** One line of `len` elements; `e` holds the exps between the sum and the scaling. */
function line(
  len: number,
  X: TypedArray,
  i0: number,
  sx: number,
  O: TypedArray,
  o0: number,
  so: number,
  e: Float64Array,
  log: boolean,
): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let t = 0, i = i0; t < len; t++, i += sx) {
    const v = X[i];
    if (v > max) max = v;
    else if (v !== v) {
      max = v; // NaN: the whole line is NaN
      break;
    }
  }
  let sum = 0;
  if (log) {
    for (let t = 0, i = i0; t < len; t++, i += sx) sum += Math.exp(X[i] - max);
    const shift = max + Math.log(sum);
    for (let t = 0, i = i0, o = o0; t < len; t++, i += sx, o += so) O[o] = X[i] - shift;
    return;
  }
  for (let t = 0, i = i0; t < len; t++, i += sx) sum += e[t] = Math.exp(X[i] - max);
  const inv = 1 / sum;
  for (let t = 0, o = o0; t < len; t++, o += so) O[o] = e[t] * inv;
}

/** `n` lines at strides `ix`/`io`, stepping along them together (dim is the less contiguous). */
function across(
  len: number,
  n: number,
  X: TypedArray,
  x0: number,
  sx: number,
  ix: number,
  O: TypedArray,
  o0: number,
  so: number,
  io: number,
  max: Float64Array,
  sum: Float64Array,
  log: boolean,
): void {
  max.fill(Number.NEGATIVE_INFINITY, 0, n);
  sum.fill(0, 0, n);
  for (let t = 0; t < len; t++) {
    for (let j = 0, i = x0 + t * sx; j < n; j++, i += ix) {
      const v = X[i];
      if (v > max[j] || v !== v) max[j] = v;
    }
  }
  if (log) {
    for (let t = 0; t < len; t++) {
      for (let j = 0, i = x0 + t * sx; j < n; j++, i += ix) sum[j] += Math.exp(X[i] - max[j]);
    }
    for (let j = 0; j < n; j++) max[j] += Math.log(sum[j]);
    for (let t = 0; t < len; t++) {
      for (let j = 0, i = x0 + t * sx, o = o0 + t * so; j < n; j++, i += ix, o += io) O[o] = X[i] - max[j];
    }
    return;
  }
  // exp once: store it in out while summing, then scale out in place (PyTorch's CPU kernel
  // does the same). x is not read after its exp is stored, so out may alias it.
  for (let t = 0; t < len; t++) {
    for (let j = 0, i = x0 + t * sx, o = o0 + t * so; j < n; j++, i += ix, o += io) {
      const e = Math.exp(X[i] - max[j]);
      sum[j] += e;
      O[o] = e;
    }
  }
  for (let j = 0; j < n; j++) sum[j] = 1 / sum[j];
  for (let t = 0; t < len; t++) {
    for (let j = 0, o = o0 + t * so; j < n; j++, o += io) O[o] *= sum[j];
  }
}
