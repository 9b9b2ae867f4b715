import type { TypedArray } from '@kindling/ops';
import { type CpuKernel, computeDTypes } from '../context.js';
import { SLOT } from '../scratch.js';
import { numelOf, RowCursor } from '../strided.js';
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
  const c = new RowCursor(layout, base);
  const off = c.off;
  if (byLine) {
    do {
      for (let j = 0; j < n; j++) {
        if (prod) cumprodLine(len, X, off[0] + j * ix, sx, O, off[1] + j * io, so);
        else cumsumLine(len, X, off[0] + j * ix, sx, O, off[1] + j * io, so);
      }
    } while (c.next());
    return;
  }
  // across lines: a float64 running value per line, stepping along dim in the outer loop
  const acc = ctx.scratch.f64(SLOT.acc, n);
  do {
    acc.fill(prod ? 1 : 0, 0, n);
    for (let t = 0; t < len; t++) {
      let i = off[0] + t * sx;
      let o = off[1] + t * so;
      if (prod) for (let j = 0; j < n; j++, i += ix, o += io) O[o] = acc[j] *= X[i];
      else for (let j = 0; j < n; j++, i += ix, o += io) O[o] = acc[j] += X[i];
    }
  } while (c.next());
};

function cumsumLine(len: number, X: TypedArray, i: number, sx: number, O: TypedArray, o: number, so: number) {
  let acc = 0;
  for (let t = 0; t < len; t++, i += sx, o += so) O[o] = acc += X[i];
}

function cumprodLine(
  len: number,
  X: TypedArray,
  i: number,
  sx: number,
  O: TypedArray,
  o: number,
  so: number,
) {
  let acc = 1;
  for (let t = 0; t < len; t++, i += sx, o += so) O[o] = acc *= X[i];
}
