import type { DType, Tensor } from '@kindling/tensor';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { entriesOf } from './module-dict.js';
import { asParameter, paramLine } from './parameter-list.js';

const TYPENAME: Record<DType, string> = {
  float32: 'torch.FloatTensor',
  float64: 'torch.DoubleTensor',
  float16: 'torch.HalfTensor',
  int32: 'torch.IntTensor',
  bool: 'torch.BoolTensor',
};

type Entries =
  | Map<string, Tensor>
  | ReadonlyMap<string, Tensor>
  | Record<string, Tensor>
  | Iterable<readonly [string, Tensor]>;

const isPlainObject = (x: unknown): boolean =>
  x !== null &&
  typeof x === 'object' &&
  !(x instanceof Map) &&
  typeof (x as Iterable<unknown>)[Symbol.iterator] !== 'function';

/**
 * Parameters by name, in insertion order (torch.nn.ParameterDict). Plain tensors are wrapped in
 * Parameters; iterating yields the keys. Like PyTorch 1.13, which sorts a plain `dict` but keeps
 * an OrderedDict's order, a plain object is taken in sorted key order and a Map (or list of
 * pairs, or another ParameterDict) in its own order, so state-dict keys match PyTorch's.
 *
 * @example
 * const pd = new ParameterDict({ alpha: new Parameter(ones(3)) });
 * pd.get('alpha');
 */
export class ParameterDict extends Module {
  constructor(parameters?: Entries | ParameterDict) {
    super();
    this.update(parameters);
  }

  get length(): number {
    return this._parameters.size;
  }

  get(key: string): Parameter {
    const p = this._parameters.get(key);
    if (p === undefined) throw new Error(`KeyError: '${key}'`);
    return p as Parameter;
  }

  set(key: string, value: Tensor): void {
    this.registerParameter(key, asParameter(value));
  }

  has(key: string): boolean {
    return this._parameters.has(key);
  }

  delete(key: string): void {
    this._parameters.delete(key);
  }

  pop(key: string): Parameter {
    const p = this.get(key);
    this._parameters.delete(key);
    return p;
  }

  clear(): void {
    this._parameters.clear();
  }

  keys(): string[] {
    return [...this._parameters.keys()];
  }

  values(): Parameter[] {
    return [...this._parameters.values()] as Parameter[];
  }

  items(): [string, Parameter][] {
    return [...this._parameters.entries()] as [string, Parameter][];
  }

  update(parameters?: Entries | ParameterDict): void {
    if (parameters instanceof ParameterDict) {
      for (const [k, v] of parameters.items()) this.set(k, v);
      return;
    }
    const entries = entriesOf(parameters);
    if (isPlainObject(parameters)) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [k, v] of entries) this.set(k, v);
  }

  *[Symbol.iterator](): Iterator<string> {
    yield* this._parameters.keys();
  }

  override extraRepr(): string {
    return [...this._parameters]
      .map(([k, p]) => (p ? paramLine(k, p, TYPENAME[p.dtype]) : `  (${k}): None`))
      .join('\n');
  }
}
