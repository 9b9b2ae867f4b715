import { cpuBackend } from '@kindling/kernels-cpu';
import { registerBackend, type Tensor } from '@kindling/tensor';
import { beforeAll, expect } from 'vitest';

/** Register the CPU backend once per test file. */
export function useCpu(): void {
  beforeAll(() => registerBackend(cpuBackend));
}

/** The values of a tensor as a plain number array. */
export const vals = (t: Tensor | null | undefined): number[] => {
  if (!t) throw new Error('expected a tensor, got null');
  return Array.from(t.dataSync(), Number);
};

/** Elementwise closeness with an absolute tolerance. */
export function expectClose(
  actual: Tensor | number[] | null | undefined,
  expected: readonly number[],
  tol = 1e-5,
): void {
  const a = Array.isArray(actual) ? actual : vals(actual as Tensor);
  expect(a.length).toBe(expected.length);
  a.forEach((v, i) => {
    if (Math.abs(v - expected[i]) > tol * Math.max(1, Math.abs(expected[i]))) {
      throw new Error(`value ${i}: got ${v}, expected ${expected[i]} (all: [${a.join(', ')}])`);
    }
  });
}

export const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
export const std = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
