import type { Tensor } from '@kindling/tensor';
import {
  alphaDropout,
  type DropoutOptions,
  dropout,
  dropout1d,
  dropout2d,
  dropout3d,
  featureAlphaDropout,
} from '../functional/dropout.js';
import { Module } from '../module.js';
import { kw } from './factory.js';
import { pyFloat, pyRepr } from '../repr.js';

type DropoutFn = (x: Tensor, o: DropoutOptions) => Tensor;

abstract class DropoutBase extends Module {
  p: number;
  inplace: boolean;
  protected abstract readonly fn: DropoutFn;

  constructor(opts: { p?: number; inplace?: boolean } | number = {}) {
    super();
    const o = kw(opts, 'p');
    this.p = o.p ?? 0.5;
    this.inplace = o.inplace ?? false;
    if (!(this.p >= 0 && this.p <= 1)) {
      throw new RangeError(`dropout probability has to be between 0 and 1, but got ${this.p}`);
    }
  }

  override forward(input: Tensor): Tensor {
    return this.fn(input, { p: this.p, training: this.training, inplace: this.inplace });
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyRepr(this.inplace)}`;
  }
}

/**
 * In training, zero each element with probability p (default 0.5) and scale the others by
 * 1/(1 − p), drawing from the default generator (torch.nn.Dropout); the identity in eval.
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * const drop = new Dropout({ p: 0.2 });
 * drop.call(x); drop.eval(); drop.call(x); // x
 */
export class Dropout extends DropoutBase {
  protected readonly fn: DropoutFn = dropout;
}

/**
 * Zero whole channels (torch.nn.Dropout1d). Input: (N, C, L) or (C, L). Output: same shape.
 *
 * @example
 * new Dropout1d({ p: 0.2 }).call(randn(20, 16, 32));
 */
export class Dropout1d extends DropoutBase {
  protected readonly fn: DropoutFn = dropout1d;
}

/**
 * Zero whole channels (torch.nn.Dropout2d). Input: (N, C, H, W) or (N, C, L). Output: same shape.
 *
 * @example
 * new Dropout2d({ p: 0.2 }).call(randn(20, 16, 32, 32));
 */
export class Dropout2d extends DropoutBase {
  protected readonly fn: DropoutFn = dropout2d;
}

/**
 * Zero whole channels (torch.nn.Dropout3d). Input: (N, C, D, H, W) or (C, D, H, W). Output: same shape.
 *
 * @example
 * new Dropout3d({ p: 0.2 }).call(randn(20, 16, 4, 32, 32));
 */
export class Dropout3d extends DropoutBase {
  protected readonly fn: DropoutFn = dropout3d;
}

/**
 * Dropout for SELU networks (torch.nn.AlphaDropout): dropped elements take SELU's negative
 * saturation value and the result is affinely rescaled to keep mean 0 and variance 1.
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new AlphaDropout({ p: 0.2 }).call(randn(20, 16));
 */
export class AlphaDropout extends DropoutBase {
  protected readonly fn: DropoutFn = alphaDropout;
}

/**
 * AlphaDropout over whole channels (torch.nn.FeatureAlphaDropout).
 *
 * Input: (N, C, *) . Output: same shape.
 *
 * @example
 * new FeatureAlphaDropout({ p: 0.2 }).call(randn(20, 16, 4, 32, 32));
 */
export class FeatureAlphaDropout extends DropoutBase {
  protected readonly fn: DropoutFn = featureAlphaDropout;
}
