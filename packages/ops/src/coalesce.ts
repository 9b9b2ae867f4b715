/**
 * An iteration space shared by several operands: `strides[k]` are operand k's element strides
 * over `shape`. Both kernel packages walk these.
 */
export interface IterationSpace {
  readonly shape: number[];
  readonly strides: number[][];
}

/**
 * Drops size-1 dims and merges neighbours that every operand walks as one (outer stride ==
 * inner stride * inner size), so contiguous and scalar-broadcast operands become one long row.
 * Row-major order is preserved: a linear index over the result is the linear index over `shape`.
 * Always returns at least one dim.
 */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): IterationSpace {
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
