import type { TypedArray } from '@kindling/ops';
import { type CpuView, isContiguous } from '../context.js';
import { coalesce, type Layout, numelOf, RowCursor } from '../strided.js';
import type { UnaryRow } from './unary.js';

/**
 * Where the hand-written loops of this folder may run: the layout of `out` and `xs` (all of the
 * output's shape) when every innermost row is unit-stride for `out` and for at least one input,
 * and unit-stride or broadcast (stride 0) for the others; null otherwise, or when rows are too
 * short to repay a call each. Contiguous and scalar operands skip coalescing.
 */
export function unitRows(out: CpuView, xs: readonly CpuView[]): Layout | null {
  const n = numelOf(out.shape);
  if (n === 0) return null;
  if (isContiguous(out)) {
    const strides: number[][] = [UNIT];
    let dense = false;
    for (const x of xs) {
      if (isContiguous(x)) {
        strides.push(UNIT);
        dense = true;
      } else if (isBroadcast(x)) strides.push(ZERO);
      else break;
    }
    if (strides.length === xs.length + 1) return dense ? { shape: [n], strides } : null;
  }
  const layout = coalesce(out.shape, [out.strides, ...xs.map((x) => x.strides)]);
  const last = layout.shape.length - 1;
  if (layout.shape[last] < MIN_ROW || layout.strides[0][last] !== 1) return null;
  let dense = false;
  for (let k = 1; k <= xs.length; k++) {
    const s = layout.strides[k][last];
    if (s === 1) dense = true;
    else if (s !== 0) return null;
  }
  return dense ? layout : null;
}

/** Rows shorter than this take the generic loop, which walks them without a call per row. */
const MIN_ROW = 16;
const UNIT = [1];
const ZERO = [0];

function isBroadcast(v: CpuView): boolean {
  for (let d = 0; d < v.shape.length; d++) if (v.shape[d] !== 1 && v.strides[d] !== 0) return false;
  return true;
}

export type BinaryRow = (
  n: number,
  o: TypedArray,
  oo: number,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
) => void;

/** Runs `row` over `layout` (from `unitRows`); `base` holds the operands' offsets. */
export function unaryRows(row: UnaryRow, layout: Layout, o: TypedArray, x: TypedArray, base: number[]): void {
  const n = layout.shape[layout.shape.length - 1];
  if (layout.shape.length === 1) {
    row(n, o, base[0], x, base[1]);
    return;
  }
  const c = new RowCursor(layout, base);
  const off = c.off;
  do row(n, o, off[0], x, off[1]);
  while (c.next());
}

export function binaryRows(
  row: BinaryRow,
  layout: Layout,
  o: TypedArray,
  a: TypedArray,
  b: TypedArray,
  base: number[],
): void {
  const last = layout.shape.length - 1;
  const n = layout.shape[last];
  const sa = layout.strides[1][last];
  const sb = layout.strides[2][last];
  if (last === 0) {
    row(n, o, base[0], a, base[1], sa, b, base[2], sb);
    return;
  }
  const c = new RowCursor(layout, base);
  const off = c.off;
  do row(n, o, off[0], a, off[1], sa, b, off[2], sb);
  while (c.next());
}

/** An Int32Array over the same bytes as a 4-byte typed array (float32 bits, int32). */
export function int32View(a: TypedArray): Int32Array {
  return a instanceof Int32Array ? a : new Int32Array(a.buffer, a.byteOffset, a.length);
}
