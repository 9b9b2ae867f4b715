import type { Tensor } from '@kindling/tensor';
import { hardtanh, leakyRelu, prelu, relu, rrelu, threshold } from '../functional/activation.js';
import { constant_ } from '../init.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { pyFloat } from '../repr.js';
import { type FactoryOptions, kw, newParam } from './factory.js';

const inplaceOnly = (inplace: boolean) => (inplace ? 'inplace=True' : '');
const inplaceTail = (inplace: boolean) => (inplace ? ', inplace=True' : '');

/**
 * max(0, x) elementwise (torch.nn.ReLU); the gradient at 0 is 0.
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new ReLU().call(tensor([-1, 0, 2])); // [0, 0, 2]
 */
export class ReLU extends Module {
  inplace: boolean;
  constructor(o: { inplace?: boolean } | boolean = {}) {
    super();
    this.inplace = kw(o, 'inplace').inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return relu(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return inplaceOnly(this.inplace);
  }
}

export interface HardtanhOptions {
  minVal?: number;
  maxVal?: number;
  inplace?: boolean;
}

/**
 * Clamp to [minVal, maxVal] (torch.nn.Hardtanh, defaults −1 and 1); the gradient is 0 at the bounds.
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Hardtanh({ minVal: -2, maxVal: 2 }).call(x);
 */
export class Hardtanh extends Module {
  minVal: number;
  maxVal: number;
  inplace: boolean;
  constructor(o: HardtanhOptions = {}) {
    super();
    this.minVal = o.minVal ?? -1;
    this.maxVal = o.maxVal ?? 1;
    this.inplace = o.inplace ?? false;
    if (this.maxVal <= this.minVal)
      throw new RangeError(`Hardtanh: maxVal (${this.maxVal}) must be greater than minVal (${this.minVal})`);
  }
  override forward(input: Tensor): Tensor {
    return hardtanh(input, { minVal: this.minVal, maxVal: this.maxVal, inplace: this.inplace });
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${inplaceTail(this.inplace)}`;
  }
}

/**
 * min(max(0, x), 6) (torch.nn.ReLU6); the gradient is 0 at 0 and 6.
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new ReLU6().call(tensor([-1, 3, 8])); // [0, 3, 6]
 */
export class ReLU6 extends Hardtanh {
  constructor(o: { inplace?: boolean } | boolean = {}) {
    super({ minVal: 0, maxVal: 6, inplace: kw(o, 'inplace').inplace });
  }
  override extraRepr(): string {
    return inplaceOnly(this.inplace);
  }
}

export interface LeakyReLUOptions {
  negativeSlope?: number;
  inplace?: boolean;
}

/**
 * x for x > 0, negativeSlope·x otherwise (torch.nn.LeakyReLU, slope 0.01); the gradient at 0 is the slope.
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new LeakyReLU({ negativeSlope: 0.2 }).call(x);
 */
export class LeakyReLU extends Module {
  negativeSlope: number;
  inplace: boolean;
  constructor(opts: LeakyReLUOptions | number = {}) {
    super();
    const o = kw(opts, 'negativeSlope');
    this.negativeSlope = o.negativeSlope ?? 0.01;
    this.inplace = o.inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return leakyRelu(input, { negativeSlope: this.negativeSlope, inplace: this.inplace });
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${inplaceTail(this.inplace)}`;
  }
}

export interface PReLUOptions extends FactoryOptions {
  /** 1 (shared) or the number of channels (dim 1 of the input). Default 1. */
  numParameters?: number;
  /** Initial slope (default 0.25). */
  init?: number;
}

/**
 * Leaky ReLU with a learned slope: x for x > 0, a·x otherwise (torch.nn.PReLU). weight
 * [numParameters] starts at 0.25; with numParameters = C there is one slope per channel.
 *
 * Input: (*) (channels at dim 1 when 2-D or more). Output: (*), same shape.
 *
 * @example
 * const act = new PReLU({ numParameters: 16 });
 */
export class PReLU extends Module {
  numParameters: number;
  init: number;
  declare weight: Parameter;
  constructor(opts: PReLUOptions | number = {}) {
    super();
    const o = kw(opts, 'numParameters');
    this.numParameters = o.numParameters ?? 1;
    this.init = o.init ?? 0.25;
    this.weight = newParam([this.numParameters], o);
    this.resetParameters();
  }
  resetParameters(): void {
    constant_(this.weight, this.init);
  }
  override forward(input: Tensor): Tensor {
    return prelu(input, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

export interface RReLUOptions {
  lower?: number;
  upper?: number;
  inplace?: boolean;
}

/**
 * Randomized leaky ReLU (torch.nn.RReLU): in training each non-positive element gets a slope
 * from U(lower, upper) (default 1/8, 1/3), drawn from the default generator; in eval the slope
 * is (lower + upper) / 2.
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * const act = new RReLU({ lower: 0.1, upper: 0.3 });
 */
export class RReLU extends Module {
  lower: number;
  upper: number;
  inplace: boolean;
  constructor(opts: RReLUOptions | number = {}) {
    super();
    const o = kw(opts, 'lower');
    this.lower = o.lower ?? 1 / 8;
    this.upper = o.upper ?? 1 / 3;
    this.inplace = o.inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return rrelu(input, {
      lower: this.lower,
      upper: this.upper,
      training: this.training,
      inplace: this.inplace,
    });
  }
  override extraRepr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${inplaceTail(this.inplace)}`;
  }
}

/**
 * x where x > threshold, else value (torch.nn.Threshold).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Threshold(0.1, 20).call(x);
 */
export class Threshold extends Module {
  threshold: number;
  value: number;
  inplace: boolean;
  constructor(threshold: number, value: number, o: { inplace?: boolean } = {}) {
    super();
    this.threshold = threshold;
    this.value = value;
    this.inplace = o.inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return threshold(input, this.threshold, this.value, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return `threshold=${this.threshold}, value=${this.value}${inplaceTail(this.inplace)}`;
  }
}
