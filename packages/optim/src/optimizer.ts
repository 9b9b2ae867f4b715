import { enableGrad, isTensor, keep, noGrad, scope, type Tensor } from '@kindling/tensor';

/** A value in an optimizer's per-parameter state: a tensor (moment estimates) or a number (step count). */
export type StateValue = Tensor | number | null;
/** The state of one parameter (PyTorch's keys: `step`, `exp_avg`, `momentum_buffer`, ...). */
export type ParamState = Record<string, StateValue>;

/** Options every optimizer has. */
export interface BaseOptions {
  lr: number;
}

/** A parameter group as passed in: `{ params, ...options }`; options left out take the defaults. */
export type ParamGroupInput<O> = { params: Iterable<Tensor> | Tensor } & Partial<O> & Record<string, unknown>;

/** `params` of an optimizer: parameters, or parameter groups. */
export type ParamsInput<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/**
 * A parameter group: its parameters and its options (schedulers write `lr`, `initialLr`,
 * `momentum`, `betas` and so on here).
 */
export type ParamGroup<O extends BaseOptions = BaseOptions> = O & {
  params: Tensor[];
  [key: string]: unknown;
};

/** What `stateDict()` returns: PyTorch's `{state, param_groups}` with parameters replaced by their index. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

const typeName = (v: unknown): string =>
  v === null || v === undefined
    ? 'None'
    : isTensor(v)
      ? `Tensor(${v.dtype})`
      : typeof v === 'object'
        ? (v.constructor?.name ?? 'object')
        : typeof v;

/** snake_case → camelCase (option keys of a PyTorch state dict). */
const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Base class of the optimizers (torch.optim.Optimizer). Subclasses implement `_updateGroup`,
 * which runs under `noGrad` inside a memory scope: updates are tensor ops written in place into
 * the parameters and the state (`add_`, `mul_`, `addcdiv_`, ...), so a step never reads values
 * back from the device. Per-parameter state lives in `state`, keyed by the parameter.
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  readonly defaults: O;
  paramGroups: ParamGroup<O>[] = [];
  state = new Map<Tensor, ParamState>();
  /** How many times `step()` ran (schedulers read it). */
  _stepCount = 0;

  constructor(params: ParamsInput<O>, defaults: O) {
    this.defaults = defaults;
    const name = this.constructor.name;
    if (isTensor(params)) {
      throw new TypeError(
        `${name}: params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${typeName(params)}`,
      );
    }
    if (
      params === null ||
      params === undefined ||
      typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function'
    ) {
      throw new TypeError(
        `${name}: params must be an iterable of Tensors or of parameter groups, got ${typeName(params)}`,
      );
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new Error(`${name}: optimizer got an empty parameter list (params)`);
    const groups = isTensor(list[0])
      ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>]
      : (list as ParamGroupInput<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Add a parameter group (fine-tuning a frozen layer, say); missing options take the defaults. */
  addParamGroup(group: ParamGroupInput<O>): void {
    const name = this.constructor.name;
    if (group === null || typeof group !== 'object' || isTensor(group)) {
      throw new TypeError(
        `${name}.addParamGroup: param group must be an object with a params field, got ${typeName(group)}`,
      );
    }
    const ps = group.params;
    let params: Tensor[];
    if (isTensor(ps)) params = [ps];
    else if (ps && typeof (ps as Iterable<Tensor>)[Symbol.iterator] === 'function')
      params = [...(ps as Iterable<Tensor>)];
    else
      throw new TypeError(
        `${name}.addParamGroup: params must be a Tensor or an iterable of Tensors, got ${typeName(ps)}`,
      );
    for (const p of params) {
      if (!isTensor(p))
        throw new TypeError(
          `${name}: optimizer can only optimize Tensors, but one of the params is ${typeName(p)}`,
        );
      if (!p.isLeaf) throw new Error(`${name}: can't optimize a non-leaf Tensor`);
    }
    if (new Set(params).size !== params.length) {
      console.warn(
        `${name}: optimizer contains a parameter group with duplicate parameters; in future, this will cause an error`,
      );
    }
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    for (const [k, v] of Object.entries(full)) {
      if (v === undefined)
        throw new Error(
          `${name}: parameter group didn't specify a value of required optimization parameter ${k}`,
        );
    }
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    if (params.some((p) => seen.has(p)))
      throw new Error(`${name}.addParamGroup: some parameters appear in more than one parameter group`);
    this.paramGroups.push(full);
  }

  /**
   * Reset the gradients of every optimized parameter: to null (default, as PyTorch 2) or, with
   * `setToNone = false`, to zeros.
   */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const grad = p.grad;
        if (!grad) continue;
        if (setToNone) p.grad = null;
        else {
          const d = grad.gradFn ? grad.detach() : grad;
          d.requiresGrad = false;
          noGrad(() => d.zero_());
          p.grad = d;
        }
      }
    }
  }

  /**
   * One optimization step over every parameter that has a gradient. `closure` (re-evaluates the
   * model and returns the loss) runs first with gradients enabled; its result is returned.
   */
  step<T = unknown>(closure?: () => T): T | undefined {
    let loss: T | undefined;
    if (closure) loss = enableGrad(closure);
    noGrad(() =>
      scope(() => {
        for (const g of this.paramGroups) this._updateGroup(g);
      }),
    );
    this._stepCount++;
    return loss;
  }

  /** Update the parameters of one group in place (runs under noGrad inside a scope). */
  protected abstract _updateGroup(group: ParamGroup<O>): void;

  /** The state of `p`, created by `init` on first use (its tensors are kept out of the step's scope). */
  protected _state(p: Tensor, init: () => ParamState): ParamState {
    let s = this.state.get(p);
    if (!s || Object.keys(s).length === 0) {
      s = keep(init());
      this.state.set(p, s);
    }
    return s;
  }

  /** The (possibly empty) state record of `p`. */
  protected _stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /** A tensor entry of a parameter's state. */
  protected static _t(s: ParamState, key: string): Tensor {
    const v = s[key];
    if (!isTensor(v)) throw new Error(`optimizer state entry '${key}' is ${typeName(v)}, expected a Tensor`);
    return v;
  }

  // ---- state dict -------------------------------------------------------------------------
  /**
   * PyTorch's `{state, param_groups}`: `state` maps each parameter's index (counted over the
   * groups in order) to its state (the tensors themselves, not copies); `paramGroups` holds each
   * group's options with `params` as indices.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') packed[k] = Array.isArray(v) ? [...v] : v;
      packed.params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, next++);
        return index.get(p) as number;
      });
      return packed as Record<string, unknown> & { params: number[] };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /**
   * Load what `stateDict()` returned (also a PyTorch-style `{state, param_groups}` with
   * snake_case option keys). Tensors are copied and moved to each parameter's device and, when
   * floating point, its dtype. Throws, changing nothing, when the groups don't match.
   */
  loadStateDict(stateDict: OptimizerStateDict | Record<string, unknown>): void {
    const name = `${this.constructor.name}.loadStateDict`;
    const sd = stateDict as Record<string, unknown>;
    const savedGroups = (sd.paramGroups ?? sd.param_groups) as
      | (Record<string, unknown> & { params: number[] })[]
      | undefined;
    const savedState = sd.state as Record<number, ParamState> | Map<number, ParamState> | undefined;
    if (!Array.isArray(savedGroups)) throw new TypeError(`${name}: stateDict has no paramGroups array`);
    if (savedGroups.length !== this.paramGroups.length) {
      throw new Error(
        `${name}: loaded state dict has a different number of parameter groups (${savedGroups.length} vs ${this.paramGroups.length})`,
      );
    }
    savedGroups.forEach((g, i) => {
      if (!Array.isArray(g.params) || g.params.length !== this.paramGroups[i].params.length) {
        throw new Error(
          `${name}: loaded state dict contains a parameter group that doesn't match the size of optimizer's group ${i}`,
        );
      }
    });
    const idToParam = new Map<number, Tensor>();
    savedGroups.forEach((g, i) => {
      g.params.forEach((id, j) => {
        idToParam.set(Number(id), this.paramGroups[i].params[j]);
      });
    });
    const entries: [number, ParamState][] =
      savedState instanceof Map
        ? [...savedState.entries()]
        : Object.entries(savedState ?? {}).map(([k, v]) => [Number(k), v]);
    const newState = new Map<Tensor, ParamState>();
    noGrad(() => {
      for (const [id, s] of entries) {
        const p = idToParam.get(id);
        if (!p) continue;
        const out: ParamState = {};
        for (const [k, v] of Object.entries(s ?? {})) {
          if (isTensor(v)) {
            if (k === 'step' || k === 'mu_product') out[k] = Number(v.dataSync()[0]);
            else {
              let t = v.detach();
              if (t.isFloatingPoint() && t.dtype !== p.dtype) t = t.to(p.dtype);
              if (t.device !== p.device) t = t.to(p.device);
              out[k] = keep(t.clone());
            }
          } else out[k] = v;
        }
        newState.set(p, out);
      }
    });
    this.state = newState;
    this.paramGroups = savedGroups.map((g, i) => {
      const group: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g))
        if (k !== 'params')
          group[k in this.defaults || !k.includes('_') ? k : camel(k)] = Array.isArray(v) ? [...v] : v;
      group.params = this.paramGroups[i].params;
      return group as ParamGroup<O>;
    });
  }

  toString(): string {
    let s = `${this.constructor.name} (`;
    this.paramGroups.forEach((g, i) => {
      s += `\nParameter Group ${i}`;
      for (const k of Object.keys(g).sort()) if (k !== 'params') s += `\n    ${k}: ${JSON.stringify(g[k])}`;
    });
    return `${s}\n)`;
  }
}

/** Check an option's range the way PyTorch does, naming the optimizer and the option. */
export function checkOption(opt: string, key: string, value: unknown, ok: boolean, what = 'value'): void {
  if (!ok) throw new RangeError(`${opt}: Invalid ${what}: ${String(value)} (option ${key})`);
}

/** `grad`, negated when maximizing. */
export const directed = (grad: Tensor, maximize: boolean): Tensor => (maximize ? grad.neg() : grad);
