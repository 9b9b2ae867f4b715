import type { DType } from '@kindling/ops';
import { type CpuKernel, type CpuView, runMap } from '../context.js';
import { halfBits, halfTable } from '../half.js';
import type { LoopCache, LoopOp } from '../loops.js';
import { coalesce, forEachRow, numelOf } from '../strided.js';

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
  // dense runs of a plain numeric conversion: TypedArray.set (memmove, converting)
  if (setConverts(x.dtype, out.dtype)) {
    const layout = coalesce(out.shape, [out.strides, x.strides]);
    const nd = layout.shape.length;
    if (layout.strides[0][nd - 1] === 1 && layout.strides[1][nd - 1] === 1) {
      const n = layout.shape[nd - 1];
      const dst = out.buffer;
      const src = x.buffer;
      forEachRow(layout, [out.offset, x.offset], (off) => dst.set(src.subarray(off[1], off[1] + n), off[0]));
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
