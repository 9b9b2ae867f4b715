import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Multiply the learning rate by `gamma` every `stepSize` epochs (torch.optim.lr_scheduler.StepLR).
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, o: { stepSize: number; gamma?: number; lastEpoch?: number }) {
    super(optimizer, o.lastEpoch ?? -1);
    if (!Number.isInteger(o.stepSize) || o.stepSize <= 0)
      throw new RangeError(`StepLR: stepSize must be a positive integer, got ${o.stepSize}`);
    this.stepSize = o.stepSize;
    this.gamma = o.gamma ?? 0.1;
    this._initialStep();
  }

  getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  override _getClosedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
