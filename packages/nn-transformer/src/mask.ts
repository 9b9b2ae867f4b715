/** Attention masks: PyTorch's canonical (additive float) form, the causal mask, shape text. */
import { type DType, type Device, full, type Tensor, zeros } from '@kindling/tensor';

/** `[2, 3]`, the way shapes appear in Kindling's error messages. */
export const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

export const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * PyTorch's `F._canonical_mask`: a bool mask (true = masked out) becomes an additive float mask
 * (−inf where true, 0 elsewhere) of `dtype`; a float mask is returned unchanged; any other
 * dtype throws "only bool and floating types of {name} are supported".
 */
export function canonicalMask(mask: Tensor | null | undefined, name: string, dtype: DType): Tensor | null {
  if (mask == null) return null;
  checkMaskDtype(mask, name);
  if (mask.dtype !== 'bool') return mask;
  return zeros(mask.shape, { dtype, device: mask.device }).maskedFill(mask, Number.NEGATIVE_INFINITY);
}

/** Throws PyTorch's error unless `mask` is bool or floating point. */
export function checkMaskDtype(mask: Tensor | null | undefined, name: string): void {
  if (mask != null && mask.dtype !== 'bool' && !mask.isFloatingPoint()) {
    throw new TypeError(`only bool and floating types of ${name} are supported (got ${mask.dtype})`);
  }
}

/**
 * The mask of causal attention over `sz` positions (torch.nn.Transformer.generate_square_subsequent_mask):
 * −inf above the diagonal, 0 on and below it, shape (sz, sz).
 *
 * @example
 * generateSquareSubsequentMask(3);
 * // [[0, -inf, -inf],
 * //  [0,    0, -inf],
 * //  [0,    0,    0]]
 */
export function generateSquareSubsequentMask(
  sz: number,
  opts: { device?: Device; dtype?: DType } = {},
): Tensor {
  if (!Number.isInteger(sz) || sz < 0) {
    throw new RangeError(`generate_square_subsequent_mask: sz must be a non-negative integer, got ${sz}`);
  }
  return full([sz, sz], Number.NEGATIVE_INFINITY, {
    dtype: opts.dtype ?? 'float32',
    device: opts.device ?? 'cpu',
  }).triu(1);
}
