import { isTensor, type Tensor } from '@kindling/tensor';
import type { Optimizer } from '../optimizer.js';
import { perGroup, type SchedulerStateDict } from './lr-scheduler.js';

export interface ReduceLROnPlateauOptions {
  /** 'min' (default): the metric should fall; 'max': it should rise. */
  mode?: 'min' | 'max';
  /** lr ← lr × factor on a plateau (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimum change that counts as improvement (default 1e-4). */
  threshold?: number;
  /** 'rel' (default) or 'abs'. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound of the lr, one number or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduce the learning rate when a metric has stopped improving
 * (torch.optim.lr_scheduler.ReduceLROnPlateau). `step(metric)` takes the epoch's metric: a
 * number, or a one-element tensor on a device that reads synchronously (cpu).
 *
 * @example
 * const sched = new ReduceLROnPlateau(opt, { mode: 'min', patience: 2 });
 * sched.step(await valLoss.item());
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer;
  factor: number;
  minLrs: number[];
  patience: number;
  cooldown: number;
  cooldownCounter = 0;
  mode: 'min' | 'max';
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  best = 0;
  numBadEpochs = 0;
  modeWorse = 0;
  eps: number;
  lastEpoch = 0;
  protected _lastLr: number[];

  constructor(optimizer: Optimizer, o: ReduceLROnPlateauOptions = {}) {
    const name = 'ReduceLROnPlateau';
    const factor = o.factor ?? 0.1;
    if (factor >= 1) throw new RangeError(`${name}: Factor should be < 1.0 (option factor, got ${factor})`);
    if (!optimizer || !Array.isArray(optimizer.paramGroups))
      throw new TypeError(`${name}: optimizer must be an Optimizer`);
    this.optimizer = optimizer;
    this.factor = factor;
    this.minLrs = perGroup(name, 'minLr', optimizer, o.minLr ?? 0);
    this.patience = o.patience ?? 10;
    this.cooldown = o.cooldown ?? 0;
    this.mode = o.mode ?? 'min';
    this.threshold = o.threshold ?? 1e-4;
    this.thresholdMode = o.thresholdMode ?? 'rel';
    this.eps = o.eps ?? 1e-8;
    this.initIsBetter();
    this.reset();
    this._lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private initIsBetter(): void {
    if (this.mode !== 'min' && this.mode !== 'max')
      throw new RangeError(`ReduceLROnPlateau: mode ${String(this.mode)} is unknown!`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new RangeError(`ReduceLROnPlateau: threshold mode ${String(this.thresholdMode)} is unknown!`);
    }
    this.modeWorse = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  private reset(): void {
    this.best = this.modeWorse;
    this.cooldownCounter = 0;
    this.numBadEpochs = 0;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  step(metrics: number | Tensor, epoch?: number): void {
    let current: number;
    if (isTensor(metrics)) {
      if (metrics.numel() !== 1)
        throw new RangeError(
          `ReduceLROnPlateau.step: metrics must have one element, got shape [${metrics.shape}]`,
        );
      current = Number(metrics.dataSync()[0]);
    } else current = Number(metrics);
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const old = Number(g.lr);
      const lr = Math.max(old * this.factor, this.minLrs[i]);
      if (old - lr > this.eps) g.lr = lr;
    });
  }

  getLastLr(): number[] {
    return [...this._lastLr];
  }

  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = Array.isArray(v) ? [...v] : v;
    return out;
  }

  loadStateDict(stateDict: SchedulerStateDict): void {
    for (const [k, v] of Object.entries(stateDict))
      if (k !== 'optimizer') (this as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
    this.initIsBetter();
  }
}
