/** Upsampling layers: Upsample, UpsamplingNearest2d, UpsamplingBilinear2d (torch.nn.modules.upsampling). */
import type { Tensor } from '@kindling/tensor';
import { Module } from '../module.js';
import { pyFloat } from '../repr.js';
import { type InterpolateMode, interpolate } from './functional/interpolate.js';
import { pyTuple } from './py-format.js';
import { renamed } from './renamed-error.js';

/** Keyword options of Upsample: exactly one of size and scaleFactor. */
export interface UpsampleModuleOptions {
  /** Output spatial size: one number for every spatial dim, or one per dim. */
  size?: number | readonly number[] | null;
  /** Multiplier of the spatial size: one for every spatial dim, or one per dim. */
  scaleFactor?: number | readonly number[] | null;
  /** 'nearest' (default), 'linear' (3-D input), 'bilinear' / 'bicubic' (4-D), 'trilinear' (5-D), 'nearest-exact', 'area'. */
  mode?: InterpolateMode;
  /** Interpolating modes only: align the corner pixels' centres instead of their edges. Default false. */
  alignCorners?: boolean | null;
  /** Interpolate with the scale implied by the computed output size instead of scaleFactor. */
  recomputeScaleFactor?: boolean | null;
}

/**
 * Upsamples (N, C, W_in), (N, C, H_in, W_in) or (N, C, D_in, H_in, W_in) to `size` or
 * ⌊in · scaleFactor⌋ per spatial dim, with F.interpolate.
 * @example
 * const up = new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true });
 * up.call(randn(1, 2, 3, 3)).shape; // [1, 2, 6, 6]
 */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor(opts: UpsampleModuleOptions = {}) {
    super();
    this.size = opts.size ?? null;
    this.scaleFactor = opts.scaleFactor ?? null;
    this.mode = opts.mode ?? 'nearest';
    this.alignCorners = opts.alignCorners ?? null;
    this.recomputeScaleFactor = opts.recomputeScaleFactor ?? null;
  }

  override forward(input: Tensor): Tensor {
    return renamed(this._getName(), 'interpolate', () =>
      interpolate(input, {
        size: this.size,
        scaleFactor: this.scaleFactor,
        mode: this.mode,
        alignCorners: this.alignCorners,
        recomputeScaleFactor: this.recomputeScaleFactor,
      }),
    );
  }

  override extraRepr(): string {
    const sf = this.scaleFactor;
    const info =
      sf !== null
        ? `scale_factor=${typeof sf === 'number' ? pyFloat(sf) : `(${sf.map(pyFloat).join(', ')}${sf.length === 1 ? ',' : ''})`}`
        : `size=${typeof this.size === 'number' ? this.size : this.size === null ? 'None' : pyTuple(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
}

/**
 * 2-D nearest-neighbour upsampling (PyTorch keeps it for compatibility; prefer Upsample).
 * (N, C, H_in, W_in) → (N, C, H_out, W_out).
 * @example
 * new UpsamplingNearest2d({ scaleFactor: 2 }).call(randn(1, 1, 2, 2)).shape; // [1, 1, 4, 4]
 */
export class UpsamplingNearest2d extends Upsample {
  constructor(
    opts: { size?: number | readonly number[] | null; scaleFactor?: number | readonly number[] | null } = {},
  ) {
    super({ size: opts.size, scaleFactor: opts.scaleFactor, mode: 'nearest' });
  }
}

/**
 * 2-D bilinear upsampling with alignCorners true (PyTorch keeps it for compatibility; prefer
 * Upsample). (N, C, H_in, W_in) → (N, C, H_out, W_out).
 * @example
 * new UpsamplingBilinear2d({ scaleFactor: 2 }).call(randn(1, 1, 2, 2)).shape; // [1, 1, 4, 4]
 */
export class UpsamplingBilinear2d extends Upsample {
  constructor(
    opts: { size?: number | readonly number[] | null; scaleFactor?: number | readonly number[] | null } = {},
  ) {
    super({ size: opts.size, scaleFactor: opts.scaleFactor, mode: 'bilinear', alignCorners: true });
  }
}
