import type { Optimizer } from '../optimizer.js';
import { LRScheduler, perGroup, type SchedulerStateDict } from './lr-scheduler.js';

/** A function of the epoch giving a factor. */
export type LrLambda = (epoch: number) => number;

function lambdas(sched: string, optimizer: Optimizer, lrLambda: LrLambda | readonly LrLambda[]): LrLambda[] {
  const fs = perGroup(sched, 'lrLambda', optimizer, lrLambda);
  fs.forEach((f, i) => {
    if (typeof f !== 'function')
      throw new TypeError(`${sched}: lrLambda[${i}] must be a function, got ${typeof f}`);
  });
  return fs;
}

/**
 * lr = initial lr × lrLambda(epoch), one function or one per group (torch.optim.lr_scheduler.LambdaLR).
 *
 * @example
 * const sched = new LambdaLR(opt, { lrLambda: (epoch) => 0.95 ** epoch });
 */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, o: { lrLambda: LrLambda | readonly LrLambda[]; lastEpoch?: number }) {
    super(optimizer, o.lastEpoch ?? -1);
    this.lrLambdas = lambdas('LambdaLR', optimizer, o.lrLambda);
    this._initialStep();
  }

  getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch));
  }

  override stateDict(): SchedulerStateDict {
    const { lrLambdas: _, ...rest } = super.stateDict();
    return rest;
  }
}

/**
 * lr ← lr × lrLambda(epoch) every epoch after the first (torch.optim.lr_scheduler.MultiplicativeLR).
 *
 * @example
 * const sched = new MultiplicativeLR(opt, { lrLambda: () => 0.95 });
 */
export class MultiplicativeLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, o: { lrLambda: LrLambda | readonly LrLambda[]; lastEpoch?: number }) {
    super(optimizer, o.lastEpoch ?? -1);
    this.lrLambdas = lambdas('MultiplicativeLR', optimizer, o.lrLambda);
    this._initialStep();
  }

  getLr(): number[] {
    if (this.lastEpoch > 0) return this.groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
    return this.groups.map((g) => g.lr);
  }

  override stateDict(): SchedulerStateDict {
    const { lrLambdas: _, ...rest } = super.stateDict();
    return rest;
  }
}
