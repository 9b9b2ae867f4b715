import type { DType, TypedArray } from '@kindling/ops';
import { type CpuKernel, type CpuView, runMap } from '../context.js';
import { halfBits, halfTable } from '../half.js';
import type { LoopCache, LoopOp } from '../loops.js';
import { coalesce, type Layout, numelOf, RowCursor } from '../strided.js';

const IDENTITY: LoopOp = { label: 'copy', arity: 1, f: (x: number) => x, params: false };
const ENCODE_HALF: LoopOp = { label: 'copy:encode-half', arity: 1, f: halfBits, params: false };
let decodeHalf: LoopOp | null = null;

/**
 * out = x between any two dtypes, float16 included (as raw half bits): halves decode through a
 * table and encode by round-to-nearest-even; a bool destination stores nonzero (NaN too) as 1;
 * int32 destinations truncate toward zero like the typed-array store.
 */
export const copy: CpuKernel<'copy'> = (ctx, [out], [x]) => copyView(ctx.loops, out, x);

export function copyView(loops: LoopCache, out: CpuView, x: CpuView): void {
  if (numelOf(out.shape) === 0) return;
  if (setConverts(x.dtype, out.dtype)) {
    const layout = coalesce(out.shape, [out.strides, x.strides]);
    const nd = layout.shape.length;
    const n = layout.shape[nd - 1];
    // dense runs of a plain numeric conversion: TypedArray.set (memmove, converting); short
    // rows are cheaper in the loop than a subarray each
    if (layout.strides[0][nd - 1] === 1 && layout.strides[1][nd - 1] === 1 && (nd === 1 || n >= 64)) {
      const c = new RowCursor(layout, [out.offset, x.offset]);
      const off = c.off;
      do out.buffer.set(x.buffer.subarray(off[1], off[1] + n), off[0]);
      while (c.next());
      return;
    }
    if (transposes(layout)) {
      copyTiled(layout, out.buffer, out.offset, x.buffer, x.offset);
      return;
    }
  }
  runMap(loops.get(converter(x.dtype, out.dtype), out.dtype, x.dtype), out, [x]);
}

/** Whether a typed-array store gives the right value (no half bits, no bool normalisation). */
function setConverts(from: DType, to: DType): boolean {
  if (from === to) return true;
  return from !== 'float16' && to !== 'float16' && (to !== 'bool' || from === 'bool');
}

/** The scalar conversion; plain numeric ones are the typed-array store itself (bool: nonzero -> 1). */
function converter(from: DType, to: DType): LoopOp {
  if (from === to) return IDENTITY;
  if (from === 'float16') {
    if (!decodeHalf) {
      const table = halfTable();
      decodeHalf = { label: 'copy:decode-half', arity: 1, f: (h: number) => table[h], params: false };
    }
    return decodeHalf;
  }
  if (to === 'float16') return ENCODE_HALF;
  return IDENTITY;
}

const TILE = 32;

/**
 * Whether the two innermost dims swap which operand is unit-stride (a transpose, NCHW <-> NHWC
 * and the like): walking rows of one then strides through the other a cache line per element.
 */
function transposes(layout: Layout): boolean {
  const nd = layout.shape.length;
  if (nd < 2 || layout.shape[nd - 1] < TILE / 4 || layout.shape[nd - 2] < TILE / 4) return false;
  const [so, sx] = layout.strides;
  return (so[nd - 1] === 1 && sx[nd - 2] === 1) || (sx[nd - 1] === 1 && so[nd - 2] === 1);
}

/**
 * Copies the two innermost dims in TILE x TILE blocks, so the lines read by one row of a block
 * are still cached for the next (several times faster than element order for big transposes).
 */
function copyTiled(layout: Layout, O: TypedArray, oBase: number, X: TypedArray, xBase: number): void {
  const nd = layout.shape.length;
  const rows = layout.shape[nd - 2];
  const cols = layout.shape[nd - 1];
  const [so, sx] = layout.strides;
  const outer: Layout = { shape: layout.shape.slice(0, -1), strides: [so.slice(0, -1), sx.slice(0, -1)] };
  const c = new RowCursor(outer, [oBase, xBase]);
  const off = c.off;
  do {
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const o = off[0] + r0 * so[nd - 2] + c0 * so[nd - 1];
        const i = off[1] + r0 * sx[nd - 2] + c0 * sx[nd - 1];
        copyBlock(
          Math.min(TILE, rows - r0),
          Math.min(TILE, cols - c0),
          O,
          o,
          so[nd - 2],
          so[nd - 1],
          X,
          i,
          sx[nd - 2],
          sx[nd - 1],
        );
      }
    }
  } while (c.next());
}

function copyBlock(
  rows: number,
  cols: number,
  O: TypedArray,
  o: number,
  or: number,
  oc: number,
  X: TypedArray,
  i: number,
  xr: number,
  xc: number,
): void {
  for (let r = 0; r < rows; r++, o += or, i += xr) {
    let p = o;
    let q = i;
    let k = 0;
    // unrolled: V8 re-checks both arrays per iteration, and four elements share the checks
    for (; k + 4 <= cols; k += 4, p += 4 * oc, q += 4 * xc) {
      O[p] = X[q];
      O[p + oc] = X[q + xc];
      O[p + 2 * oc] = X[q + 2 * xc];
      O[p + 3 * oc] = X[q + 3 * xc];
    }
    for (; k < cols; k++, p += oc, q += xc) O[p] = X[q];
  }
}
