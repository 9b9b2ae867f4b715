import type { Tensor } from '@kindling/tensor';
import { layerNorm, rmsNorm } from '../functional/normalization.js';
import { ones_, zeros_ } from '../init.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { pyFloat, pyRepr, pyTuple } from '../repr.js';
import { type FactoryOptions, fmt, newParam } from './factory.js';

export interface LayerNormOptions extends FactoryOptions {
  eps?: number;
  /** Learn weight (and bias) of shape normalizedShape. Default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, learn the bias too. Default true. */
  bias?: boolean;
}

function checkTail(m: Module, input: Tensor, shape: readonly number[]): void {
  const k = shape.length;
  if (input.ndim < k || input.shape.slice(input.ndim - k).some((d, i) => d !== shape[i])) {
    throw new RangeError(
      `${m.toString()}: expected input of shape [*, ${shape.join(', ')}], got ${fmt(input.shape)}`,
    );
  }
}

/**
 * Layer normalisation over the trailing dims `normalizedShape` (torch.nn.LayerNorm):
 * y = (x − E[x]) / √(Var[x] + eps) · γ + β, statistics per sample, γ = 1 and β = 0 initially.
 *
 * Input: (N, *) ending in normalizedShape. Output: same shape.
 *
 * @example
 * const ln = new LayerNorm([10, 10]);
 * ln.call(randn(20, 5, 10, 10));
 */
export class LayerNorm extends Module {
  normalizedShape: number[];
  eps: number;
  elementwiseAffine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], o: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = o.eps ?? 1e-5;
    this.elementwiseAffine = o.elementwiseAffine ?? true;
    if (this.elementwiseAffine) {
      this.weight = newParam(this.normalizedShape, o);
      if (o.bias ?? true) this.bias = newParam(this.normalizedShape, o);
      else this.registerParameter('bias', null);
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
    checkTail(this, input, this.normalizedShape);
    return layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyRepr(this.elementwiseAffine)}`;
  }
}

export interface RMSNormOptions extends FactoryOptions {
  /** Added to the mean square; null (default): the input dtype's machine epsilon. */
  eps?: number | null;
  elementwiseAffine?: boolean;
}

/**
 * Root-mean-square normalisation over the trailing dims (torch.nn.RMSNorm):
 * y = x / √(mean(x²) + eps) · γ, γ = 1 initially.
 *
 * Input: (N, *) ending in normalizedShape. Output: same shape.
 *
 * @example
 * new RMSNorm([2, 3]).call(randn(2, 2, 3));
 */
export class RMSNorm extends Module {
  normalizedShape: number[];
  eps: number | null;
  elementwiseAffine: boolean;
  declare weight: Parameter | null;

  constructor(normalizedShape: number | readonly number[], o: RMSNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = o.eps ?? null;
    this.elementwiseAffine = o.elementwiseAffine ?? true;
    if (this.elementwiseAffine) this.weight = newParam(this.normalizedShape, o);
    else this.registerParameter('weight', null);
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.weight) ones_(this.weight);
  }

  override forward(input: Tensor): Tensor {
    checkTail(this, input, this.normalizedShape);
    return rmsNorm(input, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${this.eps === null ? 'None' : pyFloat(this.eps)}, elementwise_affine=${pyRepr(this.elementwiseAffine)}`;
  }
}
