import { type CpuKernel, type CpuView, computeDTypes, isContiguous } from '../context.js';
import { numelOf } from '../strided.js';
import { fill } from './fill.js';
import { col2imF32, im2colF32 } from './im2col-f32.js';
import { type Geometry, geometry, validRange } from './im2col-geometry.js';

// im2col: [N, C, *spatial] -> [N, C*K, L], row c*K + (kernel offset, row-major), column the
// output grid position (row-major); input position per dim o*stride - padding + k*dilation,
// `padValue` outside. col2im is its adjoint: zero the output, then add each window back,
// dropping positions outside. 1-D and 2-D problems run as 3-D with leading size-1 dims.
// Contiguous float32 takes im2col-f32.ts; everything else the strided loops below.

/**
 * Calls `row(inside, img, col, lo, hi)` for every (n, c, kernel offset, output row): the row's OW
 * columns start at `col` (step g.col[2]); when `inside`, columns [lo, hi) read the input at
 * img + ox * (stride * x-stride) and the others fall outside (padding); otherwise the whole row
 * is outside. Finding [lo, hi) per row keeps bounds checks out of the inner loops.
 */
function forEachRow(
  g: Geometry,
  row: (inside: boolean, img: number, col: number, lo: number, hi: number) => void,
): void {
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
      let r = c * K;
      for (let kz = 0; kz < KD; kz++) {
        for (let ky = 0; ky < KH; ky++) {
          for (let kx = 0; kx < KW; kx++, r++) {
            // ix = ox*SW - PW + kx*DW lies in [0, IW) for ox in [lo, hi)
            const shift = kx * DW - PW;
            const [lo, hi] = validRange(shift, SW, IW, OW);
            let col = g.colOffset + n * cn + r * cr;
            for (let oz = 0; oz < OD; oz++) {
              const iz = oz * SD - PD + kz * DD;
              for (let oy = 0; oy < OH; oy++, col += OW * cl) {
                const iy = oy * SH - PH + ky * DH;
                const inside = iz >= 0 && iz < ID && iy >= 0 && iy < IH;
                row(inside, imgBase + iz * sz + iy * sy + shift * sx, col, lo, hi);
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
  if (denseF32(x, out)) {
    im2colF32(g, x.buffer as Float32Array, out.buffer as Float32Array, attrs.padValue);
    return;
  }
  const X = x.buffer;
  const O = out.buffer;
  const pad = out.dtype === 'bool' ? (attrs.padValue !== 0 ? 1 : 0) : attrs.padValue;
  const OW = g.o[2];
  const cl = g.col[2];
  const step = g.s[2] * g.img[4];
  forEachRow(g, (inside, img, col, lo, hi) => {
    if (!inside) {
      for (let ox = 0, o = col; ox < OW; ox++, o += cl) O[o] = pad;
      return;
    }
    let o = col;
    let ox = 0;
    for (; ox < lo; ox++, o += cl) O[o] = pad;
    for (let i = img + lo * step; ox < hi; ox++, o += cl, i += step) O[o] = X[i];
    for (; ox < OW; ox++, o += cl) O[o] = pad;
  });
};

export const col2im: CpuKernel<'col2im'> = (ctx, [out], [col], attrs) => {
  computeDTypes('col2im', [out, col]);
  if (denseF32(out, col)) {
    const O = out.buffer as Float32Array;
    O.fill(0, out.offset, out.offset + numelOf(out.shape));
    if (numelOf(col.shape) > 0) col2imF32(geometry(attrs, out, col), col.buffer as Float32Array, O);
    return;
  }
  fill(ctx, [out], [], { value: 0 });
  if (numelOf(col.shape) === 0) return;
  const g = geometry(attrs, out, col);
  const C = col.buffer;
  const O = out.buffer;
  const cl = g.col[2];
  const step = g.s[2] * g.img[4];
  forEachRow(g, (inside, img, col, lo, hi) => {
    if (!inside) return;
    for (let ox = lo, c = col + lo * cl, i = img + lo * step; ox < hi; ox++, c += cl, i += step) O[i] += C[c];
  });
};

/** The float32 fast path's precondition: both views contiguous (any offset). */
function denseF32(img: CpuView, col: CpuView): boolean {
  return img.dtype === 'float32' && col.dtype === 'float32' && isContiguous(img) && isContiguous(col);
}
