import type { Tensor } from '@kindling/tensor';
import { bilinear, linear } from '../functional/linear.js';
import { kaimingUniform_, uniform_ } from '../init.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { pyRepr } from '../repr.js';
import { type FactoryOptions, fmt, newParam } from './factory.js';

/**
 * Returns its input unchanged (torch.nn.Identity); constructor arguments are ignored.
 *
 * Input: any. Output: the same tensor.
 *
 * @example
 * const head = useHead ? new Linear(8, 2) : new Identity();
 */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return input;
  }
}

export interface LinearOptions extends FactoryOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * y = x·Wᵀ + b (torch.nn.Linear). weight [outFeatures, inFeatures] ~ kaiming_uniform(a=√5),
 * bias [outFeatures] ~ U(−1/√inFeatures, 1/√inFeatures).
 *
 * Input: (*, H_in) with H_in = inFeatures. Output: (*, H_out) with H_out = outFeatures.
 *
 * @example
 * const fc = new Linear(20, 30);
 * fc.call(randn(128, 20)).shape; // [128, 30]
 */
export class Linear extends Module {
  inFeatures: number;
  outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, o: LinearOptions = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = newParam([outFeatures, inFeatures], o);
    if (o.bias ?? true) this.bias = newParam([outFeatures], o);
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  resetParameters(): void {
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const fanIn = this.weight.shape[1];
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    if (input.ndim === 0 || input.shape[input.ndim - 1] !== this.inFeatures) {
      throw new RangeError(
        `${this.toString()}: expected input of shape [*, ${this.inFeatures}], got ${fmt(input.shape)}`,
      );
    }
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyRepr(this.bias !== null)}`;
  }
}

/**
 * y = x1ᵀ·A·x2 + b (torch.nn.Bilinear). weight [out, in1, in2] and bias [out] ~ U(−1/√in1, 1/√in1).
 *
 * Input: (*, in1) and (*, in2). Output: (*, out).
 *
 * @example
 * const m = new Bilinear(20, 30, 40);
 * m.call(randn(128, 20), randn(128, 30)).shape; // [128, 40]
 */
export class Bilinear extends Module {
  in1Features: number;
  in2Features: number;
  outFeatures: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, o: LinearOptions = {}) {
    super();
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    this.weight = newParam([outFeatures, in1Features, in2Features], o);
    if (o.bias ?? true) this.bias = newParam([outFeatures], o);
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]);
    uniform_(this.weight, -bound, bound);
    if (this.bias) uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    const last = (t: Tensor) => (t.ndim ? t.shape[t.ndim - 1] : -1);
    if (last(input1) !== this.in1Features || last(input2) !== this.in2Features) {
      throw new RangeError(
        `${this.toString()}: expected inputs of shape [*, ${this.in1Features}] and [*, ${this.in2Features}], got ${fmt(input1.shape)} and ${fmt(input2.shape)}`,
      );
    }
    return bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyRepr(this.bias !== null)}`;
  }
}
