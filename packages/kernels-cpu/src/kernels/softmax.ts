import { type CpuKernel, computeDTypes } from '../context.js';
import { SLOT } from '../scratch.js';
import { forEachRow, numelOf } from '../strided.js';
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
  if (byLine) {
    const e = ctx.scratch.f64(SLOT.row, len);
    forEachRow(layout, base, (off) => {
      for (let j = 0; j < n; j++) {
        const i0 = off[0] + j * ix;
        const o0 = off[1] + j * io;
        let max = Number.NEGATIVE_INFINITY;
        for (let t = 0, i = i0; t < len; t++, i += sx) {
          const v = X[i];
          if (v > max || v !== v) max = v;
          if (max !== max) break;
        }
        let sum = 0;
        for (let t = 0, i = i0; t < len; t++, i += sx) sum += e[t] = Math.exp(X[i] - max);
        if (log) {
          const shift = max + Math.log(sum);
          for (let t = 0, i = i0, o = o0; t < len; t++, i += sx, o += so) O[o] = X[i] - shift;
        } else {
          const inv = 1 / sum;
          for (let t = 0, o = o0; t < len; t++, o += so) O[o] = e[t] * inv;
        }
      }
    });
    return;
  }
  // across lines: per-line max and sum in scratch, stepping along dim in the outer loop
  const max = ctx.scratch.f64(SLOT.acc, n);
  const sum = ctx.scratch.f64(SLOT.aux, n);
  forEachRow(layout, base, (off) => {
    max.fill(Number.NEGATIVE_INFINITY, 0, n);
    sum.fill(0, 0, n);
    for (let t = 0; t < len; t++) {
      for (let j = 0, i = off[0] + t * sx; j < n; j++, i += ix) {
        const v = X[i];
        if (v > max[j] || v !== v) max[j] = v;
      }
    }
    if (log) {
      for (let t = 0; t < len; t++) {
        for (let j = 0, i = off[0] + t * sx; j < n; j++, i += ix) sum[j] += Math.exp(X[i] - max[j]);
      }
      for (let j = 0; j < n; j++) max[j] += Math.log(sum[j]);
      for (let t = 0; t < len; t++) {
        for (let j = 0, i = off[0] + t * sx, o = off[1] + t * so; j < n; j++, i += ix, o += io)
          O[o] = X[i] - max[j];
      }
      return;
    }
    // exp once: store it in out while summing, then scale out in place (PyTorch's CPU kernel
    // does the same). x is not read after its exp is stored, so out may alias it.
    for (let t = 0; t < len; t++) {
      for (let j = 0, i = off[0] + t * sx, o = off[1] + t * so; j < n; j++, i += ix, o += io) {
        const e = Math.exp(X[i] - max[j]);
        sum[j] += e;
        O[o] = e;
      }
    }
    for (let j = 0; j < n; j++) sum[j] = 1 / sum[j];
    for (let t = 0; t < len; t++) {
      for (let j = 0, o = off[1] + t * so; j < n; j++, o += io) O[o] *= sum[j];
    }
  });
};
