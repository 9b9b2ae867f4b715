import { arrayTypeFor, type DType, fromHalfBits, toHalfBits, type View } from '@kindling/ops';
import type { CpuBuffer } from '../src/index.js';

/** How a test view lays its elements out in memory. */
export type Layout = 'contiguous' | 'padded' | 'permuted';
export const LAYOUTS: readonly Layout[] = ['contiguous', 'padded', 'permuted'];

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const st: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= shape[i];
  }
  return st;
}

/** Strides and offset for a layout: padded has gaps and an offset; permuted is column-major. */
export function layoutOf(
  shape: readonly number[],
  layout: Layout,
): { strides: number[]; offset: number; size: number } {
  const nd = shape.length;
  let strides: number[];
  let offset = 0;
  if (layout === 'contiguous') strides = contiguousStrides(shape);
  else if (layout === 'padded') {
    strides = [];
    let s = 2;
    for (let d = nd - 1; d >= 0; d--) {
      strides[d] = s;
      s = s * shape[d] + 3;
    }
    offset = 5;
  } else {
    strides = [];
    let s = 1;
    for (let d = 0; d < nd; d++) {
      strides[d] = s;
      s *= shape[d];
    }
    offset = 1;
  }
  let last = offset;
  for (let d = 0; d < nd; d++) last += Math.max(0, shape[d] - 1) * strides[d];
  return { strides, offset, size: numel(shape) === 0 ? offset : last + 1 };
}

/** Encodes a logical value into a dtype's storage (half bits, bool 0/1). */
export function encode(dtype: DType, v: number): number {
  if (dtype === 'float16') return toHalfBits(v);
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  return v;
}

/** A view of `dtype` holding `values` (row-major) in the given layout; other slots hold 77. */
export function makeView(
  dtype: DType,
  shape: readonly number[],
  values: ArrayLike<number>,
  layout: Layout = 'contiguous',
): View<CpuBuffer> {
  const { strides, offset, size } = layoutOf(shape, layout);
  const buf = new (arrayTypeFor(dtype))(size);
  buf.fill(encode(dtype, 77));
  let k = 0;
  forEachIndex(shape, (idx) => {
    buf[offset + dot(idx, strides)] = encode(dtype, values[k++]);
  });
  return { buffer: buf, dtype, shape: [...shape], strides, offset };
}

/** An uninitialised output view (filled with a sentinel so unwritten elements show). */
export function outView(
  dtype: DType,
  shape: readonly number[],
  layout: Layout = 'contiguous',
): View<CpuBuffer> {
  return makeView(dtype, shape, new Array(numel(shape)).fill(-7), layout);
}

/** The view's values in row-major order, decoded (half bits to numbers). */
export function values(view: View<CpuBuffer>): number[] {
  const out: number[] = [];
  forEachIndex(view.shape, (idx) => {
    const raw = view.buffer[view.offset + dot(idx, view.strides)];
    out.push(view.dtype === 'float16' ? fromHalfBits(raw) : raw);
  });
  return out;
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function forEachIndex(shape: readonly number[], fn: (idx: number[]) => void): void {
  const n = numel(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    fn(idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

/** Rounds a number the way storing it in `dtype` does. */
export function storeAs(dtype: DType, v: number): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(v);
    case 'float64':
      return v;
    case 'int32':
      return v | 0;
    case 'bool':
      return v !== 0 ? 1 : 0;
    case 'float16':
      return fromHalfBits(toHalfBits(v));
    default:
      return dtype satisfies never;
  }
}

/** A deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values in [lo, hi), integers when `int`. */
export function randomValues(n: number, seed: number, lo = -3, hi = 3, int = false): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const v = lo + (hi - lo) * r();
    return int ? Math.floor(v) : v;
  });
}

/** Same-value comparison that treats NaN as equal and -0 as 0. */
export function expectSame(actual: readonly number[], expected: readonly number[], label = ''): void {
  if (actual.length !== expected.length)
    throw new Error(`${label}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(a === e || (Number.isNaN(a) && Number.isNaN(e)))) {
      throw new Error(`${label}: element ${i}: got ${a}, expected ${e}`);
    }
  }
}

/** Closeness with a relative/absolute tolerance; NaN matches NaN, infinities must match exactly. */
export function expectClose(
  actual: readonly number[],
  expected: readonly number[],
  tol = 1e-6,
  label = '',
): void {
  if (actual.length !== expected.length)
    throw new Error(`${label}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))
      continue;
    throw new Error(`${label}: element ${i}: got ${a}, expected ${e} (tol ${tol})`);
  }
}
