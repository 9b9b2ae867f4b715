import type { TypedArray } from '@kindling/ops';

/**
 * Hand-written unary rows: `n` elements of `o` from `oo` and of `x` from `ix`, both at stride 1.
 * Each computes exactly its op's table scalar.
 */
export type UnaryRow = (n: number, o: TypedArray, oo: number, x: TypedArray, ix: number) => void;

/**
 * relu on float32 bits (`o` and `x` are Int32Array views of float32 storage): clears negatives
 * and -0 to +0 and keeps NaN of either sign, as the table's `x > 0 ? x : x === 0 || x < 0 ? 0 : x`
 * does, but without the branch that mispredicts on half the elements of random data.
 */
export function reluBitsRow(n: number, o: TypedArray, oo: number, x: TypedArray, ix: number): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const p = oo + j;
    const q = ix + j;
    o[p] = reluBits(x[q]);
    o[p + 1] = reluBits(x[q + 1]);
    o[p + 2] = reluBits(x[q + 2]);
    o[p + 3] = reluBits(x[q + 3]);
  }
  for (; j < n; j++) o[oo + j] = reluBits(x[ix + j]);
}

function reluBits(b: number): number {
  // -1 where the magnitude bits exceed +inf's (NaN), else 0
  const nan = (0x7f800000 - (b & 0x7fffffff)) >> 31;
  return b & ~((b >> 31) & ~nan);
}

export function negRow(n: number, o: TypedArray, oo: number, x: TypedArray, ix: number): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const p = oo + j;
    const q = ix + j;
    o[p] = -x[q];
    o[p + 1] = -x[q + 1];
    o[p + 2] = -x[q + 2];
    o[p + 3] = -x[q + 3];
  }
  for (; j < n; j++) o[oo + j] = -x[ix + j];
}

export function expRow(n: number, o: TypedArray, oo: number, x: TypedArray, ix: number): void {
  for (let j = 0; j < n; j++) o[oo + j] = Math.exp(x[ix + j]);
}

/** bool -> bool; `+(x === 0)` has no branch, unlike `x === 0 ? 1 : 0`. */
export function logicalNotRow(n: number, o: TypedArray, oo: number, x: TypedArray, ix: number): void {
  for (let j = 0; j < n; j++) o[oo + j] = +(x[ix + j] === 0);
}
