import { cpuBackend } from '@kindling/kernels-cpu';
import { registerBackend, type Tensor, tensor } from '@kindling/tensor';
import { beforeAll } from 'vitest';

/** Register the CPU backend once per test file. */
export function useCpu(): void {
  beforeAll(() => registerBackend(cpuBackend));
}

export interface Spec {
  shape: number[];
  dtype: string;
  data: number[];
}

export const fromSpec = (s: Spec, requiresGrad = false): Tensor =>
  tensor(Float32Array.from(s.data), { shape: s.shape, dtype: 'float32', requiresGrad });

export const vals = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

/** |a − e| ≤ rtol·|e| + atol for every element; throws naming the first offender. */
export function expectNear(
  label: string,
  actual: readonly number[],
  expected: readonly number[],
  rtol = 1e-5,
  atol = 1e-6,
): void {
  if (actual.length !== expected.length)
    throw new Error(`${label}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (!(Math.abs(a - e) <= rtol * Math.abs(e) + atol)) {
      throw new Error(`${label}[${i}]: got ${a}, expected ${e} (diff ${Math.abs(a - e)})`);
    }
  }
}
