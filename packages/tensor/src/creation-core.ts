import {
  type Device,
  type DType,
  arrayTypeFor,
  contiguousStrides,
  numel,
  toHalfBits,
  type TypedArray,
} from '@kindling/ops';
import { getBackend } from './registry.js';
import { Storage } from './storage.js';
import { Tensor } from './tensor.js';

/** A tensor holding `data` (copied into a new buffer on `device`). */
export function fromTypedArray(
  data: TypedArray,
  shape: readonly number[],
  dtype: DType,
  device: Device,
): Tensor {
  const backend = getBackend(device);
  const n = numel(shape);
  if (data.length !== n) {
    throw new RangeError(
      `tensor: ${data.length} values cannot fill shape [${shape.join(', ')}] (${n} elements)`,
    );
  }
  const Ctor = arrayTypeFor(dtype);
  let typed: TypedArray;
  // a Uint16Array for float16 holds raw half bits; any other array holds values
  if (data instanceof Ctor) typed = data;
  else if (dtype === 'float16') {
    typed = new Uint16Array(n);
    for (let i = 0; i < n; i++) typed[i] = toHalfBits(Number(data[i]));
  } else if (dtype === 'bool') {
    typed = new Uint8Array(n);
    for (let i = 0; i < n; i++) typed[i] = data[i] ? 1 : 0;
  } else {
    typed = new Ctor(n);
    typed.set(data as ArrayLike<number>);
  }
  const storage = new Storage(backend, backend.upload(dtype, typed), dtype, n);
  return new Tensor(storage, [...shape], contiguousStrides(shape), 0, dtype);
}

const scalarCache = new Map<string, Tensor>();

/**
 * A 0-dim tensor for a Python-style scalar operand. Cached per device, dtype and value: these are
 * internal, never written in place, and caching spares GPU uploads in tight loops. One created
 * inside a memory scope is disposed with it and made again on next use, so per-step constants
 * (an optimizer's bias corrections) never accumulate.
 */
export function fromScalar(value: number, dtype: DType, device: Device): Tensor {
  const key = `${device}|${dtype}|${Object.is(value, -0) ? '-0' : value}`;
  const hit = scalarCache.get(key);
  if (hit && !hit._storage.disposed && hit._storage.backend === getBackend(device)) return hit;
  const arr = dtype === 'float16' ? Float32Array.of(value) : new (arrayTypeFor(dtype))(1);
  if (dtype !== 'float16') arr[0] = dtype === 'bool' ? (value ? 1 : 0) : value;
  const t = fromTypedArray(arr, [], dtype, device);
  t._keepAlive();
  if (scalarCache.size > 512) scalarCache.clear();
  scalarCache.set(key, t);
  return t;
}
