/** Pooling layers: MaxPool, AvgPool, LPPool and MaxUnpool in 1-3 spatial dims (torch.nn.modules.pooling). */
import { maxPool1d, maxPool2d, maxPool3d, type Tensor } from '@kindling/tensor';
import { Module } from '../module.js';
import { pyRepr } from '../repr.js';
import { avgPool1d, avgPool2d, avgPool3d, lpPoolNd, maxUnpoolNd } from './functional/pool.js';
import { spatialRank } from './arg-checks.js';
import { ntuple, type Size } from './ntuple.js';
import { pyTuple } from './py-format.js';

/** What a max pool returns: the pooled tensor, or [values, indices] with returnIndices. */
export type MaxPoolResult<R extends boolean> = R extends true
  ? [Tensor, Tensor]
  : R extends false
    ? Tensor
    : Tensor | [Tensor, Tensor];

/** Keyword options of MaxPool1d/2d/3d. */
export interface MaxPoolModuleOptions<R extends boolean = boolean> {
  /** Window step; defaults to the kernel size. */
  stride?: Size | null;
  /** Implicit -inf padding on both sides (at most half the kernel size). Default 0. */
  padding?: Size;
  /** Spacing between window elements. Default 1. */
  dilation?: Size;
  /** Also return the flat per-plane index of each maximum (for MaxUnpool). Default false. */
  returnIndices?: R;
  /** Use ceil instead of floor for the output size. Default false. */
  ceilMode?: boolean;
}

/** PyTorch's `stride if (stride is not None) else kernel_size` (an empty list also means the default). */
function defaultStride(stride: Size | null | undefined, kernelSize: Size): Size {
  return stride === undefined || stride === null || (Array.isArray(stride) && stride.length === 0)
    ? kernelSize
    : stride;
}

const MAXP = [null, maxPool1d, maxPool2d, maxPool3d] as const;

/** Shared state of the max pools (PyTorch's _MaxPoolNd). */
export abstract class MaxPoolNd<R extends boolean = false> extends Module {
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Size;
  readonly dilation: Size;
  readonly returnIndices: R;
  readonly ceilMode: boolean;
  readonly _sd: number;

  constructor(sd: number, kernelSize: Size, opts: MaxPoolModuleOptions<R> = {}) {
    super();
    const name = this._getName();
    ntuple(name, 'kernelSize', kernelSize, sd);
    const stride = defaultStride(opts.stride, kernelSize);
    ntuple(name, 'stride', stride, sd);
    ntuple(name, 'padding', opts.padding ?? 0, sd);
    ntuple(name, 'dilation', opts.dilation ?? 1, sd);
    this._sd = sd;
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.returnIndices = (opts.returnIndices ?? false) as R;
    this.ceilMode = opts.ceilMode ?? false;
  }

  override forward(input: Tensor): MaxPoolResult<R> {
    spatialRank(this._getName(), input, this._sd);
    const f = MAXP[this._sd] as NonNullable<(typeof MAXP)[1]>;
    return f(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
      returnIndices: this.returnIndices,
    }) as MaxPoolResult<R>;
  }

  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}, dilation=${pyRepr(this.dilation)}, ceil_mode=${pyRepr(this.ceilMode)}`;
  }
}

/**
 * 1-D max pooling: (N, C, L_in) or (C, L_in) → (N, C, L_out),
 * L_out = ⌊(L_in + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1 (⌈⌉ with ceilMode).
 * @example
 * const pool = new MaxPool1d(3, { stride: 2 });
 * pool.call(randn(20, 16, 50)).shape; // [20, 16, 24]
 */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: Size, opts: MaxPoolModuleOptions<R> = {}) {
    super(1, kernelSize, opts);
  }
}

/**
 * 2-D max pooling: (N, C, H_in, W_in) or (C, H_in, W_in) → (N, C, H_out, W_out).
 * @example
 * const pool = new MaxPool2d(2, { returnIndices: true });
 * const [y, idx] = pool.call(randn(1, 3, 6, 4)); // y, idx: [1, 3, 3, 2]
 */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: Size, opts: MaxPoolModuleOptions<R> = {}) {
    super(2, kernelSize, opts);
  }
}

/**
 * 3-D max pooling: (N, C, D_in, H_in, W_in) or (C, D_in, H_in, W_in) → (N, C, D_out, H_out, W_out).
 * @example
 * const pool = new MaxPool3d([3, 2, 2], { stride: [2, 1, 2] });
 * pool.call(randn(20, 16, 50, 44, 31)).shape; // [20, 16, 24, 43, 15]
 */
export class MaxPool3d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: Size, opts: MaxPoolModuleOptions<R> = {}) {
    super(3, kernelSize, opts);
  }
}

/** Keyword options of AvgPool1d (AvgPool2d/3d add divisorOverride). */
export interface AvgPool1dModuleOptions {
  /** Window step; defaults to the kernel size. */
  stride?: Size | null;
  /** Implicit zero padding on both sides (at most half the kernel size). Default 0. */
  padding?: Size;
  /** Use ceil instead of floor for the output size. Default false. */
  ceilMode?: boolean;
  /** Count the zero padding in the averaging divisor. Default true. */
  countIncludePad?: boolean;
}

/** Keyword options of AvgPool2d/3d. */
export interface AvgPoolModuleOptions extends AvgPool1dModuleOptions {
  /** Divide every window sum by this instead of the window size. Default null. */
  divisorOverride?: number | null;
}

/**
 * 1-D average pooling: (N, C, L_in) or (C, L_in) → (N, C, L_out),
 * L_out = ⌊(L_in + 2·padding − kernel_size) / stride⌋ + 1.
 * @example
 * const pool = new AvgPool1d(3, { stride: 2 });
 * pool.call(tensor([[[1, 2, 3, 4, 5, 6, 7]]])); // [[[2, 4, 6]]]
 */
export class AvgPool1d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: Size, opts: AvgPool1dModuleOptions = {}) {
    super();
    const name = this._getName();
    this.kernelSize = ntuple(name, 'kernelSize', kernelSize, 1);
    this.stride = ntuple(name, 'stride', defaultStride(opts.stride, kernelSize), 1);
    this.padding = ntuple(name, 'padding', opts.padding ?? 0, 1);
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
  }

  override forward(input: Tensor): Tensor {
    spatialRank(this._getName(), input, 1);
    return avgPool1d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}

const AVGP = [null, null, avgPool2d, avgPool3d] as const;

/** Shared state of AvgPool2d/3d. */
export abstract class AvgPoolNd extends Module {
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Size;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  readonly _sd: number;

  constructor(sd: number, kernelSize: Size, opts: AvgPoolModuleOptions = {}) {
    super();
    const name = this._getName();
    ntuple(name, 'kernelSize', kernelSize, sd);
    const stride = defaultStride(opts.stride, kernelSize);
    ntuple(name, 'stride', stride, sd);
    ntuple(name, 'padding', opts.padding ?? 0, sd);
    if (opts.divisorOverride === 0) throw new RangeError(`${name}: divisorOverride must not be zero`);
    this._sd = sd;
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  override forward(input: Tensor): Tensor {
    spatialRank(this._getName(), input, this._sd);
    const f = AVGP[this._sd] as NonNullable<(typeof AVGP)[2]>;
    return f(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}

/**
 * 2-D average pooling: (N, C, H_in, W_in) or (C, H_in, W_in) → (N, C, H_out, W_out).
 * @example
 * const pool = new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false });
 * pool.call(randn(2, 2, 7, 7)).shape; // [2, 2, 4, 4]
 */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: Size, opts: AvgPoolModuleOptions = {}) {
    super(2, kernelSize, opts);
  }
}

/**
 * 3-D average pooling: (N, C, D_in, H_in, W_in) or (C, D_in, H_in, W_in) → (N, C, D_out, H_out, W_out).
 * @example
 * const pool = new AvgPool3d([3, 2, 2], { stride: [2, 1, 2] });
 * pool.call(randn(20, 16, 50, 44, 31)).shape; // [20, 16, 24, 43, 15]
 */
export class AvgPool3d extends AvgPoolNd {
  constructor(kernelSize: Size, opts: AvgPoolModuleOptions = {}) {
    super(3, kernelSize, opts);
  }
}

/** Keyword options of LPPool1d/2d/3d. */
export interface LPPoolModuleOptions {
  /** Window step; defaults to the kernel size. */
  stride?: Size | null;
  /** Use ceil instead of floor for the output size. Default false. */
  ceilMode?: boolean;
}

/** Shared state of the power-average pools (PyTorch's _LPPoolNd). */
export abstract class LPPoolNd extends Module {
  readonly normType: number;
  readonly kernelSize: Size;
  readonly stride: Size | null;
  readonly ceilMode: boolean;
  readonly _sd: number;

  constructor(sd: number, normType: number, kernelSize: Size, opts: LPPoolModuleOptions = {}) {
    super();
    const name = this._getName();
    if (typeof normType !== 'number' || Number.isNaN(normType) || normType === 0) {
      throw new RangeError(`${name}: normType must be a non-zero number, got ${normType}`);
    }
    ntuple(name, 'kernelSize', kernelSize, sd);
    const stride = defaultStride(opts.stride, kernelSize);
    ntuple(name, 'stride', stride, sd);
    this._sd = sd;
    this.normType = normType;
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? null;
    this.ceilMode = opts.ceilMode ?? false;
  }

  override forward(input: Tensor): Tensor {
    return lpPoolNd(this._getName(), this._sd, input, this.normType, this.kernelSize, {
      stride: this.stride,
      ceilMode: this.ceilMode,
    });
  }

  override extraRepr(): string {
    return `norm_type=${pyRepr(this.normType)}, kernel_size=${pyRepr(this.kernelSize)}, stride=${pyRepr(this.stride)}, ceil_mode=${pyRepr(this.ceilMode)}`;
  }
}

/**
 * 1-D power-average pooling, (Σ_window x^p)^(1/p) (p = ∞ would be max pooling, p = 1 sum pooling):
 * (N, C, L_in) or (C, L_in) → (N, C, L_out).
 * @example
 * const pool = new LPPool1d(2, 3, { stride: 2 });
 * pool.call(randn(20, 16, 50)).shape; // [20, 16, 24]
 */
export class LPPool1d extends LPPoolNd {
  constructor(normType: number, kernelSize: Size, opts: LPPoolModuleOptions = {}) {
    super(1, normType, kernelSize, opts);
  }
}

/**
 * 2-D power-average pooling: (N, C, H_in, W_in) or (C, H_in, W_in) → (N, C, H_out, W_out).
 * @example
 * const pool = new LPPool2d(1.2, [3, 2], { stride: [2, 1] });
 * pool.call(randn(20, 16, 50, 32)).shape; // [20, 16, 24, 31]
 */
export class LPPool2d extends LPPoolNd {
  constructor(normType: number, kernelSize: Size, opts: LPPoolModuleOptions = {}) {
    super(2, normType, kernelSize, opts);
  }
}

/**
 * 3-D power-average pooling: (N, C, D_in, H_in, W_in) or (C, D_in, H_in, W_in) → (N, C, D_out, H_out, W_out).
 * @example
 * const pool = new LPPool3d(2, 2);
 * pool.call(randn(1, 2, 4, 4, 4)).shape; // [1, 2, 2, 2, 2]
 */
export class LPPool3d extends LPPoolNd {
  constructor(normType: number, kernelSize: Size, opts: LPPoolModuleOptions = {}) {
    super(3, normType, kernelSize, opts);
  }
}

/** Keyword options of MaxUnpool1d/2d/3d. */
export interface MaxUnpoolModuleOptions {
  /** The pooling stride; defaults to the kernel size. */
  stride?: Size | null;
  /** The pooling padding. Default 0. */
  padding?: Size;
}

/** Shared state of the max unpools (PyTorch's _MaxUnpoolNd). */
export abstract class MaxUnpoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly _sd: number;

  constructor(sd: number, kernelSize: Size, opts: MaxUnpoolModuleOptions = {}) {
    super();
    const name = this._getName();
    this._sd = sd;
    this.kernelSize = ntuple(name, 'kernelSize', kernelSize, sd);
    this.stride = ntuple(name, 'stride', defaultStride(opts.stride, kernelSize), sd);
    this.padding = ntuple(name, 'padding', opts.padding ?? 0, sd);
  }

  /**
   * @param input pooled values (N, C, *S_in) or (C, *S_in)
   * @param indices the max pool's indices, same shape as input
   * @param outputSize the exact output size (spatial, or with the leading dims); default
   *   (in − 1)·stride − 2·padding + kernel_size per dim
   */
  override forward(input: Tensor, indices: Tensor, outputSize?: readonly number[] | null): Tensor {
    return maxUnpoolNd(this._getName(), this._sd, input, indices, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      outputSize,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}

/**
 * The partial inverse of MaxPool1d: maxima go back to their indices, every other position is 0.
 * (N, C, L_in) or (C, L_in) → (N, C, L_out), L_out = (L_in − 1)·stride − 2·padding + kernel_size.
 * @example
 * const pool = new MaxPool1d(2, { stride: 2, returnIndices: true });
 * const unpool = new MaxUnpool1d(2, { stride: 2 });
 * const [y, idx] = pool.call(tensor([[[1, 2, 3, 4, 5, 6, 7, 8]]]));
 * unpool.call(y, idx); // [[[0, 2, 0, 4, 0, 6, 0, 8]]]
 */
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: Size, opts: MaxUnpoolModuleOptions = {}) {
    super(1, kernelSize, opts);
  }
}

/**
 * The partial inverse of MaxPool2d: (N, C, H_in, W_in) or (C, H_in, W_in) → (N, C, H_out, W_out).
 * Pass `outputSize` to undo a pool whose floor dropped a row or column.
 * @example
 * const unpool = new MaxUnpool2d(2);
 * unpool.call(y, idx, [5, 5]); // y, idx from MaxPool2d(2, { returnIndices: true }) on a 5×5 input
 */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: Size, opts: MaxUnpoolModuleOptions = {}) {
    super(2, kernelSize, opts);
  }
}

/**
 * The partial inverse of MaxPool3d: (N, C, D_in, H_in, W_in) or (C, D_in, H_in, W_in) → (N, C, D_out, H_out, W_out).
 * @example
 * const unpool = new MaxUnpool3d(3, { stride: 2 });
 * unpool.call(y, idx).shape; // [20, 16, 51, 33, 15] for y of shape [20, 16, 25, 16, 7]
 */
export class MaxUnpool3d extends MaxUnpoolNd {
  constructor(kernelSize: Size, opts: MaxUnpoolModuleOptions = {}) {
    super(3, kernelSize, opts);
  }
}
