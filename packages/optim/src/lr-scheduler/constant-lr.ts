import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Scale the learning rate by `factor` until epoch `totalIters` (torch.optim.lr_scheduler.ConstantLR).
 *
 * @example
 * const sched = new ConstantLR(opt, { factor: 0.5, totalIters: 4 });
 */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, o: { factor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer, o.lastEpoch ?? -1);
    const factor = o.factor ?? 1 / 3;
    if (factor > 1 || factor < 0)
      throw new RangeError(`ConstantLR: factor expected to be between 0 and 1, got ${factor}`);
    this.factor = factor;
    this.totalIters = o.totalIters ?? 5;
    this._initialStep();
  }

  getLr(): number[] {
    const e = this.lastEpoch;
    if (e === 0) return this.groups.map((g) => g.lr * this.factor);
    if (e !== this.totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 / this.factor));
  }

  override _getClosedFormLr(): number[] {
    return this.baseLrs.map(
      (b) => b * (this.factor + (this.lastEpoch >= this.totalIters ? 1 - this.factor : 0)),
    );
  }
}
