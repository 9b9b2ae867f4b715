import { Module } from '../module.js';

type Entries<T> =
  | Map<string, T>
  | ReadonlyMap<string, T>
  | Record<string, T>
  | Iterable<readonly [string, T]>;

export function entriesOf<T>(x: Entries<T> | null | undefined): [string, T][] {
  if (x === null || x === undefined) return [];
  if (x instanceof Map) return [...x.entries()];
  if (typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return [...(x as Iterable<readonly [string, T]>)].map((e, i) => {
      if (!Array.isArray(e) || e.length !== 2) {
        throw new TypeError(`update sequence element #${i} should be a [key, value] pair, got ${typeof e}`);
      }
      return [e[0], e[1]] as [string, T];
    });
  }
  return Object.entries(x as Record<string, T>);
}

/**
 * Submodules by name, in insertion order (torch.nn.ModuleDict). Iterating yields the keys.
 *
 * @example
 * const heads = new ModuleDict({ cls: new Linear(8, 10), box: new Linear(8, 4) });
 * heads.get('cls').call(x);
 */
export class ModuleDict<T extends Module = Module> extends Module {
  constructor(modules?: Entries<NoInfer<T>>) {
    super();
    this.update(modules);
  }

  get length(): number {
    return this._modules.size;
  }

  get(key: string): T {
    const m = this._modules.get(key);
    if (m === undefined) throw new Error(`KeyError: '${key}'`);
    return m as T;
  }

  set(key: string, module: T): void {
    this.addModule(key, module);
  }

  has(key: string): boolean {
    return this._modules.has(key);
  }

  delete(key: string): void {
    this._modules.delete(key);
  }

  /** Remove `key` and return its module. */
  pop(key: string): T {
    const m = this.get(key);
    this._modules.delete(key);
    return m;
  }

  clear(): void {
    this._modules.clear();
  }

  keys(): string[] {
    return [...this._modules.keys()];
  }

  values(): T[] {
    return [...this._modules.values()] as T[];
  }

  items(): [string, T][] {
    return [...this._modules.entries()] as [string, T][];
  }

  /** Add or replace entries from a Map, object or iterable of [key, module] pairs. */
  update(modules?: Entries<T>): void {
    for (const [k, m] of entriesOf(modules)) this.set(k, m);
  }

  *[Symbol.iterator](): Iterator<string> {
    yield* this._modules.keys();
  }
}
