import { type BinaryOp, isFloating, TORCH_NAME, type UnaryOp } from '@kindling/ops';
import { dispatch } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { cast, operands, resultTypeOf, type TensorLike } from './scalars.js';

export function unaryOp(op: UnaryOp, x: Tensor, params?: readonly number[]): Tensor {
  return dispatch(op, [x], params ? { params } : {});
}

export function binaryOp(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  // the common case, two tensors of one dtype, needs no promotion
  if (typeof a === 'object' && typeof b === 'object' && a.dtype === b.dtype)
    return dispatch(op, [a as Tensor, b as Tensor], {});
  const [x, y] = operands([a, b]);
  return dispatch(op, [x, y], {});
}

/** torch.add(a, b, alpha=1). */
/** -x; PyTorch refuses bool (a mask is inverted with logicalNot). */
export function neg(x: Tensor): Tensor {
  if (x.dtype === 'bool') {
    throw new TypeError(
      'neg: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logicalNot()` operator instead.',
    );
  }
  return unaryOp('neg', x);
}

/** x ** exponent; an integer base cannot take a negative integer power (PyTorch's error). */
export function pow(x: Tensor, exponent: TensorLike): Tensor {
  if (typeof exponent === 'number' && Number.isInteger(exponent) && exponent < 0 && !x.isFloatingPoint()) {
    throw new RangeError(
      `pow: Integers to negative integer powers are not allowed (base dtype ${x.dtype}, exponent ${exponent})`,
    );
  }
  return binaryOp('pow', x, exponent);
}

export function add(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  return binaryOp('add', a, alpha === 1 ? b : mulScalar(b, alpha));
}

export function sub(a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  return binaryOp('sub', a, alpha === 1 ? b : mulScalar(b, alpha));
}

function mulScalar(b: TensorLike, alpha: number): TensorLike {
  return typeof b === 'object' ? binaryOp('mul', b, alpha) : Number(b) * alpha;
}

export type RoundingMode = 'trunc' | 'floor' | null;

/** torch.div with rounding_mode. */
export function div(a: TensorLike, b: TensorLike, roundingMode: RoundingMode = null): Tensor {
  if (roundingMode === null) return binaryOp('div', a, b);
  const dt = resultTypeOf(a, b);
  const q = binaryOp('div', a, b);
  const r = roundingMode === 'floor' ? q.floor() : q.trunc();
  return isFloating(dt) ? r : cast(r, dt);
}

/** torch.clamp with number bounds (tensor bounds go through maximum/minimum). */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  if (min == null && max == null)
    throw new TypeError("clamp: At least one of 'min' or 'max' must not be None");
  if ((min == null || typeof min !== 'object') && (max == null || typeof max !== 'object')) {
    let t = x;
    const lo = min == null ? Number.NEGATIVE_INFINITY : Number(min);
    const hi = max == null ? Number.POSITIVE_INFINITY : Number(max);
    const dt = resultTypeOf(
      x,
      ...(min == null ? [] : [min as number]),
      ...(max == null ? [] : [max as number]),
    );
    t = cast(t, dt);
    return dispatch('clamp', [t], { params: [lo, hi] });
  }
  let t = x;
  if (min != null) t = binaryOp('maximum', t, min);
  if (max != null) t = binaryOp('minimum', t, max);
  return t;
}

/** torch.where(cond, a, b) with scalar operands allowed. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (cond.dtype !== 'bool') {
    throw new TypeError(
      `where expected condition to be a boolean tensor, but got a tensor with dtype ${TORCH_NAME[cond.dtype]}`,
    );
  }
  const [x, y] = operands([a, b]);
  return dispatch('where', [cond, x, y], {});
}

/** torch.nan_to_num. */
export function nanToNum(x: Tensor, nan = 0, posinf?: number, neginf?: number): Tensor {
  const big = x.dtype === 'float64' ? Number.MAX_VALUE : 3.4028234663852886e38;
  let t = where(x.isnan(), nan, x);
  t = where(t.eq(Number.POSITIVE_INFINITY), posinf ?? big, t);
  return where(t.eq(Number.NEGATIVE_INFINITY), neginf ?? -big, t);
}

/** torch.lerp(start, end, weight). */
export function lerp(start: Tensor, end: TensorLike, weight: TensorLike): Tensor {
  return add(start, binaryOp('mul', binaryOp('sub', end, start), weight));
}

export function square(x: Tensor): Tensor {
  return binaryOp('mul', x, x);
}
