import { cpuBackend } from '@kindling/kernels-cpu';
import { registerBackend, type Tensor, tensor } from '@kindling/tensor';
import { beforeAll } from 'vitest';

/** Register the CPU backend once per test file. */
export function useCpu(): void {
  beforeAll(() => registerBackend(cpuBackend));
}

export interface Spec {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32' | 'bool';
  data: (number | string)[];
  requiresGrad?: boolean;
}

export const decode = (v: number | string): number =>
  v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);

export const isSpec = (x: unknown): x is Spec =>
  !!x && typeof x === 'object' && 'shape' in x && 'data' in x && 'dtype' in x;

export function make(s: Spec): Tensor {
  const data = s.data.map(decode);
  const arr =
    s.dtype === 'float64'
      ? Float64Array.from(data)
      : s.dtype === 'int32'
        ? Int32Array.from(data)
        : s.dtype === 'bool'
          ? Uint8Array.from(data)
          : Float32Array.from(data);
  return tensor(arr, { shape: s.shape, dtype: s.dtype, requiresGrad: !!s.requiresGrad });
}

export const vals = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

/**
 * Parity-suite closeness: |a − e| ≤ atol·max(1, max|e|) + rtol·|e|, NaN only where NaN is
 * expected, infinities equal. Returns a description of the first failure, or null.
 */
export function mismatch(
  actual: Tensor | null | undefined,
  expected: Spec | null,
  tol = { rtol: 1e-3, atol: 1e-4 },
): string | null {
  if (expected === null) return actual == null ? null : 'expected null';
  if (!actual) return 'got null';
  if (actual.shape.join() !== expected.shape.join()) return `shape [${actual.shape}] != [${expected.shape}]`;
  const a = vals(actual);
  const e = expected.data.map(decode);
  let scale = 1;
  for (const v of e) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < e.length; i++) {
    const ev = e[i];
    const av = a[i];
    if (Number.isNaN(ev) || !Number.isFinite(ev)) {
      if (!(Number.isNaN(ev) ? Number.isNaN(av) : av === ev)) return `at ${i}: got ${av}, expected ${ev}`;
      continue;
    }
    if (!Number.isFinite(av) || Math.abs(av - ev) > tol.atol * scale + tol.rtol * Math.abs(ev)) {
      return `at ${i}: got ${av}, expected ${ev}`;
    }
  }
  return null;
}

/** Throws with `label` when `actual` does not match. */
export function expectMatch(
  label: string,
  actual: Tensor | null | undefined,
  expected: Spec | null,
  tol?: { rtol: number; atol: number },
): void {
  const m = mismatch(actual, expected, tol);
  if (m) throw new Error(`${label}: ${m}`);
}

/** Elementwise closeness of two tensors (same NaN positions). */
export function expectClose(actual: Tensor, expected: Tensor | number[], tol = 1e-5): void {
  const a = vals(actual);
  const e = Array.isArray(expected) ? expected : vals(expected);
  if (!Array.isArray(expected) && actual.shape.join() !== (expected as Tensor).shape.join()) {
    throw new Error(`shape [${actual.shape}] != [${(expected as Tensor).shape}]`);
  }
  if (a.length !== e.length) throw new Error(`${a.length} values, expected ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const ok = Number.isNaN(e[i])
      ? Number.isNaN(a[i])
      : Math.abs(a[i] - e[i]) <= tol * Math.max(1, Math.abs(e[i]));
    if (!ok) throw new Error(`value ${i}: got ${a[i]}, expected ${e[i]}`);
  }
}
