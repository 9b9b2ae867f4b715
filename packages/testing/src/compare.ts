/** Comparing Kindling tensors with golden specs, with per-dtype tolerances. */
import type { Tensor } from '@kindling/tensor';
import { decodeNumber, type GoldenDType, type TensorSpec } from './goldens.js';

export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * Default tolerances. Goldens are float64 results rounded to the sample's dtype, so a float32
 * kernel that accumulates in float32 differs by a few ulps times the reduction length.
 * Integer and bool results are exact.
 */
export const DEFAULT_TOLERANCES: Record<GoldenDType, Tolerance> = {
  float32: { rtol: 1e-5, atol: 1e-5 },
  float64: { rtol: 1e-7, atol: 1e-7 },
  int32: { rtol: 0, atol: 0 },
  bool: { rtol: 0, atol: 0 },
};

/** Gradients go through more arithmetic; their tolerance is the forward one times this. */
export const GRAD_TOLERANCE_FACTOR = 10;

export type ToleranceOverrides = Partial<Record<'float32' | 'float64', Partial<Tolerance>>>;

export function toleranceFor(dtype: GoldenDType, overrides?: ToleranceOverrides, factor = 1): Tolerance {
  const base = DEFAULT_TOLERANCES[dtype];
  const o = dtype === 'float32' || dtype === 'float64' ? overrides?.[dtype] : undefined;
  return { rtol: (o?.rtol ?? base.rtol) * factor, atol: (o?.atol ?? base.atol) * factor };
}

function fmt(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(Number(v.toPrecision(9)));
}

function fmtList(vals: ArrayLike<number>, max = 12): string {
  const a = Array.from(vals).slice(0, max).map(fmt);
  return `[${a.join(', ')}${vals.length > max ? `, ... (${vals.length})` : ''}]`;
}

/** A mismatch description, or null when `actual` matches `expected`. */
export async function diffTensor(
  actual: unknown,
  expected: TensorSpec,
  tol: Tolerance,
  what: string,
): Promise<string | null> {
  if (!actual || typeof actual !== 'object' || (actual as { _isTensor?: boolean })._isTensor !== true) {
    return `${what}: expected a Tensor, got ${Array.isArray(actual) ? `an array of ${actual.length}` : String(actual)}`;
  }
  const t = actual as Tensor;
  const shape = [...t.shape];
  if (shape.length !== expected.shape.length || shape.some((d, i) => d !== expected.shape[i])) {
    return `${what}: shape [${shape.join(', ')}], expected [${expected.shape.join(', ')}]`;
  }
  if (t.dtype !== expected.dtype) return `${what}: dtype ${t.dtype}, expected ${expected.dtype}`;
  const got = Array.from(await t.data(), Number);
  const want = expected.data.map(decodeNumber);
  const bad: number[] = [];
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const e = want[i];
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else ok = Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
    if (!ok) bad.push(i);
  }
  if (bad.length === 0) return null;
  const show = bad.slice(0, 6).map((i) => `[${i}] got ${fmt(got[i])} expected ${fmt(want[i])}`);
  return (
    `${what}: ${bad.length}/${want.length} values differ (rtol ${tol.rtol}, atol ${tol.atol}): ${show.join('; ')}` +
    `\n  got      ${fmtList(got)}\n  expected ${fmtList(want)}`
  );
}

/** True when all of the spec's values are zero (an absent `.grad` then counts as zeros). */
export function allZero(spec: TensorSpec): boolean {
  return spec.data.every((v) => decodeNumber(v) === 0);
}
