import type { TypedArray } from '@kindling/ops';

/**
 * Hand-written float32 comparisons into bool rows (the row layout of ./arith.ts). `+(a < b)`
 * stores 1 or 0 without a branch: the table's `a < b ? 1 : 0` compiles to a jump that
 * mispredicts on about half the elements of random data, several times slower. A broadcast
 * left operand runs the mirrored comparison (a < b is b > a, NaN included).
 */

export function ltRow(
  n: number,
  o: TypedArray,
  oo: number,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
): void {
  if (sa === 0) {
    gtRow(n, o, oo, b, ib, sb, a, ia, sa);
    return;
  }
  if (sb === 0) {
    const y = b[ib];
    for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] < y);
  } else for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] < b[ib + j]);
}

export function leRow(
  n: number,
  o: TypedArray,
  oo: number,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
): void {
  if (sa === 0) {
    geRow(n, o, oo, b, ib, sb, a, ia, sa);
    return;
  }
  if (sb === 0) {
    const y = b[ib];
    for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] <= y);
  } else for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] <= b[ib + j]);
}

export function gtRow(
  n: number,
  o: TypedArray,
  oo: number,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
): void {
  if (sa === 0) {
    ltRow(n, o, oo, b, ib, sb, a, ia, sa);
    return;
  }
  if (sb === 0) {
    const y = b[ib];
    for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] > y);
  } else for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] > b[ib + j]);
}

export function geRow(
  n: number,
  o: TypedArray,
  oo: number,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
): void {
  if (sa === 0) {
    leRow(n, o, oo, b, ib, sb, a, ia, sa);
    return;
  }
  if (sb === 0) {
    const y = b[ib];
    for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] >= y);
  } else for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] >= b[ib + j]);
}

export function eqRow(
  n: number,
  o: TypedArray,
  oo: number,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
): void {
  if (sa === 0) {
    eqRow(n, o, oo, b, ib, sb, a, ia, sa);
    return;
  }
  if (sb === 0) {
    const y = b[ib];
    for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] === y);
  } else for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] === b[ib + j]);
}

export function neRow(
  n: number,
  o: TypedArray,
  oo: number,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
): void {
  if (sa === 0) {
    neRow(n, o, oo, b, ib, sb, a, ia, sa);
    return;
  }
  if (sb === 0) {
    const y = b[ib];
    for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] !== y);
  } else for (let j = 0; j < n; j++) o[oo + j] = +(a[ia + j] !== b[ib + j]);
}
