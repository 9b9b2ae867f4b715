import type { View } from '@kindling/ops';

/**
 * An iteration space shared by several operands: `strides[k]` are operand k's element strides
 * over `shape`. Kernels run the last dim as their tight inner loop.
 */
export interface Layout {
  readonly shape: number[];
  readonly strides: number[][];
}

export { contiguousStrides as contiguous, numel as numelOf } from '@kindling/ops';

/**
 * Drops size-1 dims and merges neighbours that every operand walks as one (outer stride ==
 * inner stride * inner size), so contiguous and scalar-broadcast operands become one long row
 * and the per-row overhead disappears. Always returns at least one dim.
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
    for (let k = 0; k < ops; k++) outStrides[k].push(1);
  }
  return { shape: outShape, strides: outStrides };
}

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
