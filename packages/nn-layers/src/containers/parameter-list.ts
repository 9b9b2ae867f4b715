import type { Tensor } from '@kindling/tensor';
import { isTensor } from '../module-attrs.js';
import { Module } from '../module.js';
import { Parameter, torchDtype } from '../parameter.js';
import { normIndex } from './index-util.js';

export const asParameter = (t: Tensor): Parameter => (t instanceof Parameter ? t : new Parameter(t));

/** PyTorch's line for a parameter in ParameterList/ParameterDict reprs. */
export function paramLine(key: string, p: Tensor, typeText: string): string {
  const dev = p.device === 'cpu' ? '' : ` (${p.device})`;
  return `  (${key}): ${p instanceof Parameter ? 'Parameter' : 'Tensor'} containing: [${typeText} of size ${p.shape.join('x')}${dev}]`;
}

/**
 * A list of parameters, registered as '0', '1', ... (torch.nn.ParameterList). Plain tensors are
 * wrapped in Parameters.
 *
 * @example
 * const ps = new ParameterList([new Parameter(randn(2, 3)), randn(4)]);
 * [...ps.stateDict().keys()]; // ['0', '1']
 */
export class ParameterList extends Module {
  constructor(values: Iterable<Tensor> = []) {
    super();
    this.extend(values);
  }

  get length(): number {
    return this._parameters.size;
  }

  at(i: number): Parameter {
    return this._parameters.get(String(normIndex('ParameterList', i, this._parameters.size))) as Parameter;
  }

  get(i: number): Parameter {
    return this.at(i);
  }

  set(i: number, value: Tensor): void {
    const k = String(normIndex('ParameterList', i, this._parameters.size));
    this.registerParameter(k, asParameter(value));
  }

  append(value: Tensor): this {
    if (!isTensor(value)) throw new TypeError(`ParameterList holds tensors, got ${typeof value}`);
    this.registerParameter(String(this._parameters.size), asParameter(value));
    return this;
  }

  extend(values: Iterable<Tensor>): this {
    if (values === null || typeof (values as Iterable<Tensor>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`ParameterList.extend should be called with an iterable, but got ${typeof values}`);
    }
    for (const v of values) this.append(v);
    return this;
  }

  *[Symbol.iterator](): Iterator<Parameter> {
    for (const p of this._parameters.values()) if (p) yield p;
  }

  override extraRepr(): string {
    return [...this._parameters]
      .map(([k, p]) => (p ? paramLine(k, p, torchDtype(p.dtype)) : `  (${k}): None`))
      .join('\n');
  }
}
