import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuBackend } from '@kindling/kernels-cpu';
import { hasBackend, registerBackend, type Tensor, tensor } from '@kindling/tensor';
import { expect } from 'vitest';

if (!hasBackend('cpu')) registerBackend(cpuBackend);

export type Num = number | 'nan' | 'inf' | '-inf';

export interface TensorSpec {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  data: Num[];
  requiresGrad?: boolean;
  logSoftmaxDim?: number;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

export interface LossCase {
  id: string;
  module: string | null;
  fn: string | null;
  options: Record<string, unknown>;
  inputs: unknown[];
  output?: TensorSpec;
  gradOutput?: TensorSpec | null;
  inputGrads?: (TensorSpec | null)[];
  tolerance?: Tolerance;
  error?: string;
  expect?: string | null;
  construct?: boolean;
}

export interface AdaptiveCase {
  id: string;
  args: [number, number, number[]];
  options: { divValue: number; headBias: boolean };
  stateKeys: string[];
  state: Record<string, TensorSpec>;
  input: TensorSpec;
  target: TensorSpec;
  output: TensorSpec;
  loss: TensorSpec;
  gradOutput: TensorSpec;
  gradLoss: TensorSpec;
  inputGrad: TensorSpec;
  paramGrads: Record<string, TensorSpec | null>;
  logProbInput: TensorSpec;
  logProb: TensorSpec;
  predict: TensorSpec;
}

const here = dirname(fileURLToPath(import.meta.url));
export const goldens = JSON.parse(readFileSync(join(here, 'goldens', 'losses.json'), 'utf8')) as {
  torch: string;
  cases: LossCase[];
  adaptive: AdaptiveCase[];
};

export const decode = (v: Num): number =>
  typeof v === 'number'
    ? v
    : v === 'nan'
      ? Number.NaN
      : v === 'inf'
        ? Number.POSITIVE_INFINITY
        : Number.NEGATIVE_INFINITY;

export const isSpec = (x: unknown): x is TensorSpec =>
  !!x &&
  typeof x === 'object' &&
  Array.isArray((x as TensorSpec).shape) &&
  Array.isArray((x as TensorSpec).data);

export function make(spec: TensorSpec, requiresGrad = false): Tensor {
  const flat = spec.data.map(decode);
  const data =
    spec.dtype === 'int32'
      ? Int32Array.from(flat)
      : spec.dtype === 'bool'
        ? Uint8Array.from(flat)
        : Float32Array.from(flat);
  return tensor(data, { shape: spec.shape, dtype: spec.dtype, requiresGrad });
}

/** The parity suite's rule: |a - e| <= atol * max(1, max|e|) + rtol * |e|, non-finite values equal. */
export function expectClose(
  label: string,
  actual: Tensor | null | undefined,
  spec: TensorSpec,
  tol: Tolerance,
): void {
  expect(actual, `${label}: missing tensor`).toBeTruthy();
  const a = actual as Tensor;
  expect([...a.shape], `${label}: shape`).toEqual(spec.shape);
  const got = Array.from(a.dataSync(), Number);
  const exp = spec.data.map(decode);
  if (spec.dtype !== 'float32') {
    expect(got, `${label}: values`).toEqual(exp);
    return;
  }
  let scale = 1;
  for (const v of exp) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const bad: string[] = [];
  exp.forEach((e, i) => {
    const g = got[i];
    if (!Number.isFinite(e)) {
      if (!(Number.isNaN(e) ? Number.isNaN(g) : g === e)) bad.push(`[${i}] got ${g}, expected ${e}`);
      return;
    }
    if (!Number.isFinite(g) || Math.abs(g - e) > tol.atol * scale + tol.rtol * Math.abs(e))
      bad.push(`[${i}] got ${g}, expected ${e}`);
  });
  expect(bad, `${label}: ${bad.length}/${exp.length} values off`).toEqual([]);
}

/** Snapshot of tensors' values, to check that a failing call changed nothing. */
export function snapshot(ts: readonly Tensor[]): number[][] {
  return ts.map((t) => Array.from(t.dataSync(), Number));
}
