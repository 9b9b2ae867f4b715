import type { Tensor } from '@kindling/tensor';
import {
  fmtShape,
  isFloat,
  like,
  readSync,
  requireFloat,
  requireIndex,
  requireTensor,
  sameShape,
} from '../common.js';
import { type Reduction, type ReductionOptions, resolveReduction } from '../reduction.js';

export interface NLLLossOptions extends ReductionOptions {
  /** A manual rescaling weight per class (1-D, C elements). */
  weight?: Tensor | null;
  /** Targets equal to this are skipped and left out of the mean's denominator (default -100). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NLLLossOptions {
  /** Mix the target with the uniform distribution: (1 - s) * target + s / C (default 0). */
  labelSmoothing?: number;
}

function checkWeight(where: string, weight: Tensor | null | undefined, C: number): void {
  if (weight == null) return;
  requireTensor(where, 'weight', weight);
  requireFloat(where, 'weight', weight);
  if (weight.ndim !== 1 || weight.shape[0] !== C) {
    throw new RangeError(
      `${where}: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${fmtShape(weight.shape)}`,
    );
  }
}

/**
 * Shape rules of nll_loss_nd: input (C) with a 0-dim target, or (N, C, d1..dk) with target
 * (N, d1..dk).
 */
function checkClassTarget(where: string, input: Tensor, target: Tensor): void {
  if (input.ndim < 1)
    throw new RangeError(`${where}: input tensor should be 1D or more (got a 0-dim tensor)`);
  requireIndex(where, 'target', target);
  if (input.ndim === 1) {
    if (target.ndim !== 0) {
      throw new RangeError(
        `${where}: a 1-D input (C) expects a 0-dim target, but got target of shape ${fmtShape(target.shape)}`,
      );
    }
    return;
  }
  if (target.ndim === 0 || target.shape[0] !== input.shape[0]) {
    throw new RangeError(
      `${where}: Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.ndim === 0 ? 'none: 0-dim target' : target.shape[0]}).`,
    );
  }
  const expected = [input.shape[0], ...input.shape.slice(2)];
  if (!sameShape(expected, target.shape)) {
    throw new RangeError(
      `${where}: Expected target size ${fmtShape(expected)}, got ${fmtShape(target.shape)} (input shape ${fmtShape(input.shape)})`,
    );
  }
}

/** Every target must be a class in [0, C) or ignoreIndex (checked where the device reads synchronously). */
function checkTargetBounds(target: Tensor, C: number, ignoreIndex: number): void {
  const data = readSync(target);
  if (!data) return;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== ignoreIndex && (v < 0 || v >= C)) throw new RangeError(`Target ${v} is out of bounds.`);
  }
}

/** Input as (M, C) rows and target as (M): the class dim moved last and everything else flattened. */
function rows(input: Tensor, target: Tensor): [Tensor, Tensor] {
  const C = input.shape[input.ndim === 1 ? 0 : 1];
  if (input.ndim === 1) return [input.reshape([1, C]), target.reshape([1])];
  const x = input.ndim === 2 ? input : input.movedim(1, -1);
  return [x.reshape([-1, C]), target.reshape([-1])];
}

interface NllParts {
  /** Per-element losses, shaped like the target (ignored elements 0). */
  loss: Tensor;
  /** Per-element weights of the selected class (0 where ignored), shaped like the target. */
  weights: Tensor;
  /** Ignored elements, shaped like the target. */
  ignored: Tensor;
}

/** nll_loss's per-element terms (inputs already validated). */
function nllParts(logp: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number): NllParts {
  const [x, t] = rows(logp, target);
  const keep = t.ne(ignoreIndex);
  const safe = t.where(keep, 0);
  const picked = x.gather(1, safe.unsqueeze(1)).reshape([-1]);
  const w = weight ? like(weight, logp).gather(0, safe).where(keep, 0) : keep.to(logp.dtype);
  // where (not a product with 0) so an ignored -inf log-probability cannot make a NaN
  const loss = (weight ? picked.mul(w) : picked).neg().where(keep, 0);
  return {
    loss: loss.reshape(target.shape),
    weights: w.reshape(target.shape),
    ignored: keep.logicalNot().reshape(target.shape),
  };
}

function reduceNll(parts: NllParts, reduction: Reduction): Tensor {
  if (reduction === 'none') return parts.loss;
  if (reduction === 'sum') return parts.loss.sum();
  return parts.loss.sum().div(parts.weights.sum());
}

/** F.nll_loss: -input[n, target[n], d...] * weight[target], any K-dim shape. */
export function nllLoss(input: Tensor, target: Tensor, opts: NLLLossOptions = {}): Tensor {
  const where = 'nllLoss';
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input', input);
  const reduction = resolveReduction(where, opts);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  checkClassTarget(where, input, target);
  const C = input.shape[input.ndim === 1 ? 0 : 1];
  checkWeight(where, opts.weight, C);
  checkTargetBounds(target, C, ignoreIndex);
  return reduceNll(nllParts(input, target, opts.weight ?? null, ignoreIndex), reduction);
}

/**
 * F.cross_entropy: log_softmax over the class dim (1, or 0 for an unbatched input), then NLL
 * for class-index targets or -sum(p * logq) for class-probability targets (same shape as input).
 * Label smoothing follows PyTorch 1.13 exactly, weights and ignoreIndex included.
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const where = 'crossEntropy';
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input', input);
  const reduction = resolveReduction(where, opts);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const ls = opts.labelSmoothing ?? 0;
  if (typeof ls !== 'number' || !(ls >= 0 && ls <= 1)) {
    throw new RangeError(`${where}: label_smoothing must be between 0.0 and 1.0. Got: ${ls}`);
  }
  if (input.ndim < 1)
    throw new RangeError(`${where}: input tensor should be 1D or more (got a 0-dim tensor)`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim];
  checkWeight(where, opts.weight, C);
  const weight = opts.weight ? like(opts.weight, input) : null;

  if (sameShape(input.shape, target.shape)) {
    // class probabilities
    if (!isFloat(target)) {
      throw new TypeError(
        `${where}: a target of the input's shape ${fmtShape(input.shape)} holds class probabilities and must be floating point, got ${target.dtype}`,
      );
    }
    if (ignoreIndex >= 0)
      throw new RangeError(`${where}: ignore_index is not supported for floating point target`);
    const logp = input.logSoftmax(classDim);
    let p = like(target, input);
    if (ls > 0) p = p.mul(1 - ls).add(ls / C);
    let prod = logp.mul(p);
    if (weight) prod = prod.mul(weight.reshape(input.shape.map((s, i) => (i === classDim ? C : 1))));
    if (reduction === 'none') return prod.sum(classDim).neg();
    if (reduction === 'sum') return prod.sum().neg();
    return prod
      .sum()
      .neg()
      .div(input.numel() / C);
  }

  if (isFloat(target)) {
    throw new TypeError(
      `${where}: expected class indices (dtype int32, PyTorch's Long) for a target of shape ${fmtShape(target.shape)}, but found ${target.dtype}; class probabilities need the input's shape ${fmtShape(input.shape)}`,
    );
  }
  checkClassTarget(where, input, target);
  checkTargetBounds(target, C, ignoreIndex);
  const logp = input.logSoftmax(classDim);
  const parts = nllParts(logp, target, weight, ignoreIndex);
  const nll = reduceNll(parts, reduction);
  if (ls === 0) return nll;

  // PyTorch 1.13 cross_entropy_loss_label_smoothing
  let wsum = weight ? logp.mul(weight.reshape(input.shape.map((s, i) => (i === classDim ? C : 1)))) : logp;
  wsum = wsum.sum(classDim).neg();
  const smooth = wsum.where(parts.ignored.logicalNot(), 0);
  let ret: Tensor;
  if (reduction === 'none') ret = smooth;
  else if (reduction === 'sum') ret = smooth.sum();
  else ret = smooth.sum().div(parts.weights.sum());
  return nll.mul(1 - ls).add(ret.mul(ls / C));
}
