import { cpuBackend } from '@kindling/kernels-cpu';
import { registerBackend, type Tensor, tensor } from '@kindling/tensor';
import { beforeAll, expect } from 'vitest';

export function useCpu(): void {
  beforeAll(() => registerBackend(cpuBackend));
}

export interface Spec {
  shape: number[];
  data: number[];
}

export const fromSpec = (s: Spec, requiresGrad = false): Tensor =>
  tensor(Float32Array.from(s.data), { shape: s.shape, dtype: 'float32', requiresGrad });

export const vals = (t: Tensor | null | undefined): number[] => {
  if (!t) throw new Error('expected a tensor, got null');
  return Array.from(t.dataSync(), Number);
};

/** |a − e| ≤ tol·max(1, |e|) elementwise, with the shape checked. */
export function expectSpec(label: string, t: Tensor | null | undefined, s: Spec, tol = 1e-5): void {
  if (!t) throw new Error(`${label}: expected a tensor, got null`);
  expect(t.shape, `${label} shape`).toEqual(s.shape);
  const a = vals(t);
  a.forEach((v, i) => {
    const e = s.data[i];
    if (!(Math.abs(v - e) <= tol * Math.max(1, Math.abs(e))))
      throw new Error(`${label}[${i}]: got ${v}, expected ${e}`);
  });
}

export const stateMap = (st: Record<string, Spec>) =>
  new Map(Object.entries(st).map(([k, v]) => [k, fromSpec(v)]));
