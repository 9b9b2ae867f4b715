import { type DType, type GT, isFloating, resultDType } from '@kindling/ops';
import { fromScalar } from '../creation-core.js';
import { dispatch } from '../dispatch.js';
import type { Tensor } from '../tensor.js';

export type Scalar = number | boolean;
/**
 * An operand: a tensor or a Python-style scalar. `GT` (the interface gradient formulas use) is
 * accepted because every GT at run time is a Tensor.
 */
export type TensorLike = Tensor | GT | Scalar;

const participant = (x: TensorLike) =>
  typeof x === 'number' || typeof x === 'boolean' ? x : { dtype: x.dtype, ndim: x.ndim };

/** torch.result_type over tensors and Python scalars. */
export function resultTypeOf(...xs: TensorLike[]): DType {
  return resultDType(xs.map(participant));
}

/** Differentiable dtype conversion (a no-op when the dtype already matches). */
export function cast(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype ? t : dispatch('cast', [t], { dtype });
}

/**
 * Bring the operands of an elementwise op to one dtype by PyTorch's rules: scalars become
 * 0-dim tensors of the result dtype on the tensor's device; tensors of another dtype are cast.
 */
export function operands(xs: readonly TensorLike[]): Tensor[] {
  const like = xs.find((x) => typeof x === 'object') as Tensor | undefined;
  if (!like) throw new TypeError('expected at least one tensor operand');
  const dt = resultTypeOf(...xs);
  return xs.map((x) =>
    typeof x === 'object' ? cast(x as Tensor, dt) : fromScalar(Number(x), dt, like.device),
  );
}

export function floatOf(t: Tensor): Tensor {
  return isFloating(t.dtype) ? t : cast(t, 'float32');
}
