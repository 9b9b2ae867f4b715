import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerStateDict } from './lr-scheduler.js';

/**
 * Run schedulers one after another, switching at the milestone epochs
 * (torch.optim.lr_scheduler.SequentialLR).
 *
 * @example
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new ExponentialLR(opt, { gamma: 0.9 });
 * const sched = new SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 */
export class SequentialLR extends LRScheduler {
  _schedulers: LRScheduler[];
  _milestones: number[];

  constructor(
    optimizer: Optimizer,
    o: { schedulers: LRScheduler[]; milestones: readonly number[]; lastEpoch?: number },
  ) {
    const name = 'SequentialLR';
    const scheds = o.schedulers;
    if (!Array.isArray(scheds) || scheds.length === 0)
      throw new TypeError(`${name}: schedulers must be a non-empty array`);
    scheds.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new Error(
          `${name}: Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (o.milestones.length !== scheds.length - 1) {
      throw new RangeError(
        `${name}: expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${scheds.length} and the number of milestones to be equal to ${o.milestones.length}`,
      );
    }
    // PyTorch's SequentialLR skips the base initialisation; initialLr was set by the schedulers
    super(optimizer, 0);
    this._schedulers = scheds;
    this._milestones = [...o.milestones];
    this.lastEpoch = (o.lastEpoch ?? -1) + 1;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;
    for (const s of scheds) s.lastEpoch -= 1;
    scheds[0]._initialStep();
    this._lastLr = scheds[0].getLastLr();
  }

  getLr(): number[] {
    return this.getLastLr();
  }

  override step(): void {
    this.lastEpoch += 1;
    let idx = 0;
    while (idx < this._milestones.length && this._milestones[idx] <= this.lastEpoch) idx++;
    const sched = this._schedulers[idx];
    if (idx > 0 && this._milestones[idx - 1] === this.lastEpoch) sched.step(0);
    else sched.step();
    this._lastLr = sched.getLastLr();
  }

  override stateDict(): SchedulerStateDict {
    const { _schedulers: _, ...rest } = super.stateDict();
    return { ...rest, _schedulers: this._schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { _schedulers: subs, ...rest } = stateDict;
    super.loadStateDict(rest);
    (subs as SchedulerStateDict[] | undefined)?.forEach((s, i) => {
      this._schedulers[i].loadStateDict(s);
    });
  }
}

/**
 * Step several schedulers together, every epoch (torch.optim.lr_scheduler.ChainedScheduler).
 *
 * @example
 * const sched = new ChainedScheduler([new ConstantLR(opt, { factor: 0.1, totalIters: 2 }), new ExponentialLR(opt, { gamma: 0.9 })]);
 */
export class ChainedScheduler {
  readonly optimizer: Optimizer;
  _schedulers: LRScheduler[];
  protected _lastLr: number[];

  constructor(schedulers: LRScheduler[]) {
    if (!Array.isArray(schedulers) || schedulers.length === 0)
      throw new TypeError('ChainedScheduler: schedulers must be a non-empty array');
    schedulers.forEach((s, i) => {
      if (s.optimizer !== schedulers[0].optimizer) {
        throw new Error(
          `ChainedScheduler: expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
      }
    });
    this._schedulers = [...schedulers];
    this.optimizer = schedulers[0].optimizer;
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  step(): void {
    for (const s of this._schedulers) s.step();
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this._lastLr];
  }

  stateDict(): SchedulerStateDict {
    return { _lastLr: [...this._lastLr], _schedulers: this._schedulers.map((s) => s.stateDict()) };
  }

  loadStateDict(stateDict: SchedulerStateDict): void {
    (stateDict._schedulers as SchedulerStateDict[] | undefined)?.forEach((s, i) => {
      this._schedulers[i].loadStateDict(s);
    });
    if (Array.isArray(stateDict._lastLr)) this._lastLr = [...(stateDict._lastLr as number[])];
  }
}
