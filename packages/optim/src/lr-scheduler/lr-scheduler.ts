import type { Optimizer, ParamGroup } from '../optimizer.js';

/** What every scheduler's `stateDict()` holds: its plain fields (numbers, arrays, strings). */
export type SchedulerStateDict = Record<string, unknown>;

const isOptimizer = (o: unknown): o is Optimizer =>
  !!o &&
  typeof o === 'object' &&
  Array.isArray((o as Optimizer).paramGroups) &&
  typeof (o as Optimizer).step === 'function';

/**
 * Base class of the learning-rate schedulers (torch.optim.lr_scheduler.LRScheduler). Call
 * `sched.step()` once per epoch (or iteration), after `opt.step()`; it writes each group's `lr`.
 * Subclasses set their fields, then call `this._initialStep()` at the end of their constructor
 * (PyTorch's base constructor does it, but in JavaScript fields exist only after `super()`).
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  baseLrs: number[];
  lastEpoch: number;
  _stepCount = 0;
  protected _lastLr: number[] = [];

  constructor(optimizer: Optimizer, lastEpoch = -1) {
    const name = this.constructor.name;
    if (!isOptimizer(optimizer))
      throw new TypeError(`${name}: optimizer must be an Optimizer, got ${typeof optimizer}`);
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    } else {
      optimizer.paramGroups.forEach((g, i) => {
        if (g.initialLr === undefined) {
          throw new Error(
            `${name}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer (lastEpoch ${lastEpoch})`,
          );
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  protected get groups(): ParamGroup[] {
    return this.optimizer.paramGroups;
  }

  /** Take the scheduler's first step (lastEpoch -1 → 0); subclasses call it last in their constructor. */
  _initialStep(): void {
    this.optimizer._stepCount = 0;
    this._stepCount = 0;
    this.step();
  }

  /** The learning rates of the next epoch, chainable form (from the groups' current lr). */
  abstract getLr(): number[];

  /** The closed-form learning rates at `lastEpoch` (used by `step(epoch)`), where one exists. */
  _getClosedFormLr?(): number[];

  /** The learning rates the last `step()` set, one per parameter group. */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /** Advance one epoch (or jump to `epoch`, the deprecated PyTorch form) and write each group's lr. */
  step(epoch?: number): void {
    this._stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this._getClosedFormLr ? this._getClosedFormLr() : this.getLr();
    }
    this.groups.forEach((g, i) => {
      g.lr = values[i];
    });
    this._lastLr = this.groups.map((g) => g.lr);
  }

  /** The scheduler's fields (everything but the optimizer), as PyTorch's state_dict. */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === 'optimizer' || typeof v === 'function') continue;
      out[k] = Array.isArray(v) ? [...v] : v;
    }
    return out;
  }

  loadStateDict(stateDict: SchedulerStateDict): void {
    for (const [k, v] of Object.entries(stateDict)) {
      if (k === 'optimizer') continue;
      (this as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
    }
  }
}

/** One value per parameter group: an array is checked against the group count, a number repeated. */
export function perGroup<T>(sched: string, name: string, optimizer: Optimizer, value: T | readonly T[]): T[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(value)) {
    if (value.length !== n)
      throw new RangeError(`${sched}: expected ${n} values for ${name}, got ${value.length}`);
    return [...value];
  }
  return Array.from({ length: n }, () => value as T);
}
