import type { View } from '@kindling/ops';

import type { IterationSpace } from '@kindling/ops';

export type Layout = IterationSpace;
export { coalesce } from '@kindling/ops';

export { contiguousStrides as contiguous, numel as numelOf } from '@kindling/ops';

/**
 * Calls `row(off)` once per innermost row of `layout`, with `off[k]` the element offset of
 * operand k at the row's start (the array is reused: read it, don't keep or modify it). Offsets
 * advance incrementally, so no index arithmetic happens per element.
 */
export function forEachRow(layout: Layout, base: readonly number[], row: (off: number[]) => void): void {
  const { shape, strides } = layout;
  const nd = shape.length;
  const ops = strides.length;
  const off = base.slice();
  let outer = 1;
  for (let d = 0; d < nd - 1; d++) outer *= shape[d];
  const idx = new Array<number>(nd).fill(0);
  for (let r = 0; r < outer; r++) {
    row(off);
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        for (let k = 0; k < ops; k++) off[k] += strides[k][d];
        break;
      }
      idx[d] = 0;
      const back = shape[d] - 1;
      for (let k = 0; k < ops; k++) off[k] -= strides[k][d] * back;
    }
  }
}

/**
 * The same walk as `forEachRow`, as a cursor: `off[k]` is operand k's offset at the current
 * row's start, and `next()` steps to the next row (false after the last). Kernels call their
 * row loops directly with typed arrays as arguments, which V8 compiles far better than loops in
 * closures that capture the arrays.
 */
export class RowCursor {
  readonly off: number[];
  private readonly idx: number[];
  private readonly shape: readonly number[];
  private readonly strides: readonly (readonly number[])[];

  constructor(layout: Layout, base: readonly number[]) {
    this.shape = layout.shape;
    this.strides = layout.strides;
    this.off = base.slice();
    this.idx = new Array<number>(layout.shape.length).fill(0);
  }

  next(): boolean {
    const shape = this.shape;
    const strides = this.strides;
    const off = this.off;
    const idx = this.idx;
    const ops = strides.length;
    for (let d = shape.length - 2; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        for (let k = 0; k < ops; k++) off[k] += strides[k][d];
        return true;
      }
      idx[d] = 0;
      const back = shape[d] - 1;
      for (let k = 0; k < ops; k++) off[k] -= strides[k][d] * back;
    }
    return false;
  }
}

/** A 0-dim view seen as shape [1], for kernels that index a dim. */
export function atLeast1d<B>(v: View<B>): View<B> {
  return v.shape.length > 0 ? v : { ...v, shape: [1], strides: [1] };
}

/** `shape` with dim `d` set to `size`. */
export function withDim(shape: readonly number[], d: number, size: number): number[] {
  const s = shape.slice();
  s[d] = size;
  return s;
}
