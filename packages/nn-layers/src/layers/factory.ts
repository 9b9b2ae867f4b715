import { type Device, type DType, empty, type Tensor } from '@kindling/tensor';
import { Parameter } from '../parameter.js';

/** PyTorch's factory keyword arguments of layers (`device`, `dtype`). */
export interface FactoryOptions {
  device?: Device;
  dtype?: DType;
}

/** A new (zero-filled, to be initialised) parameter. */
export function newParam(shape: readonly number[], o: FactoryOptions = {}): Parameter {
  return new Parameter(empty([...shape], { dtype: o.dtype ?? 'float32', device: o.device ?? 'cpu' }));
}

/** A new buffer tensor filled with `value`. */
export function newBuffer(shape: readonly number[], value: number, o: FactoryOptions = {}): Tensor {
  return empty([...shape], { dtype: o.dtype ?? 'float32', device: o.device ?? 'cpu' }).fill_(value);
}

/** `[2, 3]` for error messages. */
export const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/**
 * PyTorch lets the first keyword argument be given positionally (`nn.Dropout(0.2)`,
 * `nn.ReLU(True)`, `nn.Softmax(1)`): accept it as a bare number/boolean, or the options object.
 */
export function kw<O extends object>(arg: O | number | boolean | null | undefined, key: keyof O): O {
  if (typeof arg === 'number' || typeof arg === 'boolean') return { [key]: arg } as O;
  return arg ?? ({} as O);
}
