import type { TypedArray } from '@kindling/ops';

/**
 * Hand-written float32 rows for add, sub, mul and div, used with or without code generation (a
 * CSP without unsafe-eval forbids `new Function`). A row is `n` elements of `o` from `oo` at
 * stride 1, reading `a` from `ia` and `b` from `ib` at strides `sa` and `sb`: each 1, or 0 for a
 * broadcast scalar (never both 0). Each computes exactly its op's table scalar.
 *
 * Bodies are unrolled by 8 because V8 re-checks every typed array's map, length and data pointer
 * on each loop iteration; unrolled, eight elements share one set of checks (about 2x here).
 */

/** a + b */
export function addRow(
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
  let j = 0;
  if (sa === 0) {
    addRow(n, o, oo, b, ib, sb, a, ia, sa);
    return;
  }
  if (sb === 0) {
    const y = b[ib];
    for (; j + 8 <= n; j += 8) {
      const p = oo + j;
      const q = ia + j;
      o[p] = a[q] + y;
      o[p + 1] = a[q + 1] + y;
      o[p + 2] = a[q + 2] + y;
      o[p + 3] = a[q + 3] + y;
      o[p + 4] = a[q + 4] + y;
      o[p + 5] = a[q + 5] + y;
      o[p + 6] = a[q + 6] + y;
      o[p + 7] = a[q + 7] + y;
    }
    for (; j < n; j++) o[oo + j] = a[ia + j] + y;
  } else {
    for (; j + 8 <= n; j += 8) {
      const p = oo + j;
      const q = ia + j;
      const r = ib + j;
      o[p] = a[q] + b[r];
      o[p + 1] = a[q + 1] + b[r + 1];
      o[p + 2] = a[q + 2] + b[r + 2];
      o[p + 3] = a[q + 3] + b[r + 3];
      o[p + 4] = a[q + 4] + b[r + 4];
      o[p + 5] = a[q + 5] + b[r + 5];
      o[p + 6] = a[q + 6] + b[r + 6];
      o[p + 7] = a[q + 7] + b[r + 7];
    }
    for (; j < n; j++) o[oo + j] = a[ia + j] + b[ib + j];
  }
}

/** a - b */
export function subRow(
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
  let j = 0;
  if (sb === 0) {
    const y = b[ib];
    for (; j + 8 <= n; j += 8) {
      const p = oo + j;
      const q = ia + j;
      o[p] = a[q] - y;
      o[p + 1] = a[q + 1] - y;
      o[p + 2] = a[q + 2] - y;
      o[p + 3] = a[q + 3] - y;
      o[p + 4] = a[q + 4] - y;
      o[p + 5] = a[q + 5] - y;
      o[p + 6] = a[q + 6] - y;
      o[p + 7] = a[q + 7] - y;
    }
    for (; j < n; j++) o[oo + j] = a[ia + j] - y;
  } else if (sa === 0) {
    const x = a[ia];
    for (; j + 8 <= n; j += 8) {
      const p = oo + j;
      const r = ib + j;
      o[p] = x - b[r];
      o[p + 1] = x - b[r + 1];
      o[p + 2] = x - b[r + 2];
      o[p + 3] = x - b[r + 3];
      o[p + 4] = x - b[r + 4];
      o[p + 5] = x - b[r + 5];
      o[p + 6] = x - b[r + 6];
      o[p + 7] = x - b[r + 7];
    }
    for (; j < n; j++) o[oo + j] = x - b[ib + j];
  } else {
    for (; j + 8 <= n; j += 8) {
      const p = oo + j;
      const q = ia + j;
      const r = ib + j;
      o[p] = a[q] - b[r];
      o[p + 1] = a[q + 1] - b[r + 1];
      o[p + 2] = a[q + 2] - b[r + 2];
      o[p + 3] = a[q + 3] - b[r + 3];
      o[p + 4] = a[q + 4] - b[r + 4];
      o[p + 5] = a[q + 5] - b[r + 5];
      o[p + 6] = a[q + 6] - b[r + 6];
      o[p + 7] = a[q + 7] - b[r + 7];
    }
    for (; j < n; j++) o[oo + j] = a[ia + j] - b[ib + j];
  }
}

/** a * b */
export function mulRow(
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
  let j = 0;
  if (sa === 0) {
    mulRow(n, o, oo, b, ib, sb, a, ia, sa);
    return;
  }
  if (sb === 0) {
    const y = b[ib];
    for (; j + 8 <= n; j += 8) {
      const p = oo + j;
      const q = ia + j;
      o[p] = a[q] * y;
      o[p + 1] = a[q + 1] * y;
      o[p + 2] = a[q + 2] * y;
      o[p + 3] = a[q + 3] * y;
      o[p + 4] = a[q + 4] * y;
      o[p + 5] = a[q + 5] * y;
      o[p + 6] = a[q + 6] * y;
      o[p + 7] = a[q + 7] * y;
    }
    for (; j < n; j++) o[oo + j] = a[ia + j] * y;
  } else {
    for (; j + 8 <= n; j += 8) {
      const p = oo + j;
      const q = ia + j;
      const r = ib + j;
      o[p] = a[q] * b[r];
      o[p + 1] = a[q + 1] * b[r + 1];
      o[p + 2] = a[q + 2] * b[r + 2];
      o[p + 3] = a[q + 3] * b[r + 3];
      o[p + 4] = a[q + 4] * b[r + 4];
      o[p + 5] = a[q + 5] * b[r + 5];
      o[p + 6] = a[q + 6] * b[r + 6];
      o[p + 7] = a[q + 7] * b[r + 7];
    }
    for (; j < n; j++) o[oo + j] = a[ia + j] * b[ib + j];
  }
}

/** a / b (IEEE: x/0 is ±inf, 0/0 NaN) */
export function divRow(
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
  let j = 0;
  if (sb === 0) {
    const y = b[ib];
    for (; j + 8 <= n; j += 8) {
      const p = oo + j;
      const q = ia + j;
      o[p] = a[q] / y;
      o[p + 1] = a[q + 1] / y;
      o[p + 2] = a[q + 2] / y;
      o[p + 3] = a[q + 3] / y;
      o[p + 4] = a[q + 4] / y;
      o[p + 5] = a[q + 5] / y;
      o[p + 6] = a[q + 6] / y;
      o[p + 7] = a[q + 7] / y;
    }
    for (; j < n; j++) o[oo + j] = a[ia + j] / y;
  } else if (sa === 0) {
    const x = a[ia];
    for (; j + 8 <= n; j += 8) {
      const p = oo + j;
      const r = ib + j;
      o[p] = x / b[r];
      o[p + 1] = x / b[r + 1];
      o[p + 2] = x / b[r + 2];
      o[p + 3] = x / b[r + 3];
      o[p + 4] = x / b[r + 4];
      o[p + 5] = x / b[r + 5];
      o[p + 6] = x / b[r + 6];
      o[p + 7] = x / b[r + 7];
    }
    for (; j < n; j++) o[oo + j] = x / b[ib + j];
  } else {
    for (; j + 8 <= n; j += 8) {
      const p = oo + j;
      const q = ia + j;
      const r = ib + j;
      o[p] = a[q] / b[r];
      o[p + 1] = a[q + 1] / b[r + 1];
      o[p + 2] = a[q + 2] / b[r + 2];
      o[p + 3] = a[q + 3] / b[r + 3];
      o[p + 4] = a[q + 4] / b[r + 4];
      o[p + 5] = a[q + 5] / b[r + 5];
      o[p + 6] = a[q + 6] / b[r + 6];
      o[p + 7] = a[q + 7] / b[r + 7];
    }
    for (; j < n; j++) o[oo + j] = a[ia + j] / b[ib + j];
  }
}
