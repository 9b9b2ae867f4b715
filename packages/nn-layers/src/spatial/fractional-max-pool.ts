/** Fractional max pooling layers (torch.nn.FractionalMaxPool2d/3d). */
import type { Tensor } from '@kindling/tensor';
import { Module } from '../module.js';
import { fractionalMaxPoolNd } from './functional/fractional.js';
import { ntuple, type Size } from './ntuple.js';

/** What a fractional max pool returns: the pooled tensor, or [values, indices] with returnIndices. */
export type FractionalMaxPoolResult<R extends boolean> = R extends true
  ? [Tensor, Tensor]
  : R extends false
    ? Tensor
    : Tensor | [Tensor, Tensor];

/** Keyword options of FractionalMaxPool2d/3d: exactly one of outputSize and outputRatio. */
export interface FractionalMaxPoolModuleOptions<R extends boolean = boolean> {
  /** The output size (one number for every spatial dim, or one per dim). */
  outputSize?: Size | null;
  /** The output size as a fraction of the input size, each in (0, 1). */
  outputRatio?: number | readonly number[] | null;
  /** Also return the flat per-plane index of each maximum (for MaxUnpool). Default false. */
  returnIndices?: R;
  /**
   * Fixed window-placement samples of shape (N, C, sd) (PyTorch's `_random_samples`, kept as the
   * buffer `_random_samples`); without them every call draws new ones from the default generator.
   */
  randomSamples?: Tensor | null;
}

/** Shared state of the fractional max pools. */
export abstract class FractionalMaxPoolNd<R extends boolean = false> extends Module {
  readonly kernelSize: number[];
  readonly outputSize: number[] | null;
  readonly outputRatio: number[] | null;
  readonly returnIndices: R;
  readonly _sd: number;
  declare _random_samples: Tensor | null;

  constructor(sd: number, kernelSize: Size, opts: FractionalMaxPoolModuleOptions<R> = {}) {
    super();
    const name = this._getName();
    this._sd = sd;
    this.kernelSize = ntuple(name, 'kernelSize', kernelSize, sd);
    if (this.kernelSize.some((k) => k <= 0))
      throw new RangeError(`${name}: kernelSize must be positive, got [${this.kernelSize.join(', ')}]`);
    const hasSize = opts.outputSize !== undefined && opts.outputSize !== null;
    const hasRatio = opts.outputRatio !== undefined && opts.outputRatio !== null;
    if (!hasSize && !hasRatio)
      throw new RangeError(`${name} requires specifying either an output size, or a pooling ratio`);
    if (hasSize && hasRatio)
      throw new RangeError(`${name}: only one of outputSize and outputRatio may be specified`);
    this.outputSize = hasSize ? ntuple(name, 'outputSize', opts.outputSize as Size, sd) : null;
    if (hasRatio) {
      const r = opts.outputRatio as number | readonly number[];
      const ratio = typeof r === 'number' ? new Array<number>(sd).fill(r) : [...r];
      if (ratio.length !== sd || ratio.some((v) => !(v > 0 && v < 1))) {
        throw new RangeError(
          `${name}: outputRatio must be between 0 and 1 (got ${typeof r === 'number' ? r : `[${r.join(', ')}]`})`,
        );
      }
      this.outputRatio = ratio;
    } else this.outputRatio = null;
    this.returnIndices = (opts.returnIndices ?? false) as R;
    this.registerBuffer('_random_samples', opts.randomSamples ?? null);
  }

  override forward(input: Tensor): FractionalMaxPoolResult<R> {
    return fractionalMaxPoolNd(this._getName(), this._sd, input, this.kernelSize, {
      outputSize: this.outputSize,
      outputRatio: this.outputRatio,
      returnIndices: this.returnIndices,
      randomSamples: this._random_samples,
    }) as FractionalMaxPoolResult<R>;
  }
}

/**
 * 2-D fractional max pooling (Graham, 2014): max over kernel windows placed at pseudo-random,
 * increasing offsets so that the output reaches `outputSize` or input size × `outputRatio`.
 * (N, C, H_in, W_in) or (C, H_in, W_in) → (N, C, H_out, W_out).
 * @example
 * const pool = new FractionalMaxPool2d(3, { outputRatio: [0.5, 0.5] });
 * pool.call(randn(20, 16, 50, 32)).shape; // [20, 16, 25, 16]
 */
export class FractionalMaxPool2d<R extends boolean = false> extends FractionalMaxPoolNd<R> {
  constructor(kernelSize: Size, opts: FractionalMaxPoolModuleOptions<R> = {}) {
    super(2, kernelSize, opts);
  }
}

/**
 * 3-D fractional max pooling: (N, C, T_in, H_in, W_in) or (C, T_in, H_in, W_in) → (N, C, T_out, H_out, W_out).
 * @example
 * const pool = new FractionalMaxPool3d(3, { outputSize: [13, 12, 11] });
 * pool.call(randn(20, 16, 50, 32, 16)).shape; // [20, 16, 13, 12, 11]
 */
export class FractionalMaxPool3d<R extends boolean = false> extends FractionalMaxPoolNd<R> {
  constructor(kernelSize: Size, opts: FractionalMaxPoolModuleOptions<R> = {}) {
    super(3, kernelSize, opts);
  }
}
