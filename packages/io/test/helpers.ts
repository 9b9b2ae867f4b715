import { readFileSync } from 'node:fs';
import { cpuBackend } from '@kindling/kernels-cpu';
import { registerBackend, type Tensor } from '@kindling/tensor';
import { beforeAll, expect } from 'vitest';

export function useCpu(): void {
  beforeAll(() => registerBackend(cpuBackend));
}

export const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
export const fixtureJson = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;

export const vals = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

export function expectClose(actual: readonly number[], expected: readonly number[], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    if (!(Math.abs(v - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])))) {
      throw new Error(`value ${i}: got ${v}, expected ${expected[i]}`);
    }
  });
}
