import { fullLike, type Tensor } from '@kindling/tensor';
import {
  broadcastShapes,
  fmtShape,
  like,
  readSync,
  requireFloat,
  requireTensor,
  sameShape,
  warnOnce,
} from '../common.js';
import { straightThrough } from '../custom-grad.js';
import {
  applyReduction,
  checkReduction,
  type Reduction,
  type ReductionOptions,
  resolveReduction,
} from '../reduction.js';

export interface KLDivOptions {
  /** 'mean' (PyTorch's default, averages over every element), 'batchmean' (the KL divergence: sum / batch size), 'sum', 'none'. */
  reduction?: Reduction | 'batchmean';
  sizeAverage?: boolean | null;
  reduce?: boolean | null;
  /** The target is given as log-probabilities (default false). */
  logTarget?: boolean;
}

/** t log t, 0 where t == 0 (torch.xlogy(t, t)). */
function xlogx(t: Tensor): Tensor {
  const nz = t.ne(0);
  return t.mul(t.where(nz, 1).log()).where(nz, 0);
}

/**
 * F.kl_div(input, target): input holds log-probabilities; pointwise
 * target (log target - input), or exp(target) (target - input) with logTarget.
 */
export function klDiv(input: Tensor, target: Tensor, opts: KLDivOptions = {}): Tensor {
  const where = 'klDiv';
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input', input);
  requireFloat(where, 'target', target);
  const reduction = resolveReduction(where, opts, ['batchmean'] as const);
  if (opts.reduction === 'mean' && opts.sizeAverage == null && opts.reduce == null) {
    warnOnce(
      'kldiv-mean',
      "klDiv: reduction: 'mean' divides the total loss by both the batch size and the support size. 'batchmean' divides only by the batch size, and aligns with the KL div math definition. 'mean' will be changed to behave the same as 'batchmean' in the next major release.",
    );
  }
  broadcastShapes(where, input.shape, target.shape);
  const t = like(target, input);
  const loss = opts.logTarget ? t.exp().mul(t.sub(input)) : xlogx(t).sub(t.mul(input));
  if (reduction === 'batchmean') {
    const s = loss.sum();
    return input.ndim !== 0 ? s.div(input.shape[0]) : s;
  }
  return applyReduction(loss, reduction);
}

export interface PoissonNLLOptions extends ReductionOptions {
  /** The input is log(rate) (default true): exp(input) - target * input; else input - target * log(input + eps). */
  logInput?: boolean;
  /** Add the Stirling approximation term t log t - t + 0.5 log(2 pi t) for targets > 1 (default false). */
  full?: boolean;
  /** Keeps log(input + eps) finite when logInput is false (default 1e-8). */
  eps?: number;
}

/** F.poisson_nll_loss. */
export function poissonNllLoss(input: Tensor, target: Tensor, opts: PoissonNLLOptions = {}): Tensor {
  const where = 'poissonNllLoss';
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input', input);
  requireFloat(where, 'target', target);
  const reduction = resolveReduction(where, opts);
  broadcastShapes(where, input.shape, target.shape);
  const eps = opts.eps ?? 1e-8;
  const t = like(target, input);
  let loss = (opts.logInput ?? true) ? input.exp().sub(t.mul(input)) : input.sub(t.mul(input.add(eps).log()));
  if (opts.full) {
    const big = t.gt(1);
    const ts = t.where(big, 2); // a safe stand-in where the term is masked off
    const stirling = ts
      .mul(ts.log())
      .sub(ts)
      .add(
        ts
          .mul(2 * Math.PI)
          .log()
          .mul(0.5),
      );
    loss = loss.add(stirling.where(big, 0));
  }
  return applyReduction(loss, reduction);
}

export interface GaussianNLLOptions {
  /** Add the constant 0.5 log(2 pi) (default false). */
  full?: boolean;
  /** var is clamped to >= eps in the forward pass (the gradient passes through unchanged), default 1e-6. */
  eps?: number;
  reduction?: Reduction;
}

/**
 * F.gaussian_nll_loss(input, target, var): 0.5 (log max(var, eps) + (input - target)^2 / max(var, eps)).
 * var has the input's shape, or one dim less (homoscedastic per row), or a last dim of 1, or is one number.
 */
export function gaussianNllLoss(
  input: Tensor,
  target: Tensor,
  variance: Tensor | number,
  opts: GaussianNLLOptions = {},
): Tensor {
  const where = 'gaussianNllLoss';
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  if (typeof variance === 'number') {
    // one variance for every element (as later PyTorch versions accept)
    if (!(variance >= 0)) throw new RangeError(`${where}: var has negative entry/entries (got ${variance})`);
    requireFloat(where, 'input', input);
    variance = fullLike(input, variance);
  }
  requireTensor(where, 'var', variance);
  requireFloat(where, 'input', input);
  requireFloat(where, 'target', target);
  requireFloat(where, 'var', variance);
  let v = variance;
  if (!sameShape(v.shape, input.shape)) {
    const lead = input.shape.slice(0, -1);
    if (input.ndim > 0 && sameShape(lead, v.shape)) v = v.unsqueeze(-1);
    else if (
      input.ndim > 0 &&
      v.ndim > 0 &&
      sameShape(lead, v.shape.slice(0, -1)) &&
      v.shape[v.ndim - 1] === 1
    ) {
      // homoscedastic with an explicit last dim of 1
    } else {
      throw new RangeError(
        `${where}: var is of incorrect size ${fmtShape(variance.shape)} for input of size ${fmtShape(input.shape)}`,
      );
    }
  }
  const reduction = checkReduction(where, opts.reduction ?? 'mean');
  broadcastShapes(where, input.shape, target.shape);
  const vs = readSync(v);
  if (vs) {
    for (let i = 0; i < vs.length; i++)
      if (vs[i] < 0) throw new RangeError(`${where}: var has negative entry/entries`);
  }
  const eps = opts.eps ?? 1e-6;
  const vc = straightThrough(like(v, input), (x) => x.clamp(eps));
  const d = input.sub(like(target, input));
  let loss = vc.log().add(d.mul(d).div(vc)).mul(0.5);
  if (opts.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return applyReduction(loss, reduction);
}
