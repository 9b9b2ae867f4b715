import type { Tensor } from '@kindling/tensor';
import { checkBroadcastTarget, requireFloat, requireTensor } from '../common.js';
import { applyReduction, type ReductionOptions, resolveReduction } from '../reduction.js';

function prepare(where: string, input: Tensor, target: Tensor, opts: ReductionOptions | undefined) {
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input', input);
  requireFloat(where, 'target', target);
  const reduction = resolveReduction(where, opts);
  checkBroadcastTarget(where, input, target);
  return reduction;
}

/** F.l1_loss: |input - target|. */
export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const reduction = prepare('l1Loss', input, target, opts);
  return applyReduction(input.sub(target).abs(), reduction);
}

/** F.mse_loss: (input - target)^2. */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const reduction = prepare('mseLoss', input, target, opts);
  const d = input.sub(target);
  return applyReduction(d.mul(d), reduction);
}

export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss switches from quadratic to linear (default 1; 0 is L1). */
  beta?: number;
}

/** F.smooth_l1_loss: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta. */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1Options = {}): Tensor {
  const beta = opts.beta ?? 1;
  if (typeof beta !== 'number' || Number.isNaN(beta))
    throw new TypeError(`smoothL1Loss: beta must be a number, got ${beta}`);
  if (beta < 0) throw new RangeError(`smoothL1Loss does not support negative values for beta (got ${beta}).`);
  const reduction = prepare('smoothL1Loss', input, target, opts);
  const d = input.sub(target);
  if (beta === 0) return applyReduction(d.abs(), reduction);
  const z = d.abs();
  const quad = d.mul(d).mul(0.5).div(beta);
  const lin = z.sub(0.5 * beta);
  return applyReduction(quad.where(z.lt(beta), lin), reduction);
}

export interface HuberOptions extends ReductionOptions {
  /** Where the loss switches from quadratic to linear (default 1, must be > 0). */
  delta?: number;
}

/** F.huber_loss: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta). */
export function huberLoss(input: Tensor, target: Tensor, opts: HuberOptions = {}): Tensor {
  const delta = opts.delta ?? 1;
  if (typeof delta !== 'number' || Number.isNaN(delta))
    throw new TypeError(`huberLoss: delta must be a number, got ${delta}`);
  if (!(delta > 0))
    throw new RangeError(`huberLoss does not support non-positive values for delta (got ${delta}).`);
  const reduction = prepare('huberLoss', input, target, opts);
  const d = input.sub(target);
  const z = d.abs();
  const quad = d.mul(d).mul(0.5);
  const lin = z.sub(0.5 * delta).mul(delta);
  return applyReduction(quad.where(z.lt(delta), lin), reduction);
}
