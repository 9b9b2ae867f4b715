import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Multiply the learning rate by `gamma` every epoch (torch.optim.lr_scheduler.ExponentialLR).
 *
 * @example
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer, o: { gamma: number; lastEpoch?: number }) {
    super(optimizer, o.lastEpoch ?? -1);
    if (typeof o.gamma !== 'number')
      throw new TypeError(`ExponentialLR: gamma must be a number, got ${typeof o.gamma}`);
    this.gamma = o.gamma;
    this._initialStep();
  }

  getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  override _getClosedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}
