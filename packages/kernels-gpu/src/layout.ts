import type { View } from '@kindling/ops';

/**
 * An iteration space shared by several operands: `strides[k]` are operand k's element strides
 * over `shape` (the same idea as the CPU backend's layouts, computed on the host before a
 * dispatch so the shader walks as few dims as possible).
 */
export interface Layout {
  readonly shape: number[];
  readonly strides: number[][];
}

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

/**
 * Drops size-1 dims and merges neighbours every operand walks as one (outer stride == inner
 * stride * inner size). Row-major order of the iteration is preserved, so a linear index over
 * the result is the linear index over `shape`. Always returns at least one dim.
 */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): Layout {
  const ops = strides.length;
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let k = 0; merge && k < ops; k++) merge = outStrides[k][last] === strides[k][d] * size;
    if (merge) {
      outShape[last] *= size;
      for (let k = 0; k < ops; k++) outStrides[k][last] = strides[k][d];
    } else {
      outShape.push(size);
      for (let k = 0; k < ops; k++) outStrides[k].push(strides[k][d]);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (let k = 0; k < ops; k++) outStrides[k].push(0);
  }
  return { shape: outShape, strides: outStrides };
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
