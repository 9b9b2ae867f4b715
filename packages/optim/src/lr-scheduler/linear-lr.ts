import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

export interface LinearLROptions {
  /** Factor of the first epoch (default 1/3). */
  startFactor?: number;
  /** Factor reached after totalIters epochs (default 1). */
  endFactor?: number;
  /** Epochs of the ramp (default 5). */
  totalIters?: number;
  lastEpoch?: number;
}

/**
 * Scale the learning rate by a factor moving linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs (torch.optim.lr_scheduler.LinearLR), e.g. a warm-up.
 *
 * @example
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, o: LinearLROptions = {}) {
    super(optimizer, o.lastEpoch ?? -1);
    const start = o.startFactor ?? 1 / 3;
    const end = o.endFactor ?? 1;
    if (start > 1 || start <= 0)
      throw new RangeError(
        `LinearLR: startFactor expected to be greater than 0 and less or equal to 1, got ${start}`,
      );
    if (end > 1 || end < 0)
      throw new RangeError(`LinearLR: endFactor expected to be between 0 and 1, got ${end}`);
    this.startFactor = start;
    this.endFactor = end;
    this.totalIters = o.totalIters ?? 5;
    this._initialStep();
  }

  getLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n, lastEpoch: e } = this;
    if (e === 0) return this.groups.map((g) => g.lr * s);
    if (e > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }

  override _getClosedFormLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n, lastEpoch: e } = this;
    return this.baseLrs.map((b) => b * (s + ((f - s) * Math.min(n, e)) / n));
  }
}
