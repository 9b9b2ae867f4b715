import type { TypedArray } from '@kindling/ops';
import { type Layout, RowCursor } from '../strided.js';

/**
 * `where` on 32-bit values (`o`, `a`, `b` are Int32Array views of float32 or int32 storage, `c`
 * the bool condition): a bit mask from the condition picks a's or b's bits, so no branch
 * mispredicts on a random mask, and the bits are copied exactly (NaN payloads, -0). Any of the
 * inputs may be broadcast (stride 0); `o` has stride 1.
 */
export function selectBitsRow(
  n: number,
  o: TypedArray,
  oo: number,
  c: TypedArray,
  ic: number,
  sc: number,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
): void {
  for (let j = 0; j < n; j++, ic += sc, ia += sa, ib += sb) {
    // -1 (all bits) for any nonzero condition byte, else 0
    const m = -c[ic] >> 31;
    o[oo + j] = (a[ia] & m) | (b[ib] & ~m);
  }
}

/** Runs `selectBitsRow` over `layout` (from `unitRows(out, [cond, a, b])`). */
export function selectRows(
  layout: Layout,
  o: TypedArray,
  c: TypedArray,
  a: TypedArray,
  b: TypedArray,
  base: number[],
): void {
  const last = layout.shape.length - 1;
  const n = layout.shape[last];
  const [, sc, sa, sb] = layout.strides.map((s) => s[last]);
  const cur = new RowCursor(layout, base);
  const off = cur.off;
  do selectBitsRow(n, o, off[0], c, off[1], sc, a, off[2], sa, b, off[3], sb);
  while (cur.next());
}
