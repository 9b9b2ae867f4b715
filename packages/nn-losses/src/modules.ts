/**
 * Every torch.nn loss as a Module: PyTorch's class names, constructor keywords in camelCase in
 * one options object, `weight` / `pos_weight` registered as buffers (so they are state-dict
 * entries, PyTorch's keys). Options are validated in the constructor; `forward` calls the
 * functional twin with the module's current attributes.
 */
import { Module } from '@kindling/nn-layers';
import type { Tensor } from '@kindling/tensor';
import { fmtShape, isTensor, requireFloat } from './common.js';
import { type BCEOptions, binaryCrossEntropy, binaryCrossEntropyWithLogits } from './functional/binary.js';
import { type CrossEntropyOptions, crossEntropy, nllLoss } from './functional/classification.js';
import { type CTCLossOptions, ctcLoss, type Lengths } from './functional/ctc.js';
import {
  cosineEmbeddingLoss,
  type DistanceFunction,
  isModuleLike,
  hingeEmbeddingLoss,
  marginRankingLoss,
  multilabelMarginLoss,
  multilabelSoftMarginLoss,
  multiMarginLoss,
  pairwiseDistance,
  softMarginLoss,
  tripletMarginLoss,
  tripletMarginWithDistanceLoss,
} from './functional/margin.js';
import { gaussianNllLoss, klDiv, poissonNllLoss } from './functional/probabilistic.js';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from './functional/regression.js';
import { type Reduction, type ReductionOptions, resolveReduction } from './reduction.js';

function checkNumber(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v))
    throw new TypeError(`${where}: ${name} must be a number, got ${String(v)}`);
  return v;
}

function checkWeightOption(where: string, name: string, w: unknown): Tensor | null {
  if (w === undefined || w === null) return null;
  if (!isTensor(w)) throw new TypeError(`${where}: ${name} must be a Tensor or null, got ${typeof w}`);
  requireFloat(where, name, w);
  return w;
}

/**
 * Base of every loss (torch.nn.modules.loss._Loss): holds `reduction` (validated here; the legacy
 * `sizeAverage` / `reduce` pair overrides it when given). `extra` lists reductions beyond
 * 'none' | 'mean' | 'sum' that the subclass accepts ('batchmean' for KLDivLoss).
 */
export class _Loss<R extends string = Reduction> extends Module {
  reduction: R;

  constructor(
    opts: { reduction?: string; sizeAverage?: boolean | null; reduce?: boolean | null } = {},
    extra: readonly string[] = [],
  ) {
    super();
    this.reduction = resolveReduction(new.target.name, opts, extra) as R;
  }
}

/** A loss with an optional per-class `weight` buffer (torch.nn.modules.loss._WeightedLoss). */
export class _WeightedLoss extends _Loss {
  declare weight: Tensor | null;

  constructor(weight: Tensor | null | undefined, opts: ReductionOptions = {}) {
    super(opts);
    this.registerBuffer('weight', checkWeightOption(new.target.name, 'weight', weight));
  }
}

/** Mean absolute error. forward(input, target). */
export class L1Loss extends _Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Mean squared error. forward(input, target). */
export class MSELoss extends _Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

export interface NLLLossModuleOptions extends ReductionOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
}

function checkIgnoreIndex(where: string, v: unknown): number {
  const n = checkNumber(where, 'ignoreIndex', v);
  if (!Number.isInteger(n)) throw new TypeError(`${where}: ignoreIndex must be an integer, got ${n}`);
  return n;
}

function checkClassWeight(where: string, w: Tensor | null): void {
  if (w && w.ndim !== 1)
    throw new RangeError(
      `${where}: weight must be 1-D (one value per class), got shape ${fmtShape(w.shape)}`,
    );
}

/** Negative log-likelihood of log-probabilities: input (N, C, d1..dk) or (C), target (N, d1..dk) or (). */
export class NLLLoss extends _WeightedLoss {
  ignoreIndex: number;

  constructor(opts: NLLLossModuleOptions = {}) {
    super(opts.weight, opts);
    checkClassWeight(new.target.name, this.weight);
    this.ignoreIndex = checkIgnoreIndex(new.target.name, opts.ignoreIndex ?? -100);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
    });
  }
}

/** Deprecated alias of NLLLoss for (N, C, H, W) inputs (torch.nn.NLLLoss2d). */
export class NLLLoss2d extends NLLLoss {}

export interface CrossEntropyLossOptions extends NLLLossModuleOptions {
  labelSmoothing?: number;
}

/**
 * log_softmax over the class dim, then NLL; target class indices (N, d1..dk) or class
 * probabilities shaped like the input; weight, ignoreIndex and labelSmoothing as PyTorch 1.13.
 */
export class CrossEntropyLoss extends _WeightedLoss {
  ignoreIndex: number;
  labelSmoothing: number;

  constructor(opts: CrossEntropyLossOptions = {}) {
    super(opts.weight, opts);
    const where = new.target.name;
    checkClassWeight(where, this.weight);
    this.ignoreIndex = checkIgnoreIndex(where, opts.ignoreIndex ?? -100);
    const ls = checkNumber(where, 'labelSmoothing', opts.labelSmoothing ?? 0);
    if (!(ls >= 0 && ls <= 1))
      throw new RangeError(`${where}: label_smoothing must be between 0.0 and 1.0. Got: ${ls}`);
    this.labelSmoothing = ls;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    const o: CrossEntropyOptions = {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    };
    return crossEntropy(input, target, o);
  }
}

export interface KLDivLossOptions {
  reduction?: Reduction | 'batchmean';
  sizeAverage?: boolean | null;
  reduce?: boolean | null;
  logTarget?: boolean;
}

/** Kullback-Leibler divergence; input is log-probabilities; reduction 'batchmean' is the true KL. */
export class KLDivLoss extends _Loss<Reduction | 'batchmean'> {
  logTarget: boolean;

  constructor(opts: KLDivLossOptions = {}) {
    super(opts, ['batchmean']);
    this.logTarget = opts.logTarget ?? false;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

export interface SmoothL1LossOptions extends ReductionOptions {
  beta?: number;
}

/** Quadratic below beta, linear above (beta = 0 is L1). */
export class SmoothL1Loss extends _Loss {
  beta: number;

  constructor(opts: SmoothL1LossOptions = {}) {
    super(opts);
    const beta = checkNumber(new.target.name, 'beta', opts.beta ?? 1);
    if (beta < 0)
      throw new RangeError(
        `${new.target.name}: smooth_l1_loss does not support negative values for beta (got ${beta}).`,
      );
    this.beta = beta;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export interface HuberLossOptions {
  reduction?: Reduction;
  delta?: number;
}

/** Quadratic below delta, delta-scaled linear above. */
export class HuberLoss extends _Loss {
  delta: number;

  constructor(opts: HuberLossOptions = {}) {
    super({ reduction: opts.reduction });
    const delta = checkNumber(new.target.name, 'delta', opts.delta ?? 1);
    if (!(delta > 0))
      throw new RangeError(
        `${new.target.name}: huber_loss does not support non-positive values for delta (got ${delta}).`,
      );
    this.delta = delta;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

export interface MultiMarginLossOptions extends ReductionOptions {
  p?: number;
  margin?: number;
  weight?: Tensor | null;
}

/** Multi-class hinge loss: input (N, C) or (C), target (N) or (). */
export class MultiMarginLoss extends _WeightedLoss {
  p: number;
  margin: number;

  constructor(opts: MultiMarginLossOptions = {}) {
    super(opts.weight, opts);
    const where = new.target.name;
    const p = opts.p ?? 1;
    if (p !== 1 && p !== 2) throw new RangeError(`${where}: only p == 1 and p == 2 supported (got ${p})`);
    checkClassWeight(where, this.weight);
    this.p = p;
    this.margin = checkNumber(where, 'margin', opts.margin ?? 1);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, {
      p: this.p,
      margin: this.margin,
      weight: this.weight,
      reduction: this.reduction,
    });
  }
}

/**
 * Connectionist Temporal Classification.
 * forward(logProbs (T, N, C) or (T, C), targets (N, S) or concatenated 1-D, inputLengths, targetLengths).
 */
export class CTCLoss extends _Loss {
  blank: number;
  zeroInfinity: boolean;

  constructor(opts: CTCLossOptions = {}) {
    super({ reduction: opts.reduction });
    const blank = checkNumber(new.target.name, 'blank', opts.blank ?? 0);
    if (!Number.isInteger(blank) || blank < 0)
      throw new RangeError(`${new.target.name}: blank must be a non-negative integer, got ${blank}`);
    this.blank = blank;
    this.zeroInfinity = opts.zeroInfinity ?? false;
  }

  override forward(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, {
      blank: this.blank,
      reduction: this.reduction,
      zeroInfinity: this.zeroInfinity,
    });
  }
}

export interface BCELossOptions extends BCEOptions {}

/** Binary cross-entropy of probabilities (logs clamped to >= -100). */
export class BCELoss extends _WeightedLoss {
  constructor(opts: BCELossOptions = {}) {
    super(opts.weight, opts);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export interface BCEWithLogitsLossOptions extends BCEOptions {
  posWeight?: Tensor | null;
}

/** Sigmoid + binary cross-entropy in one stable expression; buffers `weight` and `pos_weight`. */
export class BCEWithLogitsLoss extends _Loss {
  declare weight: Tensor | null;

  constructor(opts: BCEWithLogitsLossOptions = {}) {
    super(opts);
    const where = new.target.name;
    this.registerBuffer('weight', checkWeightOption(where, 'weight', opts.weight));
    this.registerBuffer('pos_weight', checkWeightOption(where, 'posWeight', opts.posWeight));
  }

  /** The `pos_weight` buffer. */
  get posWeight(): Tensor | null {
    return this._buffers.get('pos_weight') ?? null;
  }

  set posWeight(v: Tensor | null) {
    this._buffers.set('pos_weight', v);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.posWeight,
      reduction: this.reduction,
    });
  }
}

export interface PoissonNLLLossOptions extends ReductionOptions {
  logInput?: boolean;
  full?: boolean;
  eps?: number;
}

/** Negative log-likelihood of a Poisson target. forward(logInput or rate, target). */
export class PoissonNLLLoss extends _Loss {
  logInput: boolean;
  full: boolean;
  eps: number;

  constructor(opts: PoissonNLLLossOptions = {}) {
    super(opts);
    this.logInput = opts.logInput ?? true;
    this.full = opts.full ?? false;
    this.eps = checkNumber(new.target.name, 'eps', opts.eps ?? 1e-8);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return poissonNllLoss(input, target, {
      logInput: this.logInput,
      full: this.full,
      eps: this.eps,
      reduction: this.reduction,
    });
  }
}

export interface GaussianNLLLossOptions {
  full?: boolean;
  eps?: number;
  reduction?: Reduction;
}

/** Negative log-likelihood of a Gaussian target. forward(input, target, var). */
export class GaussianNLLLoss extends _Loss {
  full: boolean;
  eps: number;

  constructor(opts: GaussianNLLLossOptions = {}) {
    super({ reduction: opts.reduction });
    this.full = opts.full ?? false;
    this.eps = checkNumber(new.target.name, 'eps', opts.eps ?? 1e-6);
  }

  override forward(input: Tensor, target: Tensor, variance: Tensor | number): Tensor {
    return gaussianNllLoss(input, target, variance, {
      full: this.full,
      eps: this.eps,
      reduction: this.reduction,
    });
  }
}

export interface MarginLossOptions extends ReductionOptions {
  margin?: number;
}

/** max(0, -y (x1 - x2) + margin). forward(input1, input2, target). */
export class MarginRankingLoss extends _Loss {
  margin: number;

  constructor(opts: MarginLossOptions = {}) {
    super(opts);
    this.margin = checkNumber(new.target.name, 'margin', opts.margin ?? 0);
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** x for y = 1, max(0, margin - x) for y = -1. */
export class HingeEmbeddingLoss extends _Loss {
  margin: number;

  constructor(opts: MarginLossOptions = {}) {
    super(opts);
    this.margin = checkNumber(new.target.name, 'margin', opts.margin ?? 1);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Multi-label hinge loss; target (N, C) class indices padded with -1. */
export class MultiLabelMarginLoss extends _Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return multilabelMarginLoss(input, target, { reduction: this.reduction });
  }
}

export interface MultiLabelSoftMarginLossOptions extends ReductionOptions {
  weight?: Tensor | null;
}

/** Multi-label one-versus-all logistic loss; target (N, C) of 0/1. */
export class MultiLabelSoftMarginLoss extends _WeightedLoss {
  constructor(opts: MultiLabelSoftMarginLossOptions = {}) {
    super(opts.weight, opts);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Two-class logistic loss log(1 + exp(-y x)). */
export class SoftMarginLoss extends _Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return softMarginLoss(input, target, { reduction: this.reduction });
  }
}

/** 1 - cos(x1, x2) for y = 1, max(0, cos(x1, x2) - margin) for y = -1. forward(input1, input2, target). */
export class CosineEmbeddingLoss extends _Loss {
  margin: number;

  constructor(opts: MarginLossOptions = {}) {
    super(opts);
    this.margin = checkNumber(new.target.name, 'margin', opts.margin ?? 0);
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

export interface TripletMarginLossOptions extends ReductionOptions {
  margin?: number;
  p?: number;
  eps?: number;
  swap?: boolean;
}

/** max(0, margin + d(a, p) - d(a, n)) with the p-norm distance. forward(anchor, positive, negative). */
export class TripletMarginLoss extends _Loss {
  margin: number;
  p: number;
  eps: number;
  swap: boolean;

  constructor(opts: TripletMarginLossOptions = {}) {
    super(opts);
    const where = new.target.name;
    this.margin = checkNumber(where, 'margin', opts.margin ?? 1);
    this.p = checkNumber(where, 'p', opts.p ?? 2);
    this.eps = checkNumber(where, 'eps', opts.eps ?? 1e-6);
    this.swap = opts.swap ?? false;
  }

  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMarginLoss(anchor, positive, negative, {
      margin: this.margin,
      p: this.p,
      eps: this.eps,
      swap: this.swap,
      reduction: this.reduction,
    });
  }
}

export interface TripletMarginWithDistanceLossOptions {
  /** A function (a, b) => distances, or a Module computing them (registered as the child `distance_function`, as in PyTorch). Default pairwiseDistance. */
  distanceFunction?: DistanceFunction | null;
  margin?: number;
  swap?: boolean;
  reduction?: Reduction;
}

/**
 * max(0, margin + d(a, p) - d(a, n)) with any distance (default the pairwise 2-norm distance).
 * forward(anchor, positive, negative).
 */
export class TripletMarginWithDistanceLoss extends _Loss {
  margin: number;
  swap: boolean;
  private readonly _distance: ((a: Tensor, b: Tensor) => Tensor) | null;

  constructor(opts: TripletMarginWithDistanceLossOptions = {}) {
    super({ reduction: opts.reduction });
    const where = new.target.name;
    const df = opts.distanceFunction;
    if (df != null && typeof df !== 'function' && !isModuleLike(df)) {
      throw new TypeError(
        `${where}: distanceFunction must be a function (a, b) => Tensor, a Module, or null`,
      );
    }
    if (df != null && typeof df !== 'function') {
      this.registerModule('distance_function', df as unknown as Module);
      this._distance = null;
    } else this._distance = df ?? null;
    this.margin = checkNumber(where, 'margin', opts.margin ?? 1);
    this.swap = opts.swap ?? false;
  }

  /** The distance in use, as a function. */
  get distanceFunction(): (a: Tensor, b: Tensor) => Tensor {
    const m = this._modules.get('distance_function');
    if (m) return (a, b) => (m as unknown as { call(a: Tensor, b: Tensor): Tensor }).call(a, b);
    return this._distance ?? ((a, b) => pairwiseDistance(a, b));
  }

  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMarginWithDistanceLoss(anchor, positive, negative, {
      distanceFunction: this.distanceFunction,
      margin: this.margin,
      swap: this.swap,
      reduction: this.reduction,
    });
  }
}
