import type { Tensor } from '@kindling/tensor';
import { groupNorm, localResponseNorm } from '../functional/normalization.js';
import { ones_, zeros_ } from '../init.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { pyFloat, pyRepr } from '../repr.js';
import { type FactoryOptions, fmt, newParam } from './factory.js';

/**
 * Group normalisation (torch.nn.GroupNorm): the C channels split into numGroups groups, each
 * normalised per sample over its channels and spatial positions, then scaled and shifted per
 * channel (γ = 1, β = 0 initially).
 *
 * Input: (N, C, *). Output: same shape.
 *
 * @example
 * new GroupNorm(3, 6).call(randn(20, 6, 10, 10));
 */
export class GroupNorm extends Module {
  numGroups: number;
  numChannels: number;
  eps: number;
  affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(
    numGroups: number,
    numChannels: number,
    o: FactoryOptions & { eps?: number; affine?: boolean } = {},
  ) {
    super();
    if (numChannels % numGroups !== 0) throw new RangeError('num_channels must be divisible by num_groups');
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = o.eps ?? 1e-5;
    this.affine = o.affine ?? true;
    if (this.affine) {
      this.weight = newParam([numChannels], o);
      this.bias = newParam([numChannels], o);
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    if (input.ndim < 2 || input.shape[1] !== this.numChannels) {
      throw new RangeError(
        `${this.toString()}: expected input of shape [N, ${this.numChannels}, *], got ${fmt(input.shape)}`,
      );
    }
    return groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyRepr(this.affine)}`;
  }
}

/**
 * Local response normalisation across channels (torch.nn.LocalResponseNorm):
 * b_c = a_c / (k + alpha/n · Σ a_{c'}²)^beta over the n = size channels around c.
 *
 * Input: (N, C, *). Output: same shape.
 *
 * @example
 * new LocalResponseNorm(2).call(randn(32, 5, 24, 24));
 */
export class LocalResponseNorm extends Module {
  size: number;
  alpha: number;
  beta: number;
  k: number;

  constructor(size: number, o: { alpha?: number; beta?: number; k?: number } = {}) {
    super();
    this.size = size;
    this.alpha = o.alpha ?? 1e-4;
    this.beta = o.beta ?? 0.75;
    this.k = o.k ?? 1;
  }

  override forward(input: Tensor): Tensor {
    if (input.ndim < 3) {
      throw new RangeError(
        `${this.toString()}: expected 3D or higher dimensionality input (got ${input.ndim} dimensions, shape ${fmt(input.shape)})`,
      );
    }
    return localResponseNorm(input, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}
