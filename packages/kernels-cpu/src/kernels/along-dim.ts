import type { CpuView } from '../context.js';
import { atLeast1d, coalesce, type Layout, withDim } from '../strided.js';

/**
 * The lines of x and out along `dim` (scan, softmax): `layout` walks every other dim, with `n`
 * lines per row at strides `ix`/`io`; each line has `len` elements at strides `sx`/`so`.
 * `byLine` says the line direction is the more contiguous one, so kernels finish one line at a
 * time; otherwise they step along `dim` in the outer loop and across the `n` lines inside,
 * keeping per-line state in scratch arrays (cache-friendly for softmax over dim 1 of NCHW).
 */
export interface Lines {
  readonly layout: Layout;
  readonly base: number[];
  readonly len: number;
  readonly sx: number;
  readonly so: number;
  readonly n: number;
  readonly ix: number;
  readonly io: number;
  readonly byLine: boolean;
}

export function linesAlong(out: CpuView, x: CpuView, dim: number): Lines {
  const xv = atLeast1d(x);
  const ov = atLeast1d(out);
  const d = dim < 0 ? dim + xv.shape.length : dim;
  if (d < 0 || d >= xv.shape.length)
    throw new RangeError(`cpu: dim ${dim} out of range for shape [${x.shape}]`);
  const len = xv.shape[d];
  const layout = coalesce(withDim(xv.shape, d, 1), [xv.strides, ov.strides]);
  const last = layout.shape.length - 1;
  const n = layout.shape[last];
  const ix = layout.strides[0][last];
  const io = layout.strides[1][last];
  const sx = xv.strides[d];
  const so = ov.strides[d];
  return {
    layout,
    base: [xv.offset, ov.offset],
    len,
    sx,
    so,
    n,
    ix,
    io,
    byLine: n === 1 || Math.abs(sx) <= Math.abs(ix),
  };
}
