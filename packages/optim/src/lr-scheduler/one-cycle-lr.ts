import type { Optimizer } from '../optimizer.js';
import { LRScheduler, perGroup } from './lr-scheduler.js';

export interface OneCycleLROptions {
  /** Peak learning rate (one number or one per group). */
  maxLr: number | readonly number[];
  /** Steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or beta1) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  /** initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** min lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Use a third phase annihilating the lr (default false). */
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/**
 * The 1cycle policy (torch.optim.lr_scheduler.OneCycleLR): the lr rises from maxLr/divFactor to
 * maxLr, then anneals far below the start, while momentum (or Adam's beta1) does the opposite.
 * Step it after every batch.
 *
 * @example
 * const sched = new OneCycleLR(opt, { maxLr: 0.01, totalSteps: 1000 });
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  cycleMomentum: boolean;
  useBeta1 = false;
  annealStrategy: 'cos' | 'linear';
  _schedulePhases: Phase[];

  constructor(optimizer: Optimizer, o: OneCycleLROptions) {
    const name = 'OneCycleLR';
    let total: number;
    if (o.totalSteps != null) {
      if (!Number.isInteger(o.totalSteps) || o.totalSteps <= 0)
        throw new RangeError(`${name}: Expected positive integer totalSteps, but got ${o.totalSteps}`);
      total = o.totalSteps;
    } else if (o.epochs != null && o.stepsPerEpoch != null) {
      if (!Number.isInteger(o.epochs) || o.epochs <= 0)
        throw new RangeError(`${name}: Expected positive integer epochs, but got ${o.epochs}`);
      if (!Number.isInteger(o.stepsPerEpoch) || o.stepsPerEpoch <= 0) {
        throw new RangeError(`${name}: Expected positive integer stepsPerEpoch, but got ${o.stepsPerEpoch}`);
      }
      total = o.epochs * o.stepsPerEpoch;
    } else throw new Error(`${name}: You must define either totalSteps OR (epochs AND stepsPerEpoch)`);
    const pct = o.pctStart ?? 0.3;
    if (!(pct >= 0 && pct <= 1))
      throw new RangeError(`${name}: Expected float between 0 and 1 pctStart, but got ${pct}`);
    const anneal = o.annealStrategy ?? 'cos';
    if (anneal !== 'cos' && anneal !== 'linear')
      throw new RangeError(`${name}: annealStrategy must be one of 'cos' or 'linear', instead got ${anneal}`);
    const lastEpoch = o.lastEpoch ?? -1;
    const divFactor = o.divFactor ?? 25;
    const finalDivFactor = o.finalDivFactor ?? 1e4;
    const maxLrs = perGroup(name, 'maxLr', optimizer, o.maxLr);
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    const cycle = o.cycleMomentum ?? true;
    let useBeta1 = false;
    if (cycle) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
        throw new Error(
          `${name}: optimizer must support momentum or betas with the cycleMomentum option enabled`,
        );
      }
      useBeta1 = 'betas' in optimizer.defaults;
      const maxM = perGroup(name, 'maxMomentum', optimizer, o.maxMomentum ?? 0.95);
      const baseM = perGroup(name, 'baseMomentum', optimizer, o.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        optimizer.paramGroups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxM[i], ...(g.betas as number[]).slice(1)];
          else g.momentum = maxM[i];
          g.maxMomentum = maxM[i];
          g.baseMomentum = baseM[i];
        });
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = total;
    this.cycleMomentum = cycle;
    this.useBeta1 = useBeta1;
    this.annealStrategy = anneal;
    this._schedulePhases = o.threePhase
      ? [
          {
            endStep: pct * total - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: 2 * pct * total - 2,
            startLr: 'maxLr',
            endLr: 'initialLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
          {
            endStep: total - 1,
            startLr: 'initialLr',
            endLr: 'minLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'maxMomentum',
          },
        ]
      : [
          {
            endStep: pct * total - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: total - 1,
            startLr: 'maxLr',
            endLr: 'minLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
        ];
    this._initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2) * cosOut;
  }

  getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new RangeError(
        `OneCycleLR: Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`,
      );
    }
    return this.groups.map((g) => {
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      const phases = this._schedulePhases;
      for (let i = 0; i < phases.length; i++) {
        const ph = phases[i];
        if (stepNum <= ph.endStep || i === phases.length - 1) {
          const pct = (stepNum - startStep) / (ph.endStep - startStep);
          lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum)
            momentum = this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct);
          break;
        }
        startStep = ph.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}
