/** Argument checks of the spatial layers: lower bounds on sizes and the input's spatial rank. */
import { fmtShape } from '@kindling/ops';
import type { Tensor } from '@kindling/tensor';
import { pyTuple } from './py-format.js';

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
