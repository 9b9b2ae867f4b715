import type { View } from '@kindling/ops';

import type { IterationSpace } from '@kindling/ops';

export type Layout = IterationSpace;
export { coalesce } from '@kindling/ops';

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguous(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= shape[i];
  }
  return st;
}

export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== acc) return false;
    acc *= shape[i];
  }
  return true;
}

/** A 0-dim view seen as shape [1], for kernels that index a dim. */
export function atLeast1d<B>(v: View<B>): View<B> {
  return v.shape.length > 0 ? v : { ...v, shape: [1], strides: [1] };
}

export function withDim(shape: readonly number[], d: number, size: number): number[] {
  const s = shape.slice();
  s[d] = size;
  return s;
}

/** The lowest and one past the highest element a view touches (for bounds checks). */
export function extentOf(v: {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}): [number, number] {
  let lo = v.offset;
  let hi = v.offset;
  for (let d = 0; d < v.shape.length; d++) {
    if (v.shape[d] === 0) return [v.offset, v.offset];
    const span = (v.shape[d] - 1) * v.strides[d];
    if (span < 0) lo += span;
    else hi += span;
  }
  return [lo, hi + 1];
}
