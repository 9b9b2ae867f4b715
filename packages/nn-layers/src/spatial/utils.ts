/** Shared helpers of the spatial layers: size expansion, rank checks, Python-style reprs. */
import { fmtShape } from '@kindling/ops';
import type { Tensor } from '@kindling/tensor';

/** A kernel size, stride, padding or dilation: one number for every spatial dim, or one per dim. */
export type Size = number | readonly number[];

/** PyTorch's `_single`/`_pair`/`_triple`: a number repeated `n` times, or an array of `n` integers. */
export function ntuple(where: string, name: string, v: Size, n: number): number[] {
  const out = typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
  if (out.length !== n || out.some((x) => typeof x !== 'number' || !Number.isInteger(x))) {
    throw new RangeError(
      `${where}: ${name} must be an integer or a list of ${n} integers, got ${typeof v === 'number' ? v : `[${v.join(', ')}]`}`,
    );
  }
  return out;
}

/** Check that every entry is at least `min`. */
export function checkAtLeast(where: string, name: string, v: readonly number[], min: number): void {
  if (v.some((x) => x < min)) {
    throw new RangeError(
      `${where}: ${name} must be ${min === 0 ? 'non-negative' : min === 1 ? 'positive' : `at least ${min}`}, got ${pyTuple(v)}`,
    );
  }
}

/**
 * Check an input's rank against `sd` spatial dims: `[N, C, *S]` (batched) or `[C, *S]`
 * (unbatched). Returns whether the input is batched.
 */
export function spatialRank(where: string, x: Tensor, sd: number, names?: string): boolean {
  if (x.ndim === sd + 2) return true;
  if (x.ndim === sd + 1) return false;
  const dims =
    names ?? ['', '(N, C, L) or (C, L)', '(N, C, H, W) or (C, H, W)', '(N, C, D, H, W) or (C, D, H, W)'][sd];
  throw new RangeError(
    `${where}: expected a ${sd + 1}-D (unbatched) or ${sd + 2}-D (batched) input ${dims}, but got a ${x.ndim}-D input of shape ${fmtShape(x.shape)}`,
  );
}

/** Python's repr of a tuple of numbers: `(3,)`, `(3, 3)`. */
export function pyTuple(v: readonly (number | null)[]): string {
  const items = v.map((x) => (x === null ? 'None' : String(x)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** The shape of a tensor for messages. */
export const shapeOf = (x: Tensor): string => fmtShape(x.shape);

/**
 * Run a functional on behalf of a layer: an error the functional raises under its own name
 * (`pixel_shuffle: ...`) is re-raised under the layer's (`PixelShuffle: ...`).
 */
export function renamed<T>(name: string, op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${op}: `))
      e.message = `${name}: ${e.message.slice(op.length + 2)}`;
    throw e;
  }
}
