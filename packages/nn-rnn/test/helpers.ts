import { cpuBackend } from '@kindling/kernels-cpu';
import { registerBackend, type Tensor, tensor } from '@kindling/tensor';
import { beforeAll } from 'vitest';

/** Register the CPU backend once per test file. */
export function useCpu(): void {
  beforeAll(() => registerBackend(cpuBackend));
}

/** A golden tensor: {shape, dtype, data} with non-finite numbers as strings. */
export interface Spec {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32' | 'bool';
  data: (number | string)[];
}

export const isSpec = (v: unknown): v is Spec =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Array.isArray((v as Spec).shape) &&
  Array.isArray((v as Spec).data);

const num = (v: number | string) =>
  typeof v === 'number' ? v : v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : -Infinity;

/** The tensor of a golden spec (float32 / int32), optionally a leaf that requires grad. */
export function fromSpec(s: Spec, requiresGrad = false): Tensor {
  const data = s.dtype === 'int32' ? Int32Array.from(s.data.map(num)) : Float32Array.from(s.data.map(num));
  return tensor(data, { shape: s.shape, dtype: s.dtype === 'int32' ? 'int32' : 'float32', requiresGrad });
}

/** Values of a tensor as numbers. */
export const vals = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

/**
 * The parity suite's comparison: shape equal, and for floats |a − e| ≤ atol·max(1, max|e|) + rtol·|e|
 * (RNN tolerance by default); ints exact. Throws a message naming `label` and the worst element.
 */
export function expectMatches(
  label: string,
  actual: Tensor | null | undefined,
  spec: Spec,
  tol = { rtol: 3e-4, atol: 3e-5 },
): void {
  if (!actual) throw new Error(`${label}: expected a tensor [${spec.shape}], got ${actual}`);
  if (actual.shape.join(',') !== spec.shape.join(','))
    throw new Error(`${label}: shape [${actual.shape}], expected [${spec.shape}]`);
  const a = vals(actual);
  const e = spec.data.map(num);
  if (spec.dtype === 'int32') {
    if (a.some((v, i) => v !== e[i])) throw new Error(`${label}: got [${a}], expected [${e}]`);
    return;
  }
  let scale = 1;
  for (const v of e) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  a.forEach((v, i) => {
    const d = Math.abs(v - e[i]);
    if (!(d <= tol.atol * scale + tol.rtol * Math.abs(e[i]))) {
      throw new Error(`${label}: value ${i} is ${v}, expected ${e[i]} (|diff| ${d.toExponential(2)})`);
    }
  });
}

/** Elementwise closeness of two tensors (same shape). */
export function expectClose(
  label: string,
  a: Tensor | null | undefined,
  b: Tensor | null | undefined,
  tol = 1e-5,
): void {
  if (!a || !b) throw new Error(`${label}: missing tensor (${a ? 'ok' : a}, ${b ? 'ok' : b})`);
  if (a.shape.join(',') !== b.shape.join(','))
    throw new Error(`${label}: shapes [${a.shape}] and [${b.shape}] differ`);
  const x = vals(a);
  const y = vals(b);
  x.forEach((v, i) => {
    if (!(Math.abs(v - y[i]) <= tol * Math.max(1, Math.abs(y[i]))))
      throw new Error(`${label}: value ${i}: ${v} vs ${y[i]}`);
  });
}
