import { isModule } from '../module-attrs.js';
import { Module } from '../module.js';
import { addIndent } from '../repr.js';
import { normIndex } from './index-util.js';

/**
 * A list of submodules, registered as '0', '1', ... (torch.nn.ModuleList). It has no forward;
 * iterate it in your own.
 *
 * @example
 * const layers = new ModuleList([new Linear(4, 4), new Linear(4, 4)]);
 * layers.append(new Linear(4, 2));
 * for (const l of layers) x = l.call(x);
 */
export class ModuleList<T extends Module = Module> extends Module {
  constructor(modules: Iterable<NoInfer<T>> = []) {
    super();
    this.extend(modules);
  }

  get length(): number {
    return this._modules.size;
  }

  /** The module at `i` (negative counts from the end). */
  at(i: number): T {
    return this._modules.get(String(normIndex('ModuleList', i, this._modules.size))) as T;
  }

  get(i: number): T {
    return this.at(i);
  }

  set(i: number, module: T): void {
    (this as unknown as Record<string, unknown>)[String(normIndex('ModuleList', i, this._modules.size))] =
      module;
  }

  /** Remove the module at `i`; later ones are renumbered. */
  delete(i: number): void {
    this._modules.delete(String(normIndex('ModuleList', i, this._modules.size)));
    const values = [...this._modules.values()];
    this._modules.clear();
    values.forEach((m, k) => {
      this._modules.set(String(k), m);
    });
  }

  /** Remove and return the module at `i` (default last). */
  pop(i = -1): T {
    const m = this.at(i);
    this.delete(i);
    return m;
  }

  /** A new ModuleList of modules [start, end) (Python slice semantics). */
  slice(start?: number, end?: number): ModuleList<T> {
    return new ModuleList<T>([...this].slice(start, end));
  }

  append(module: T): this {
    this.addModule(String(this._modules.size), module);
    return this;
  }

  extend(modules: Iterable<T>): this {
    if (modules === null || typeof (modules as Iterable<T>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`ModuleList.extend should be called with an iterable, but got ${typeof modules}`);
    }
    for (const m of modules) this.append(m);
    return this;
  }

  /** Insert before position `index` (negative counts from the end). */
  insert(index: number, module: T): void {
    if (!isModule(module)) throw new TypeError('ModuleList.insert expects a Module');
    const n = this._modules.size;
    const at = Math.max(0, Math.min(n, index < 0 ? index + n : index));
    for (let i = n; i > at; i--) this._modules.set(String(i), this._modules.get(String(i - 1)) ?? null);
    this._modules.set(String(at), module);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const m of this._modules.values()) if (m) yield m as T;
  }

  /** PyTorch 2's repr: runs of identical modules are shown once, as `(0-2): 3 x Linear(...)`. */
  override toString(): string {
    const reprs = [...this._modules.values()].map((m) => (m ? m.toString() : 'None'));
    if (!reprs.length) return `${this._getName()}()`;
    const blocks: [number, number, string][] = [];
    reprs.forEach((r, i) => {
      const last = blocks[blocks.length - 1];
      if (last && last[2] === r) last[1] = i;
      else blocks.push([i, i, r]);
    });
    const lines = blocks.map(([s, e, b]) =>
      addIndent(s === e ? `(${s}): ${b}` : `(${s}-${e}): ${e - s + 1} x ${b}`, 2),
    );
    return `${this._getName()}(\n  ${lines.join('\n  ')}\n)`;
  }
}
