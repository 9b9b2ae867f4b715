import { type CpuKernel, computeDTypes } from '../context.js';
import { SLOT } from '../scratch.js';
import { forEachRow, numelOf } from '../strided.js';
import { linesAlong } from './along-dim.js';

/**
 * Inclusive cumsum/cumprod along `dim`, accumulating in float64 (as PyTorch's CPU scan does for
 * float). Each element is read before its output is written, so out may alias x.
 */
export const scan: CpuKernel<'scan'> = (ctx, [out], [x], { op, dim }) => {
  computeDTypes('scan', [out, x]);
  if (numelOf(x.shape) === 0) return;
  const { layout, base, len, sx, so, n, ix, io, byLine } = linesAlong(out, x, dim);
  const X = x.buffer;
  const O = out.buffer;
  const prod = op === 'cumprod';
  if (byLine) {
    forEachRow(layout, base, (off) => {
      for (let j = 0; j < n; j++) {
        let i = off[0] + j * ix;
        let o = off[1] + j * io;
        let acc = prod ? 1 : 0;
        if (prod) for (let t = 0; t < len; t++, i += sx, o += so) O[o] = acc *= X[i];
        else for (let t = 0; t < len; t++, i += sx, o += so) O[o] = acc += X[i];
      }
    });
    return;
  }
  const acc = ctx.scratch.f64(SLOT.acc, n);
  forEachRow(layout, base, (off) => {
    acc.fill(prod ? 1 : 0, 0, n);
    for (let t = 0; t < len; t++) {
      let i = off[0] + t * sx;
      let o = off[1] + t * so;
      if (prod) for (let j = 0; j < n; j++, i += ix, o += io) O[o] = acc[j] *= X[i];
      else for (let j = 0; j < n; j++, i += ix, o += io) O[o] = acc[j] += X[i];
    }
  });
};
