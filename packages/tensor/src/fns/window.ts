import { fmtShape } from '@kindling/ops';

/** A kernel size, stride, padding or dilation: a number for every spatial dim, or one per dim. */
export type Size = number | readonly number[];

export function expandSize(op: string, name: string, v: Size, n: number): number[] {
  if (typeof v === 'number') return new Array(n).fill(v);
  if (v.length === 1 && n > 1) return new Array(n).fill(v[0]);
  if (v.length !== n)
    throw new RangeError(`${op}: ${name} must be a number or a list of ${n} numbers, got [${v.join(', ')}]`);
  return [...v];
}

/** Check the input rank (batched or not) and return it batched. */
export function spatialInput(op: string, shape: readonly number[], sd: number): { batched: boolean } {
  if (shape.length === sd + 2) return { batched: true };
  if (shape.length === sd + 1) return { batched: false };
  throw new RangeError(
    `${op}: Expected ${sd + 1}D (unbatched) or ${sd + 2}D (batched) input, but got input of size: ${fmtShape(shape)}`,
  );
}

/** Output length of a sliding window, PyTorch's pooling rule with ceil mode. */
export function pooledSize(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let out = Math.floor((ceil ? span + s - 1 : span) / s) + 1;
  // the last window must start inside the input or the left padding
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}
