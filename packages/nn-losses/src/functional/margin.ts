import { arange, type Tensor } from '@kindling/tensor';
import {
  broadcastShapes,
  fmtShape,
  isFloat,
  like,
  readSync,
  requireFloat,
  requireIndex,
  requireTensor,
} from '../common.js';
import {
  applyReduction,
  checkReduction,
  type Reduction,
  type ReductionOptions,
  resolveReduction,
} from '../reduction.js';
import { logSigmoid, softplus } from './binary.js';

export interface MarginOptions extends ReductionOptions {
  margin?: number;
}

function floatTarget(target: Tensor, ref: Tensor): Tensor {
  return isFloat(target) ? like(target, ref) : target.to(ref.dtype);
}

/** F.margin_ranking_loss: max(0, -y (x1 - x2) + margin). */
export function marginRankingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  opts: MarginOptions = {},
): Tensor {
  const where = 'marginRankingLoss';
  requireTensor(where, 'input1', input1);
  requireTensor(where, 'input2', input2);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input1', input1);
  requireFloat(where, 'input2', input2);
  const reduction = resolveReduction(where, opts);
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim) {
    throw new RangeError(
      `${where}: All input tensors should have same dimension but got sizes: input1: ${fmtShape(input1.shape)}, input2: ${fmtShape(input2.shape)}, target: ${fmtShape(target.shape)}`,
    );
  }
  broadcastShapes(where, broadcastShapes(where, input1.shape, input2.shape), target.shape);
  const y = floatTarget(target, input1);
  const loss = y
    .neg()
    .mul(input1.sub(input2))
    .add(opts.margin ?? 0)
    .clamp(0);
  return applyReduction(loss, reduction);
}

/** F.hinge_embedding_loss: x where y = 1, max(0, margin - x) where y = -1. */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, opts: MarginOptions = {}): Tensor {
  const where = 'hingeEmbeddingLoss';
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input', input);
  const reduction = resolveReduction(where, opts);
  broadcastShapes(where, input.shape, target.shape);
  const margin = opts.margin ?? 1;
  const marginClamp = input.neg().add(margin).clamp(0);
  const outMargin = marginClamp.where(target.ne(1), 0);
  const outSelf = input.where(target.ne(-1), 0);
  return applyReduction(outMargin.add(outSelf), reduction);
}

/** F.soft_margin_loss: log(1 + exp(-y x)), stable for any x. */
export function softMarginLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const where = 'softMarginLoss';
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input', input);
  const reduction = resolveReduction(where, opts);
  broadcastShapes(where, input.shape, target.shape);
  const y = floatTarget(target, input);
  return applyReduction(softplus(input.mul(y).neg()), reduction);
}

export interface WeightedOptions extends ReductionOptions {
  weight?: Tensor | null;
}

/** F.multilabel_soft_margin_loss: mean over classes of -(y logsig(x) + (1 - y) logsig(-x)) (times weight). */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, opts: WeightedOptions = {}): Tensor {
  const where = 'multilabelSoftMarginLoss';
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input', input);
  const reduction = resolveReduction(where, opts);
  if (input.ndim < 1)
    throw new RangeError(`${where}: expected an input of at least 1 dim (C) or (N, C), got a 0-dim tensor`);
  broadcastShapes(where, input.shape, target.shape);
  const y = floatTarget(target, input);
  let loss = y
    .mul(logSigmoid(input))
    .add(y.neg().add(1).mul(logSigmoid(input.neg())))
    .neg();
  if (opts.weight != null) {
    requireTensor(where, 'weight', opts.weight);
    requireFloat(where, 'weight', opts.weight);
    broadcastShapes(where, loss.shape, opts.weight.shape);
    loss = loss.mul(like(opts.weight, input));
  }
  const classDim = input.ndim - 1;
  const C = input.shape[classDim];
  loss = loss.sum(classDim).div(C);
  return applyReduction(loss, reduction);
}

export interface MultiMarginOptions extends WeightedOptions {
  /** 1 or 2 (default 1). */
  p?: number;
  /** default 1. */
  margin?: number;
}

/**
 * F.multi_margin_loss: per sample, sum over j != y of max(0, margin - x[y] + x[j])^p
 * (times weight[y]), divided by C.
 */
export function multiMarginLoss(input: Tensor, target: Tensor, opts: MultiMarginOptions = {}): Tensor {
  const where = 'multiMarginLoss';
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input', input);
  const reduction = resolveReduction(where, opts);
  const p = opts.p ?? 1;
  if (p !== 1 && p !== 2) throw new RangeError(`${where}: only p == 1 and p == 2 supported (got ${p})`);
  const margin = opts.margin ?? 1;
  requireIndex(where, 'target', target);
  const nd = input.ndim;
  if (!((nd === 2 && input.shape[1] !== 0) || (nd === 1 && input.shape[0] !== 0) || nd === 0)) {
    throw new RangeError(
      `${where}: Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${fmtShape(input.shape)}`,
    );
  }
  const nframe = nd <= 1 ? 1 : input.shape[0];
  const C = nd === 0 ? 1 : input.shape[nd - 1];
  if (target.ndim > 1 || target.numel() !== nframe) {
    throw new RangeError(
      `${where}: inconsistent target size, expected ${nframe} but got ${fmtShape(target.shape)}`,
    );
  }
  const weight = opts.weight ?? null;
  if (weight) {
    requireTensor(where, 'weight', weight);
    requireFloat(where, 'weight', weight);
    if (weight.ndim > 1 || weight.numel() !== C) {
      throw new RangeError(
        `${where}: inconsistent weight size, expected ${C} but got ${fmtShape(weight.shape)}`,
      );
    }
  }
  const ys = readSync(target);
  if (ys) {
    for (let i = 0; i < ys.length; i++) {
      if (ys[i] < 0 || ys[i] >= C)
        throw new RangeError(`${where}: target ${ys[i]} is out of range [0, ${C})`);
    }
  }
  const x = input.reshape([nframe, C]);
  const y = target.reshape([nframe, 1]);
  const xy = x.gather(1, y);
  const z = xy.neg().add(margin).add(x);
  let h = z.relu();
  if (p === 2) h = h.mul(h);
  if (weight)
    h = h.mul(
      like(weight, input)
        .reshape([C])
        .gather(0, y.reshape([nframe]))
        .unsqueeze(1),
    );
  const notTarget = arange(0, C, { device: input.device }).reshape([1, C]).ne(y);
  let loss = h.where(notTarget, 0).sum(1).div(C);
  if (reduction === 'none') return target.ndim === 0 ? loss.reshape([]) : loss;
  loss = reduction === 'sum' ? loss.sum() : loss.mean();
  return loss;
}

/**
 * F.multilabel_margin_loss: per sample, with the target classes listed in y up to the first -1,
 * sum over targets j and non-targets i of max(0, 1 - (x[j] - x[i])), divided by C.
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const where = 'multilabelMarginLoss';
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input', input);
  const reduction = resolveReduction(where, opts);
  requireIndex(where, 'target', target);
  const nd = input.ndim;
  if (!((nd === 2 && input.shape[1] !== 0) || (nd === 1 && input.shape[0] !== 0) || nd === 0)) {
    throw new RangeError(
      `${where}: Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${fmtShape(input.shape)}`,
    );
  }
  let nframe: number;
  let C: number;
  if (nd <= 1) {
    nframe = 1;
    C = nd === 0 ? 1 : input.shape[0];
    if (target.ndim > 1 || target.numel() !== C) {
      throw new RangeError(
        `${where}: inconsistent target size ${fmtShape(target.shape)} for input of size ${fmtShape(input.shape)}`,
      );
    }
  } else {
    nframe = input.shape[0];
    C = input.shape[1];
    if (target.ndim !== 2 || target.shape[0] !== nframe || target.shape[1] !== C) {
      throw new RangeError(
        `${where}: inconsistent target size ${fmtShape(target.shape)} for input of size ${fmtShape(input.shape)}`,
      );
    }
  }
  const ys = readSync(target);
  if (ys) {
    for (let i = 0; i < ys.length; i++) {
      if (ys[i] < -1 || ys[i] >= C)
        throw new RangeError(`${where}: target value ${ys[i]} is out of range [-1, ${C})`);
    }
  }
  const x = input.reshape([nframe, C]);
  const y = target.reshape([nframe, C]);
  // the targets before the first -1 count (duplicates count twice, as in PyTorch's loop)
  const valid = y.ne(-1).to('int32').cumprod(1).ne(0); // [N, C] over target slots
  const classes = arange(0, C, { device: input.device });
  // hits[n, slot, c]: slot holds class c and is valid
  const hits = y
    .unsqueeze(2)
    .eq(classes.reshape([1, 1, C]))
    .logicalAnd(valid.unsqueeze(2));
  const count = hits.to(input.dtype).sum(1); // [N, C] times class c is a target
  const isTarget = hits.any(1); // [N, C]
  // z[n, j, i] = 1 - x[n, j] + x[n, i] for target j and non-target i
  const z = x.unsqueeze(2).neg().add(1).add(x.unsqueeze(1));
  const h = z.relu().mul(count.unsqueeze(2)).where(isTarget.logicalNot().unsqueeze(1), 0);
  let loss = h.sum([1, 2]).div(C);
  if (reduction === 'none') return nd <= 1 ? loss.reshape([]) : loss;
  loss = reduction === 'sum' ? loss.sum() : loss.mean();
  return loss;
}

/** F.cosine_embedding_loss: 1 - cos(x1, x2) where y = 1, max(0, cos - margin) where y = -1. */
export function cosineEmbeddingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  opts: MarginOptions = {},
): Tensor {
  const where = 'cosineEmbeddingLoss';
  requireTensor(where, 'input1', input1);
  requireTensor(where, 'input2', input2);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input1', input1);
  requireFloat(where, 'input2', input2);
  const reduction = resolveReduction(where, opts);
  const td = target.ndim;
  if (td !== 0 && td !== 1)
    throw new RangeError(`${where}: 0D or 1D target tensor expected, multi-target not supported`);
  if (td === 1 && (input1.ndim !== 2 || input2.ndim !== 2)) {
    throw new RangeError(
      `${where}: 1D target tensor expects 2D input tensors, but found inputs with sizes ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}.`,
    );
  }
  if (td === 0 && (input1.ndim !== 1 || input2.ndim !== 1)) {
    throw new RangeError(
      `${where}: 0D target tensor expects 1D input tensors, but found inputs with sizes ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}.`,
    );
  }
  broadcastShapes(where, input1.shape, input2.shape);
  const EPS = 1e-12;
  const prod = input1.mul(input2).sum(td);
  const m1 = input1.mul(input1).sum(td).add(EPS);
  const m2 = input2.mul(input2).sum(td).add(EPS);
  const cos = prod.div(m1.mul(m2).sqrt());
  const pos = cos.neg().add(1);
  const neg = cos.sub(opts.margin ?? 0).clamp(0);
  const loss = pos.where(target.eq(1), 0).add(neg.where(target.eq(-1), 0));
  return applyReduction(loss, reduction);
}

/** F.pairwise_distance: ||x1 - x2 + eps||_p over the last dim. */
export function pairwiseDistance(x1: Tensor, x2: Tensor, p = 2, eps = 1e-6, keepdim = false): Tensor {
  const nd = Math.max(x1.ndim, x2.ndim);
  return x1
    .sub(x2)
    .add(eps)
    .norm(p, nd - 1, keepdim);
}

export interface TripletMarginOptions extends ReductionOptions {
  margin?: number;
  /** The norm degree of the pairwise distance (default 2). */
  p?: number;
  eps?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance (default false). */
  swap?: boolean;
}

function checkTripletDims(where: string, a: Tensor, p: Tensor, n: Tensor): void {
  requireTensor(where, 'anchor', a);
  requireTensor(where, 'positive', p);
  requireTensor(where, 'negative', n);
  if (!(a.ndim === p.ndim && p.ndim === n.ndim)) {
    throw new RangeError(
      `${where}: The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${a.ndim}D, positive ${p.ndim}D, and negative ${n.ndim}D inputs`,
    );
  }
}

/** F.triplet_margin_loss: max(0, margin + d(a, p) - d(a, n)) with the p-norm pairwise distance. */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  opts: TripletMarginOptions = {},
): Tensor {
  const where = 'tripletMarginLoss';
  checkTripletDims(where, anchor, positive, negative);
  requireFloat(where, 'anchor', anchor);
  const reduction = resolveReduction(where, opts);
  const p = opts.p ?? 2;
  const eps = opts.eps ?? 1e-6;
  const dPos = pairwiseDistance(anchor, positive, p, eps);
  let dNeg = pairwiseDistance(anchor, negative, p, eps);
  if (opts.swap) dNeg = dNeg.minimum(pairwiseDistance(positive, negative, p, eps));
  const loss = dPos
    .add(opts.margin ?? 1)
    .sub(dNeg)
    .clamp(0);
  return applyReduction(loss, reduction);
}

/** A distance between two batches of embeddings: a function, or a module called as `m.call(a, b)`. */
export type DistanceFunction = ((a: Tensor, b: Tensor) => Tensor) | { call(a: Tensor, b: Tensor): Tensor };

export function isModuleLike(x: unknown): x is { call(a: Tensor, b: Tensor): Tensor } {
  return !!x && typeof x === 'object' && typeof (x as { call?: unknown }).call === 'function';
}

export interface TripletMarginWithDistanceOptions {
  /** A distance between two batches of embeddings (default pairwiseDistance). */
  distanceFunction?: DistanceFunction | null;
  margin?: number;
  swap?: boolean;
  reduction?: Reduction;
}

/** F.triplet_margin_with_distance_loss: max(0, margin + d(a, p) - d(a, n)) with any distance. */
export function tripletMarginWithDistanceLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  opts: TripletMarginWithDistanceOptions = {},
): Tensor {
  const where = 'tripletMarginWithDistanceLoss';
  const reduction = checkReduction(where, opts.reduction ?? 'mean');
  checkTripletDims(where, anchor, positive, negative);
  const df = opts.distanceFunction;
  if (df != null && typeof df !== 'function' && !isModuleLike(df)) {
    throw new TypeError(`${where}: distanceFunction must be a function (a, b) => Tensor, a Module, or null`);
  }
  const dist: (a: Tensor, b: Tensor) => Tensor =
    df == null ? (a, b) => pairwiseDistance(a, b) : typeof df === 'function' ? df : (a, b) => df.call(a, b);
  const dPos = dist(anchor, positive);
  let dNeg = dist(anchor, negative);
  if (opts.swap) dNeg = dNeg.minimum(dist(positive, negative));
  const loss = dPos
    .add(opts.margin ?? 1)
    .sub(dNeg)
    .clamp(0);
  return applyReduction(loss, reduction);
}
