import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Multiply the learning rate by `gamma` at each milestone epoch (torch.optim.lr_scheduler.MultiStepLR);
 * a milestone listed twice applies gamma twice.
 *
 * @example
 * const sched = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;

  constructor(
    optimizer: Optimizer,
    o: { milestones: readonly number[]; gamma?: number; lastEpoch?: number },
  ) {
    super(optimizer, o.lastEpoch ?? -1);
    if (!Array.isArray(o.milestones))
      throw new TypeError('MultiStepLR: milestones must be an array of epochs');
    this.milestones = [...o.milestones].sort((a, b) => a - b);
    this.gamma = o.gamma ?? 0.1;
    this._initialStep();
  }

  getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** hits);
  }

  override _getClosedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}
