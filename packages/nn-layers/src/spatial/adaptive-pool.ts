/** Adaptive pooling layers: a fixed output size for any input size (torch.nn.AdaptiveAvgPoolNd, AdaptiveMaxPoolNd). */
import type { Tensor } from '@kindling/tensor';
import { Module } from '../module.js';
import { type AdaptiveSize, adaptiveAvgPoolNd, adaptiveMaxPoolNd } from './functional/pool.js';
import { pyTuple } from './py-format.js';

function checkOutputSize(name: string, sd: number, outputSize: AdaptiveSize): void {
  const list = Array.isArray(outputSize) ? outputSize : [outputSize];
  if (Array.isArray(outputSize) && outputSize.length !== sd && !(outputSize.length === 1 && sd === 1)) {
    throw new RangeError(
      `${name}: outputSize must be a number or a list of ${sd} numbers (null keeps the input size), got ${pyTuple(outputSize)}`,
    );
  }
  if (list.some((v) => v !== null && (!Number.isInteger(v) || (v as number) < 0))) {
    throw new RangeError(
      `${name}: outputSize entries must be non-negative integers or null, got ${Array.isArray(outputSize) ? pyTuple(outputSize) : outputSize}`,
    );
  }
}

const reprSize = (s: AdaptiveSize): string =>
  Array.isArray(s) ? pyTuple(s) : s === null ? 'None' : String(s);

/** Shared state of the adaptive average pools. */
export abstract class AdaptiveAvgPoolNd extends Module {
  readonly outputSize: AdaptiveSize;
  readonly _sd: number;

  constructor(sd: number, outputSize: AdaptiveSize) {
    super();
    checkOutputSize(this._getName(), sd, outputSize);
    this._sd = sd;
    this.outputSize = outputSize;
  }

  override forward(input: Tensor): Tensor {
    return adaptiveAvgPoolNd(this._getName(), this._sd, input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${reprSize(this.outputSize)}`;
  }
}

/**
 * 1-D adaptive average pooling: (N, C, L_in) or (C, L_in) → (N, C, L_out); output cell i averages
 * input [⌊i·L_in/L_out⌋, ⌈(i+1)·L_in/L_out⌉).
 * @example
 * new AdaptiveAvgPool1d(5).call(randn(1, 64, 8)).shape; // [1, 64, 5]
 */
export class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize) {
    super(1, outputSize);
  }
}

/**
 * 2-D adaptive average pooling: (N, C, H_in, W_in) or (C, H_in, W_in) → (N, C, H_out, W_out);
 * a `null` entry keeps that input size.
 * @example
 * new AdaptiveAvgPool2d([5, null]).call(randn(1, 64, 10, 9)).shape; // [1, 64, 5, 9]
 */
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize) {
    super(2, outputSize);
  }
}

/**
 * 3-D adaptive average pooling: (N, C, D_in, H_in, W_in) or (C, D_in, H_in, W_in) → (N, C, D_out, H_out, W_out).
 * @example
 * new AdaptiveAvgPool3d([5, 7, 9]).call(randn(1, 64, 8, 9, 10)).shape; // [1, 64, 5, 7, 9]
 */
export class AdaptiveAvgPool3d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize) {
    super(3, outputSize);
  }
}

/** What an adaptive max pool returns: the pooled tensor, or [values, indices] with returnIndices. */
export type AdaptiveMaxPoolResult<R extends boolean> = R extends true
  ? [Tensor, Tensor]
  : R extends false
    ? Tensor
    : Tensor | [Tensor, Tensor];

/** Keyword options of AdaptiveMaxPool1d/2d/3d. */
export interface AdaptiveMaxPoolModuleOptions<R extends boolean = boolean> {
  /** Also return the flat per-plane index of each maximum (for MaxUnpool). Default false. */
  returnIndices?: R;
}

/** Shared state of the adaptive max pools. */
export abstract class AdaptiveMaxPoolNd<R extends boolean = false> extends Module {
  readonly outputSize: AdaptiveSize;
  readonly returnIndices: R;
  readonly _sd: number;

  constructor(sd: number, outputSize: AdaptiveSize, opts: AdaptiveMaxPoolModuleOptions<R> = {}) {
    super();
    checkOutputSize(this._getName(), sd, outputSize);
    this._sd = sd;
    this.outputSize = outputSize;
    this.returnIndices = (opts.returnIndices ?? false) as R;
  }

  override forward(input: Tensor): AdaptiveMaxPoolResult<R> {
    return adaptiveMaxPoolNd(
      this._getName(),
      this._sd,
      input,
      this.outputSize,
      this.returnIndices,
    ) as AdaptiveMaxPoolResult<R>;
  }

  override extraRepr(): string {
    return `output_size=${reprSize(this.outputSize)}`;
  }
}

/**
 * 1-D adaptive max pooling: (N, C, L_in) or (C, L_in) → (N, C, L_out), with the argmax indices
 * when `returnIndices`.
 * @example
 * new AdaptiveMaxPool1d(5).call(randn(1, 64, 8)).shape; // [1, 64, 5]
 */
export class AdaptiveMaxPool1d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  constructor(outputSize: AdaptiveSize, opts: AdaptiveMaxPoolModuleOptions<R> = {}) {
    super(1, outputSize, opts);
  }
}

/**
 * 2-D adaptive max pooling: (N, C, H_in, W_in) or (C, H_in, W_in) → (N, C, H_out, W_out); indices
 * are h·W_in + w.
 * @example
 * const [y, idx] = new AdaptiveMaxPool2d(1, { returnIndices: true }).call(randn(2, 2, 5, 4));
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  constructor(outputSize: AdaptiveSize, opts: AdaptiveMaxPoolModuleOptions<R> = {}) {
    super(2, outputSize, opts);
  }
}

/**
 * 3-D adaptive max pooling: (N, C, D_in, H_in, W_in) or (C, D_in, H_in, W_in) → (N, C, D_out, H_out, W_out).
 * @example
 * new AdaptiveMaxPool3d([5, 7, 9]).call(randn(1, 64, 8, 9, 10)).shape; // [1, 64, 5, 7, 9]
 */
export class AdaptiveMaxPool3d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  constructor(outputSize: AdaptiveSize, opts: AdaptiveMaxPoolModuleOptions<R> = {}) {
    super(3, outputSize, opts);
  }
}
