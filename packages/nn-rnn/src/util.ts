/** Small helpers shared by the recurrent modules: PyTorch-style formatting and argument checks. */
import type { Tensor } from '@kindling/tensor';

/** A shape as PyTorch prints a list: `[2, 3, 5]`. */
export const list = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** A shape as PyTorch prints a tuple: `(2, 3, 5)`. */
export const tuple = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`);

/** Python's repr of a bool or a float (`True`, `0.5`, `1.0`). */
export function py(v: boolean | number): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** Whether two shapes are equal. */
export const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** Require a positive integer size argument (PyTorch 2's TypeError / ValueError wording). */
export function checkSize(name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new TypeError(
      `${name} should be of type int, got: ${v === null || v === undefined ? 'NoneType' : typeof v === 'number' ? 'float' : typeof v}`,
    );
  }
  if (v <= 0) throw new RangeError(`${name} must be greater than zero`);
}

/** The host values of a 1-D integer tensor or a number list (lengths, batch sizes). */
export function hostInts(t: Tensor | readonly number[]): number[] {
  if (Array.isArray(t)) return (t as readonly number[]).map((v) => Math.trunc(v));
  return Array.from((t as Tensor).dataSync(), (v) => Math.trunc(Number(v)));
}
