/** Elementwise activations (torch.nn.functional), with PyTorch's gradients at the kinks. */
import { type Generator, rand, type Tensor, where } from '@kindling/tensor';
import { maybeInplace } from './inplace.js';
import { opts } from './positional-options.js';

export interface InplaceOptions {
  inplace?: boolean;
}

/** max(0, x); gradient 0 at 0. */
export function relu(x: Tensor, o: InplaceOptions = {}): Tensor {
  return maybeInplace(x, o.inplace, (t) => t.relu());
}

/** Clamp to [minVal, maxVal]; the gradient is 1 strictly inside and 0 at and beyond the bounds. */
export function hardtanh(x: Tensor, o: { minVal?: number; maxVal?: number; inplace?: boolean } = {}): Tensor {
  const lo = o.minVal ?? -1;
  const hi = o.maxVal ?? 1;
  if (lo > hi) throw new RangeError('hardtanh: min_val cannot be greater than max_val');
  return maybeInplace(x, o.inplace, (t) => where(t.le(lo), lo, where(t.ge(hi), hi, t)));
}

/** min(max(0, x), 6). */
export function relu6(x: Tensor, o: InplaceOptions = {}): Tensor {
  return hardtanh(x, { minVal: 0, maxVal: 6, inplace: o.inplace });
}

export interface LeakyReluOptions {
  negativeSlope?: number;
  inplace?: boolean;
}

/** x for x > 0, negativeSlope·x otherwise (gradient negativeSlope at 0). */
export function leakyRelu(x: Tensor, o?: number | LeakyReluOptions): Tensor {
  const { negativeSlope = 0.01, inplace } = opts<LeakyReluOptions>(o, 'negativeSlope');
  return maybeInplace(x, inplace, (t) => where(t.gt(0), t, t.mul(negativeSlope)));
}

/** x for x > 0, weight·x otherwise; weight has 1 or C (= size of dim 1) entries. */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const n = weight.numel();
  let w = weight;
  if (n !== 1) {
    const ch = x.ndim >= 2 ? 1 : 0;
    if (x.ndim === 0 || x.shape[ch] !== n) {
      throw new RangeError(
        `prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${x.ndim === 0 ? 1 : x.shape[ch]}.`,
      );
    }
    w = weight.reshape(x.shape.map((s, i) => (i === ch ? n : 1)));
  } else {
    w = weight.reshape([]);
  }
  return where(x.gt(0), x, x.mul(w));
}

export interface RreluOptions {
  lower?: number;
  upper?: number;
  training?: boolean;
  inplace?: boolean;
  generator?: Generator;
}

/**
 * Randomized leaky ReLU: in training each non-positive element gets a slope drawn from
 * U(lower, upper); otherwise the slope is (lower + upper) / 2.
 */
export function rrelu(x: Tensor, o?: number | RreluOptions): Tensor {
  const {
    lower = 1 / 8,
    upper = 1 / 3,
    training = false,
    inplace,
    generator,
  } = opts<RreluOptions>(o, 'lower');
  if (!training) return leakyRelu(x, { negativeSlope: (lower + upper) / 2, inplace });
  return maybeInplace(x, inplace, (t) => {
    const u = rand(t.shape, { dtype: t.dtype, device: t.device, generator });
    const slope = u.mul(upper - lower).add(lower);
    return t.mul(where(t.le(0), slope, 1));
  });
}

export interface EluOptions {
  alpha?: number;
  inplace?: boolean;
}

function eluCore(x: Tensor, alpha: number, scale: number, inputScale: number): Tensor {
  const neg = x.mul(inputScale).expm1().mul(alpha);
  const out = where(x.gt(0), x, neg);
  return scale === 1 ? out : out.mul(scale);
}

/** x for x > 0, alpha·(exp(x) − 1) otherwise. */
export function elu(x: Tensor, o?: number | EluOptions): Tensor {
  const { alpha = 1, inplace } = opts<EluOptions>(o, 'alpha');
  return maybeInplace(x, inplace, (t) => eluCore(t, alpha, 1, 1));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** scale·elu(x, alpha) with the self-normalising constants. */
export function selu(x: Tensor, o: InplaceOptions = {}): Tensor {
  return maybeInplace(x, o.inplace, (t) => eluCore(t, SELU_ALPHA, SELU_SCALE, 1));
}

/** max(0, x) + min(0, alpha·(exp(x/alpha) − 1)). */
export function celu(x: Tensor, o?: number | EluOptions): Tensor {
  const { alpha = 1, inplace } = opts<EluOptions>(o, 'alpha');
  if (alpha === 0) throw new RangeError('ZeroDivisionError: alpha cannot be 0 for CELU');
  return maybeInplace(x, inplace, (t) => eluCore(t, alpha, 1, 1 / alpha));
}

/** x·Φ(x), or its tanh approximation with approximate: 'tanh'. */
export function gelu(x: Tensor, o: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approximate = o.approximate ?? 'none';
  if (approximate === 'tanh') {
    const inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(inner.tanh().add(1)).mul(0.5);
  }
  if (approximate !== 'none') throw new RangeError(`approximate argument must be either none or tanh.`);
  return x.mul(x.mul(Math.SQRT1_2).erf().add(1)).mul(0.5);
}

/** x·sigmoid(x). */
export function silu(x: Tensor, o: InplaceOptions = {}): Tensor {
  return maybeInplace(x, o.inplace, (t) => t.mul(t.sigmoid()));
}

export function sigmoid(x: Tensor): Tensor {
  return x.sigmoid();
}

export function tanh(x: Tensor): Tensor {
  return x.tanh();
}

/** 0 for x ≤ −3, 1 for x ≥ 3, x/6 + 1/2 between (gradient 0 at ±3). */
export function hardsigmoid(x: Tensor, o: InplaceOptions = {}): Tensor {
  return maybeInplace(x, o.inplace, (t) => where(t.le(-3), 0, where(t.ge(3), 1, t.div(6).add(0.5))));
}

/** x·hardsigmoid(x), with PyTorch's gradient at ±3 (x/3 + 1/2). */
export function hardswish(x: Tensor, o: InplaceOptions = {}): Tensor {
  return maybeInplace(x, o.inplace, (t) => where(t.lt(-3), 0, where(t.le(3), t.mul(t.add(3)).div(6), t)));
}

export interface SoftplusOptions {
  beta?: number;
  threshold?: number;
}

/** log(1 + exp(beta·x)) / beta, and x where beta·x > threshold. */
export function softplus(x: Tensor, o?: number | SoftplusOptions): Tensor {
  const { beta = 1, threshold = 20 } = opts<SoftplusOptions>(o, 'beta');
  const bx = beta === 1 ? x : x.mul(beta);
  const over = bx.gt(threshold);
  const safe = where(over, 0, bx);
  const soft = safe.exp().log1p();
  return where(over, x, beta === 1 ? soft : soft.div(beta));
}

/** x·tanh(softplus(x)). */
export function mish(x: Tensor, o: InplaceOptions = {}): Tensor {
  return maybeInplace(x, o.inplace, (t) => t.mul(softplus(t).tanh()));
}

/** x / (1 + |x|). */
export function softsign(x: Tensor): Tensor {
  return x.div(x.abs().add(1));
}

/** x − lambd for x > lambd, x + lambd for x < −lambd, else 0 (gradient 0 at ±lambd). */
export function softshrink(x: Tensor, o?: number | { lambd?: number }): Tensor {
  const { lambd = 0.5 } = opts<{ lambd?: number }>(o, 'lambd');
  if (lambd < 0) throw new RangeError(`lambda must be greater or equal to 0, but found to be ${lambd}.`);
  return where(x.gt(lambd), x.sub(lambd), where(x.lt(-lambd), x.add(lambd), 0));
}

/** 0 for −lambd ≤ x ≤ lambd, else x. */
export function hardshrink(x: Tensor, o?: number | { lambd?: number }): Tensor {
  const { lambd = 0.5 } = opts<{ lambd?: number }>(o, 'lambd');
  return where(x.ge(-lambd).logicalAnd(x.le(lambd)), 0, x);
}

/** x − tanh(x). */
export function tanhshrink(x: Tensor): Tensor {
  return x.sub(x.tanh());
}

/** x where x > threshold, else value. */
export function threshold(x: Tensor, threshold: number, value: number, o: InplaceOptions = {}): Tensor {
  return maybeInplace(x, o.inplace, (t) => where(t.gt(threshold), t, value));
}

/** log(sigmoid(x)) = min(x, 0) − log(1 + exp(−|x|)). */
export function logsigmoid(x: Tensor): Tensor {
  return x.minimum(x.newZeros([])).sub(x.abs().neg().exp().log1p());
}

/** Gated linear unit: a·sigmoid(b) with input = [a, b] split in halves along `dim`. */
export function glu(x: Tensor, o?: number | { dim?: number }): Tensor {
  const { dim = -1 } = opts<{ dim?: number }>(o, 'dim');
  if (x.ndim === 0) throw new RangeError('glu does not support scalars because halving size must be even');
  const d = dim < 0 ? dim + x.ndim : dim;
  const n = x.shape[d];
  if (n % 2 !== 0) {
    throw new RangeError(`Halving dimension must be even, but dimension ${d} is size ${n}`);
  }
  const a = x.narrow(d, 0, n / 2);
  const b = x.narrow(d, n / 2, n / 2);
  return a.mul(b.sigmoid());
}
