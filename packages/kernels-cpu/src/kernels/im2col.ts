import type { Col2imAttrs, Im2colAttrs } from '@kindling/ops';
import { type CpuKernel, type CpuView, computeDTypes } from '../context.js';
import { numelOf } from '../strided.js';
import { fill } from './fill.js';

/**
 * im2col: [N, C, *spatial] -> [N, C*K, L], row c*K + (kernel offset, row-major), column the
 * output grid position (row-major); input position per dim o*stride - padding + k*dilation,
 * `padValue` outside. col2im is its adjoint: zero the output, then add each window back,
 * dropping positions outside. 1-D and 2-D problems run as 3-D with leading size-1 dims.
 */
interface Geometry {
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

function geometry(a: Im2colAttrs | Col2imAttrs, img: CpuView, col: CpuView): Geometry {
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
 * Calls `visit(imgOffset | -1, colOffset)` for every (n, c, kernel offset, output position),
 * with -1 where the input position falls outside (padding).
 */
function forEachWindow(g: Geometry, visit: (img: number, col: number) => void): void {
  const [KD, KH, KW] = g.k;
  const [SD, SH, SW] = g.s;
  const [PD, PH, PW] = g.p;
  const [DD, DH, DW] = g.d;
  const [OD, OH, OW] = g.o;
  const [ID, IH, IW] = g.i;
  const [sn, sc, sz, sy, sx] = g.img;
  const [cn, cr, cl] = g.col;
  const K = KD * KH * KW;
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      const imgBase = g.imgOffset + n * sn + c * sc;
      let row = c * K;
      for (let kz = 0; kz < KD; kz++) {
        for (let ky = 0; ky < KH; ky++) {
          for (let kx = 0; kx < KW; kx++, row++) {
            const colRow = g.colOffset + n * cn + row * cr;
            let l = 0;
            for (let oz = 0; oz < OD; oz++) {
              const iz = oz * SD - PD + kz * DD;
              const zIn = iz >= 0 && iz < ID;
              for (let oy = 0; oy < OH; oy++) {
                const iy = oy * SH - PH + ky * DH;
                const rowIn = zIn && iy >= 0 && iy < IH;
                const base = imgBase + iz * sz + iy * sy;
                for (let ox = 0; ox < OW; ox++, l++) {
                  const ix = ox * SW - PW + kx * DW;
                  visit(rowIn && ix >= 0 && ix < IW ? base + ix * sx : -1, colRow + l * cl);
                }
              }
            }
          }
        }
      }
    }
  }
}

export const im2col: CpuKernel<'im2col'> = (_ctx, [out], [x], attrs) => {
  computeDTypes('im2col', [out, x]);
  if (numelOf(out.shape) === 0) return;
  const g = geometry(attrs, x, out);
  const X = x.buffer;
  const O = out.buffer;
  const pad = out.dtype === 'bool' ? (attrs.padValue !== 0 ? 1 : 0) : attrs.padValue;
  forEachWindow(g, (i, o) => {
    O[o] = i >= 0 ? X[i] : pad;
  });
};

export const col2im: CpuKernel<'col2im'> = (ctx, [out], [col], attrs) => {
  computeDTypes('col2im', [out, col]);
  fill(ctx, [out], [], { value: 0 });
  if (numelOf(col.shape) === 0) return;
  const g = geometry(attrs, out, col);
  const C = col.buffer;
  const O = out.buffer;
  forEachWindow(g, (i, c) => {
    if (i >= 0) O[i] += C[c];
  });
};
