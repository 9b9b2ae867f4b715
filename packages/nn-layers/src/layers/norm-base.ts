import { type Tensor, tensor } from '@kindling/tensor';
import { ones_, zeros_ } from '../init.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { pyFloat, pyRepr } from '../repr.js';
import { type FactoryOptions, fmt, newBuffer, newParam } from './factory.js';

export interface NormOptions extends FactoryOptions {
  eps?: number;
  /** Weight of each batch in the running statistics; null: cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale (weight) and shift (bias). */
  affine?: boolean;
  /** Keep running_mean / running_var (and num_batches_tracked) buffers. */
  trackRunningStats?: boolean;
}

/**
 * What BatchNorm and InstanceNorm share (PyTorch's _NormBase): weight/bias parameters and the
 * running_mean, running_var and num_batches_tracked buffers, under PyTorch's state-dict keys.
 */
export abstract class NormBase extends Module {
  numFeatures: number;
  eps: number;
  momentum: number | null;
  affine: boolean;
  trackRunningStats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(
    numFeatures: number,
    o: NormOptions,
    defaults: { affine: boolean; trackRunningStats: boolean },
  ) {
    super();
    this.numFeatures = numFeatures;
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    this.affine = o.affine ?? defaults.affine;
    this.trackRunningStats = o.trackRunningStats ?? defaults.trackRunningStats;
    if (this.affine) {
      this.weight = newParam([numFeatures], o);
      this.bias = newParam([numFeatures], o);
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', newBuffer([numFeatures], 0, o));
      this.registerBuffer('running_var', newBuffer([numFeatures], 1, o));
      this.registerBuffer('num_batches_tracked', tensor(0, { dtype: 'int32', device: o.device ?? 'cpu' }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    this.resetParameters();
  }

  /** running_mean (camelCase alias). */
  get runningMean(): Tensor | null {
    return this._buffers.get('running_mean') ?? null;
  }
  /** running_var (camelCase alias). */
  get runningVar(): Tensor | null {
    return this._buffers.get('running_var') ?? null;
  }
  /** num_batches_tracked (camelCase alias). */
  get numBatchesTracked(): Tensor | null {
    return this._buffers.get('num_batches_tracked') ?? null;
  }

  /** Running mean 0, running variance 1, num_batches_tracked 0. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    this.runningMean?.zero_();
    this.runningVar?.fill_(1);
    this.numBatchesTracked?.zero_();
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  /** Check the rank (PyTorch's _check_input_dim) and the channel count. */
  protected checkInput(input: Tensor, ranks: readonly number[], channelDim: number): void {
    if (!ranks.includes(input.ndim)) {
      const want = ranks.map((r) => `${r}D`).join(' or ');
      throw new RangeError(
        `${this._getName()}: expected ${want} input (got ${input.ndim}D input of shape ${fmt(input.shape)})`,
      );
    }
    const c = input.shape[channelDim];
    if (c !== this.numFeatures && (this.affine || this.trackRunningStats)) {
      throw new RangeError(
        `${this.toString()}: expected input with ${this.numFeatures} channels at dim ${channelDim}, got input of shape ${fmt(input.shape)}`,
      );
    }
  }

  /** Old checkpoints lack num_batches_tracked; PyTorch then keeps the module's own. */
  override _optionalStateKeys(): readonly string[] {
    return ['num_batches_tracked'];
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${pyRepr(this.affine)}, track_running_stats=${pyRepr(this.trackRunningStats)}`;
  }
}
