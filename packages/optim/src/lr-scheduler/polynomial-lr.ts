import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Decay the learning rate polynomially to zero over `totalIters` epochs
 * (torch.optim.lr_scheduler.PolynomialLR).
 *
 * @example
 * const sched = new PolynomialLR(opt, { totalIters: 4, power: 1 });
 */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;

  constructor(optimizer: Optimizer, o: { totalIters?: number; power?: number; lastEpoch?: number } = {}) {
    super(optimizer, o.lastEpoch ?? -1);
    this.totalIters = o.totalIters ?? 5;
    this.power = o.power ?? 1;
    this._initialStep();
  }

  getLr(): number[] {
    const e = this.lastEpoch;
    if (e === 0 || e > this.totalIters) return this.groups.map((g) => g.lr);
    const decay = ((1 - e / this.totalIters) / (1 - (e - 1) / this.totalIters)) ** this.power;
    return this.groups.map((g) => g.lr * decay);
  }

  override _getClosedFormLr(): number[] {
    return this.baseLrs.map(
      (b) => b * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power,
    );
  }
}
