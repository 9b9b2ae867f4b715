import { type Device, type DType, keep, noGrad, type Tensor } from '@kindling/tensor';
import {
  addHook,
  type BackwardHook,
  type BackwardPreHook,
  callWithHooks,
  type ForwardHook,
  type ForwardPreHook,
  type RemovableHandle,
} from './hooks.js';
import {
  hasAttr,
  isModule,
  isTensor,
  type ModuleSlots,
  moduleProxyHandler,
  typeName,
} from './module-attrs.js';
import { convertTensors } from './module-convert.js';
import { Parameter } from './parameter.js';
import { addIndent } from './repr.js';
import {
  type LoadResult,
  type LoadStateDictOptions,
  loadStateDict,
  type StateDictLike,
} from './state-dict.js';

/** Options of the named* iterators (PyTorch's keyword arguments). */
export interface NamedOptions {
  prefix?: string;
  recurse?: boolean;
  removeDuplicate?: boolean;
}

export interface StateDictOptions {
  prefix?: string;
  /** Return the parameters themselves instead of detached views (default false). */
  keepVars?: boolean;
  /** Add the entries to this map instead of a new one. */
  destination?: Map<string, Tensor>;
}

function checkName(kind: string, name: unknown): asserts name is string {
  if (typeof name !== 'string') throw new TypeError(`${kind} name should be a string. Got ${typeName(name)}`);
  if (name.includes('.')) throw new Error(`${kind} name can't contain ".", got: ${name}`);
  if (name === '') throw new Error(`${kind} name can't be empty string ""`);
}

function namedArgs(a: string | NamedOptions | undefined, recurse?: boolean, removeDuplicate?: boolean) {
  const o: NamedOptions = typeof a === 'object' && a !== null ? a : { prefix: a, recurse, removeDuplicate };
  return { prefix: o.prefix ?? '', recurse: o.recurse ?? true, removeDuplicate: o.removeDuplicate ?? true };
}

/**
 * Base class of every layer (torch.nn.Module). Subclasses assign parameters, buffers and
 * submodules in the constructor, which registers them (parameters, then buffers, then children,
 * each in assignment order), and override `forward`. `m.call(...)` is PyTorch's `m(...)`: it runs
 * the hooks around `forward`.
 *
 * @example
 * class MLP extends Module {
 *   declare fc1: Linear;
 *   declare fc2: Linear;
 *   constructor() {
 *     super();
 *     this.fc1 = new Linear(4, 8);
 *     this.fc2 = new Linear(8, 2);
 *   }
 *   override forward(x: Tensor): Tensor {
 *     return this.fc2.call(this.fc1.call(x).relu());
 *   }
 * }
 * const m = new MLP();
 * [...m.stateDict().keys()]; // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 */
export class Module {
  readonly _isModule = true;
  /** Whether the module is in training mode (see train/eval). */
  training = true;
  _parameters = new Map<string, Parameter | null>();
  _buffers = new Map<string, Tensor | null>();
  _nonPersistentBuffers = new Set<string>();
  _modules = new Map<string, Module | null>();
  _forwardPreHooks = new Map<number, ForwardPreHook>();
  _forwardHooks = new Map<number, ForwardHook>();
  _forwardHooksAlwaysCall = new Set<number>();
  _backwardHooks = new Map<number, BackwardHook>();
  _backwardPreHooks = new Map<number, BackwardPreHook>();

  constructor() {
    // biome-ignore lint/correctness/noConstructorReturn: attribute assignment registers (PyTorch's __setattr__)
    return new Proxy(this as unknown as ModuleSlots, moduleProxyHandler) as unknown as this;
  }

  // ---- computation ------------------------------------------------------------------------
  /** The computation. Override it; call the module with `call` to run hooks as well. */
  forward(...args: unknown[]): unknown {
    void args;
    throw new Error(`Module [${this._getName()}] is missing the required "forward" function`);
  }

  /** PyTorch's `module(*args)`: forward pre-hooks, forward, forward hooks and backward hooks. */
  call(...args: Parameters<this['forward']>): ReturnType<this['forward']> {
    if (
      this._forwardPreHooks.size === 0 &&
      this._forwardHooks.size === 0 &&
      this._backwardHooks.size === 0 &&
      this._backwardPreHooks.size === 0
    ) {
      return (this.forward as (...a: unknown[]) => unknown)(...args) as ReturnType<this['forward']>;
    }
    return callWithHooks(this, args) as ReturnType<this['forward']>;
  }

  // ---- registration -----------------------------------------------------------------------
  /** Add a parameter (or null) under `name`. */
  registerParameter(name: string, param: Parameter | null): void {
    checkName('parameter', name);
    if (!this._parameters) throw new Error('cannot assign parameter before Module.__init__() call');
    if (hasAttr(this as unknown as ModuleSlots, name) && !this._parameters.has(name)) {
      throw new Error(`attribute '${name}' already exists`);
    }
    if (param === null || param === undefined) {
      this._parameters.set(name, null);
      return;
    }
    if (!(param instanceof Parameter)) {
      throw new TypeError(
        `cannot assign '${typeName(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`,
      );
    }
    this._parameters.set(name, param);
  }

  /** Add a buffer (state that is not a parameter, e.g. running_mean); non-persistent buffers stay out of stateDict. */
  registerBuffer(name: string, tensor: Tensor | null, opts: { persistent?: boolean } = {}): void {
    checkName('buffer', name);
    if (hasAttr(this as unknown as ModuleSlots, name) && !this._buffers.has(name)) {
      throw new Error(`attribute '${name}' already exists`);
    }
    if (tensor !== null && tensor !== undefined && !isTensor(tensor)) {
      throw new TypeError(
        `cannot assign '${typeName(tensor)}' object to buffer '${name}' (torch Tensor or None required)`,
      );
    }
    if (tensor) keep(tensor);
    this._buffers.set(name, tensor ?? null);
    if (opts.persistent ?? true) this._nonPersistentBuffers.delete(name);
    else this._nonPersistentBuffers.add(name);
  }

  /** Add a child module (or null) under `name`. */
  addModule(name: string, module: Module | null): void {
    if (module !== null && module !== undefined && !isModule(module)) {
      throw new TypeError(`${typeName(module)} is not a Module subclass`);
    }
    checkName('module', name);
    if (hasAttr(this as unknown as ModuleSlots, name) && !this._modules.has(name)) {
      throw new Error(`attribute '${name}' already exists`);
    }
    this._modules.set(name, module ?? null);
  }

  /** Alias of addModule. */
  registerModule(name: string, module: Module | null): void {
    this.addModule(name, module);
  }

  // ---- iteration --------------------------------------------------------------------------
  private *namedMembers<T>(
    members: (m: Module) => Iterable<[string, T | null]>,
    prefix: string,
    recurse: boolean,
    removeDuplicate: boolean,
  ): Generator<[string, T]> {
    const memo = new Set<T>();
    const mods: Iterable<[string, Module]> = recurse
      ? this.namedModules(undefined, prefix, removeDuplicate)
      : [[prefix, this]];
    for (const [modPrefix, m] of mods) {
      for (const [k, v] of members(m)) {
        if (v === null || v === undefined || memo.has(v)) continue;
        if (removeDuplicate) memo.add(v);
        yield [modPrefix ? `${modPrefix}.${k}` : k, v];
      }
    }
  }

  /** [name, parameter] pairs, this module's first, then each child's (shared parameters once). */
  namedParameters(
    prefix?: string | NamedOptions,
    recurse?: boolean,
    removeDuplicate?: boolean,
  ): Generator<[string, Parameter]> {
    const o = namedArgs(prefix, recurse, removeDuplicate);
    return this.namedMembers((m) => m._parameters, o.prefix, o.recurse, o.removeDuplicate);
  }

  *parameters(recurse = true): Generator<Parameter> {
    for (const [, p] of this.namedParameters('', recurse)) yield p;
  }

  namedBuffers(
    prefix?: string | NamedOptions,
    recurse?: boolean,
    removeDuplicate?: boolean,
  ): Generator<[string, Tensor]> {
    const o = namedArgs(prefix, recurse, removeDuplicate);
    return this.namedMembers((m) => m._buffers, o.prefix, o.recurse, o.removeDuplicate);
  }

  *buffers(recurse = true): Generator<Tensor> {
    for (const [, b] of this.namedBuffers('', recurse)) yield b;
  }

  /** Direct children as [name, module] (each module once). */
  *namedChildren(): Generator<[string, Module]> {
    const memo = new Set<Module>();
    for (const [name, m] of this._modules) {
      if (m && !memo.has(m)) {
        memo.add(m);
        yield [name, m];
      }
    }
  }

  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and every descendant as [dotted name, module], depth first ('' is this module). */
  *namedModules(
    memo?: Set<Module> | NamedOptions,
    prefix = '',
    removeDuplicate = true,
  ): Generator<[string, Module]> {
    let seen: Set<Module>;
    if (memo instanceof Set) seen = memo;
    else {
      seen = new Set();
      if (memo) {
        prefix = memo.prefix ?? '';
        removeDuplicate = memo.removeDuplicate ?? true;
      }
    }
    if (seen.has(this)) return;
    if (removeDuplicate) seen.add(this);
    yield [prefix, this];
    for (const [name, m] of this._modules) {
      if (!m) continue;
      yield* m.namedModules(seen, prefix ? `${prefix}.${name}` : name, removeDuplicate);
    }
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** The submodule at a dotted path ('' is this module). */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      if (!hasAttr(mod as unknown as ModuleSlots, item)) {
        throw new Error(`${mod._getName()} has no attribute \`${item}\``);
      }
      const next = (mod as unknown as Record<string, unknown>)[item];
      if (!isModule(next)) throw new Error(`\`${item}\` is not an nn.Module`);
      mod = next as unknown as Module;
    }
    return mod;
  }

  /** The parameter at a dotted path. */
  getParameter(target: string): Parameter {
    const i = target.lastIndexOf('.');
    const mod = this.getSubmodule(i < 0 ? '' : target.slice(0, i));
    const name = target.slice(i + 1);
    if (!hasAttr(mod as unknown as ModuleSlots, name))
      throw new Error(`${mod._getName()} has no attribute \`${name}\``);
    const p = mod._parameters.get(name);
    if (!(p instanceof Parameter)) throw new Error(`\`${name}\` is not an nn.Parameter`);
    return p;
  }

  /** The buffer at a dotted path. */
  getBuffer(target: string): Tensor {
    const i = target.lastIndexOf('.');
    const mod = this.getSubmodule(i < 0 ? '' : target.slice(0, i));
    const name = target.slice(i + 1);
    if (!hasAttr(mod as unknown as ModuleSlots, name))
      throw new Error(`${mod._getName()} has no attribute \`${name}\``);
    const b = mod._buffers.get(name);
    if (!b) throw new Error(`\`${name}\` is not a buffer`);
    return b;
  }

  // ---- modes and bulk operations ------------------------------------------------------------
  /** Call `fn` on every submodule (children first) and on this module. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /** Set training mode here and in every descendant. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError('training mode is expected to be boolean');
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }

  /** train(false): Dropout becomes the identity, BatchNorm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Reset the gradients of every parameter: to null (default, as PyTorch 2) or to zeros. */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      const g = p.grad;
      if (!g) continue;
      if (setToNone) p.grad = null;
      else {
        const d = g.gradFn ? g.detach() : g;
        d.requiresGrad = false;
        noGrad(() => d.zero_());
        p.grad = d;
      }
    }
  }

  /** Set requiresGrad on every parameter. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Move to a device and/or convert floating-point parameters and buffers to a dtype. Parameters
   * keep their identity (their data is replaced in place), so optimizers built before still work.
   */
  to(target: Device | DType | { device?: Device; dtype?: DType }): this {
    convertTensors(this, target);
    return this;
  }

  /** Like `to(device)` for devices that are read asynchronously (webgpu → cpu). */
  async toAsync(device: Device): Promise<this> {
    const { convertTensorsAsync } = await import('./module-convert.js');
    await convertTensorsAsync(this, device);
    return this;
  }

  cpu(): this {
    return this.to('cpu');
  }
  double(): this {
    return this.to('float64');
  }
  float(): this {
    return this.to('float32');
  }
  half(): this {
    return this.to('float16');
  }
  type(dtype: DType): this {
    return this.to(dtype);
  }

  // ---- hooks ------------------------------------------------------------------------------
  /** `hook(module, args)` runs before forward; it may return new arguments. */
  registerForwardPreHook(hook: ForwardPreHook, opts: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this._forwardPreHooks, hook, opts.prepend);
  }

  /** `hook(module, args, output)` runs after forward; it may return a new output. */
  registerForwardHook(
    hook: ForwardHook,
    opts: { prepend?: boolean; alwaysCall?: boolean } = {},
  ): RemovableHandle {
    const h = addHook(this._forwardHooks, hook, opts.prepend);
    if (opts.alwaysCall) this._forwardHooksAlwaysCall.add(h.id);
    return h;
  }

  /** `hook(module, gradInput, gradOutput)` runs when the gradients of the inputs are known; it may return new gradInput. */
  registerFullBackwardHook(hook: BackwardHook, opts: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this._backwardHooks, hook, opts.prepend);
  }

  /** `hook(module, gradOutput)` runs when the gradients of the outputs are known; it may return new gradOutput. */
  registerFullBackwardPreHook(hook: BackwardPreHook, opts: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this._backwardPreHooks, hook, opts.prepend);
  }

  // ---- state dict -------------------------------------------------------------------------
  /** Keys this module does not report as missing when a state dict lacks them. */
  _optionalStateKeys(): readonly string[] {
    return [];
  }

  /**
   * Parameters and persistent buffers by PyTorch's keys (`features.0.weight`), in PyTorch's
   * order: this module's parameters, its buffers, then each child's entries.
   */
  stateDict(opts: StateDictOptions = {}): Map<string, Tensor> {
    const dest = opts.destination ?? new Map<string, Tensor>();
    const prefix = opts.prefix ?? '';
    const keepVars = opts.keepVars ?? false;
    for (const [k, p] of this._parameters) if (p) dest.set(prefix + k, keepVars ? p : p.detach());
    for (const [k, b] of this._buffers) {
      if (b && !this._nonPersistentBuffers.has(k)) dest.set(prefix + k, keepVars ? b : b.detach());
    }
    for (const [name, m] of this._modules) {
      if (m) m.stateDict({ destination: dest, prefix: `${prefix}${name}.`, keepVars });
    }
    return dest;
  }

  /**
   * Copy values into the parameters and buffers (converting dtype and device). With strict
   * (default), a missing or unexpected key throws; a wrongly-shaped one always throws; on error
   * nothing is changed.
   */
  loadStateDict(stateDict: StateDictLike, opts: LoadStateDictOptions = {}): LoadResult {
    return loadStateDict(this, stateDict, opts);
  }

  // ---- repr -------------------------------------------------------------------------------
  _getName(): string {
    // bundlers rename self-referencing classes (`Sequential` -> `_Sequential`); PyTorch's layer
    // names never start with an underscore, so the printed name drops it
    return this.constructor.name.replace(/^_+/, '');
  }

  /** The text inside the parentheses of this module's repr (e.g. `in_features=4, out_features=2, bias=True`). */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's nested repr. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines: string[] = [];
    for (const [key, m] of this._modules) {
      childLines.push(`(${key}): ${addIndent(m ? m.toString() : 'None', 2)}`);
    }
    const lines = [...extraLines, ...childLines];
    let s = `${this._getName()}(`;
    if (lines.length) {
      if (extraLines.length === 1 && !childLines.length) s += extraLines[0];
      else s += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${s})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
