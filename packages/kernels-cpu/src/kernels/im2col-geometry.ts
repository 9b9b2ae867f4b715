import type { Col2imAttrs, Im2colAttrs } from '@kindling/ops';
import type { CpuView } from '../context.js';

/** An im2col/col2im problem as 3-D (1-D and 2-D get leading size-1 dims), so one loop nest serves all. */
export interface Geometry {
  readonly batch: number;
  readonly channels: number;
  /** Per spatial dim (3 after padding): kernel, stride, padding, dilation, out size, in size. */
  readonly k: number[];
  readonly s: number[];
  readonly p: number[];
  readonly d: number[];
  readonly o: number[];
  readonly i: number[];
  /** Strides of the image view [N, C, D, H, W] and the column view [N, C*K, L]. */
  readonly img: number[];
  readonly col: number[];
  readonly imgOffset: number;
  readonly colOffset: number;
}

export function geometry(a: Im2colAttrs | Col2imAttrs, img: CpuView, col: CpuView): Geometry {
  const sd = a.kernel.length;
  if (sd < 1 || sd > 3 || img.shape.length !== sd + 2 || col.shape.length !== 3) {
    throw new RangeError(
      `cpu im2col/col2im: expected [N, C, *spatial] with 1-3 spatial dims, got [${img.shape}] and [${col.shape}]`,
    );
  }
  const pad = <T>(v: readonly T[], fillv: T): T[] => [...new Array<T>(3 - sd).fill(fillv), ...v];
  return {
    batch: img.shape[0],
    channels: img.shape[1],
    k: pad(a.kernel, 1),
    s: pad(a.stride, 1),
    p: pad(a.padding, 0),
    d: pad(a.dilation, 1),
    o: pad(a.outSize, 1),
    i: pad(img.shape.slice(2), 1),
    img: [img.strides[0], img.strides[1], ...pad(img.strides.slice(2), 0)],
    col: [...col.strides],
    imgOffset: img.offset,
    colOffset: col.offset,
  };
}

/**
 * The output columns ox in [lo, hi) whose input x = ox * stride + shift lies in [0, size); found
 * once per kernel offset so the inner loops carry no bounds checks.
 */
export function validRange(shift: number, stride: number, size: number, out: number): [number, number] {
  const lo = Math.min(out, Math.max(0, Math.ceil(-shift / stride)));
  const hi = Math.max(lo, Math.min(out, Math.floor((size - 1 - shift) / stride) + 1));
  return [lo, hi];
}
