import { isModule } from '../module-attrs.js';
import { Module } from '../module.js';
import { normIndex } from './index-util.js';

type NamedModules = Map<string, Module> | ReadonlyMap<string, Module> | Record<string, Module>;

/**
 * Children run in order, each on the previous one's output (torch.nn.Sequential). Children are
 * named '0', '1', ... or, when built from a Map or object, by its keys.
 *
 * Input: whatever the first child takes. Output: what the last child returns.
 *
 * @example
 * const mlp = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * mlp.call(randn(3, 4)).shape; // [3, 2]
 * const named = new Sequential(new Map([['fc', new Linear(4, 2)], ['act', new Tanh()]]));
 * named.getSubmodule('fc');
 */
export class Sequential extends Module {
  constructor(...args: Module[] | [NamedModules]) {
    super();
    const first = args[0] as unknown;
    if (args.length === 1 && first && typeof first === 'object' && !isModule(first)) {
      const entries =
        first instanceof Map ? [...first.entries()] : Object.entries(first as Record<string, Module>);
      for (const [k, m] of entries) this.addModule(k, m as Module);
    } else {
      (args as Module[]).forEach((m, i) => {
        this.addModule(String(i), m);
      });
    }
  }

  get length(): number {
    return this._modules.size;
  }

  private keyAt(i: number): string {
    return [...this._modules.keys()][normIndex('Sequential', i, this._modules.size)];
  }

  /** The child at position `i` (negative counts from the end). */
  at(i: number): Module {
    return this._modules.get(this.keyAt(i)) as Module;
  }

  /** Same as at(i). */
  get(i: number): Module {
    return this.at(i);
  }

  /** Replace the child at position `i`. */
  set(i: number, module: Module): void {
    (this as unknown as Record<string, unknown>)[this.keyAt(i)] = module;
  }

  /** Remove the child at position `i`; the remaining children are renumbered '0', '1', ... */
  delete(i: number): void {
    this._modules.delete(this.keyAt(i));
    this.renumber();
  }

  private renumber(): void {
    const values = [...this._modules.values()];
    this._modules.clear();
    values.forEach((m, k) => {
      this._modules.set(String(k), m);
    });
  }

  /** A new Sequential of children [start, end) (Python slice semantics), keeping their names. */
  slice(start?: number, end?: number): Sequential {
    return new Sequential(new Map([...this._modules].slice(start, end) as [string, Module][]));
  }

  append(module: Module): this {
    this.addModule(String(this._modules.size), module);
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Insert `module` at position `index` (negative counts from the end), shifting later children. */
  insert(index: number, module: Module): this {
    if (!isModule(module)) throw new TypeError(`module should be of type: Module`);
    const n = this._modules.size;
    if (!(-n <= index && index <= n)) throw new RangeError(`Index out of range: ${index}`);
    const at = index < 0 ? index + n : index;
    for (let i = n; i > at; i--) this._modules.set(String(i), this._modules.get(String(i - 1)) ?? null);
    this._modules.set(String(at), module);
    return this;
  }

  /** Remove and return the child at position `i` (default last). */
  pop(i = -1): Module {
    const m = this.at(i);
    this.delete(i);
    return m;
  }

  *[Symbol.iterator](): Iterator<Module> {
    for (const m of this._modules.values()) if (m) yield m;
  }

  override forward(input: unknown): unknown {
    let x = input;
    for (const m of this) x = (m.call as (a: unknown) => unknown)(x);
    return x;
  }
}
