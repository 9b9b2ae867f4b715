import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Cosine annealing from the initial learning rate down to `etaMin` over `TMax` epochs, then back
 * up (torch.optim.lr_scheduler.CosineAnnealingLR; the chainable form, as PyTorch).
 *
 * @example
 * const sched = new CosineAnnealingLR(opt, { TMax: 100, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  TMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, o: { TMax: number; etaMin?: number; lastEpoch?: number }) {
    super(optimizer, o.lastEpoch ?? -1);
    if (!(o.TMax > 0)) throw new RangeError(`CosineAnnealingLR: TMax must be positive, got ${o.TMax}`);
    this.TMax = o.TMax;
    this.etaMin = o.etaMin ?? 0;
    this._initialStep();
  }

  getLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    if (e === 0) return this.groups.map((g) => g.lr);
    if (this._stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if ((e - 1 - T) % (2 * T) === 0) {
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) +
        etaMin,
    );
  }

  override _getClosedFormLr(): number[] {
    return this.baseLrs.map(
      (b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.TMax))) / 2,
    );
  }
}
