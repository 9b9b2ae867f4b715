/**
 * The element types found in checkpoints and how they map onto Kindling's dtypes: each stored
 * type is read into the nearest Kindling dtype (int64 → int32 with a range check, bfloat16 →
 * float32, small integers → int32).
 */
import type { DType, TypedArray } from '@kindling/tensor';

/** Stored element types (safetensors' names). */
export type StoredType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const STORED_SIZE: Record<StoredType, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** The Kindling dtype each stored type loads as. */
export const LOADS_AS: Record<StoredType, DType> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float16',
  BF16: 'float32',
  I64: 'int32',
  I32: 'int32',
  I16: 'int32',
  I8: 'int32',
  U8: 'int32',
  BOOL: 'bool',
};

/** The stored type each Kindling dtype saves as. */
export const SAVES_AS: Record<DType, StoredType> = {
  float64: 'F64',
  float32: 'F32',
  float16: 'F16',
  int32: 'I32',
  bool: 'BOOL',
};

export const isStoredType = (s: unknown): s is StoredType =>
  typeof s === 'string' && Object.hasOwn(STORED_SIZE, s);

/**
 * Decode `n` little-endian elements of `type` from `raw` (aligned; the result may alias it)
 * into the typed array Kindling's dtype uses (float16 as raw half bits in a Uint16Array).
 * `what` names the tensor in errors (e.g. the int64 range check).
 */
export function decode(type: StoredType, raw: Uint8Array, n: number, what: string): TypedArray {
  const buf = raw.buffer;
  const off = raw.byteOffset;
  switch (type) {
    case 'F64':
      return new Float64Array(buf, off, n);
    case 'F32':
      return new Float32Array(buf, off, n);
    case 'F16':
      return new Uint16Array(buf, off, n);
    case 'I32':
      return new Int32Array(buf, off, n);
    case 'BF16': {
      const src = new Uint16Array(buf, off, n);
      const bits = new Uint32Array(n);
      for (let i = 0; i < n; i++) bits[i] = src[i] << 16;
      return new Float32Array(bits.buffer);
    }
    case 'I64': {
      const src = new Int32Array(buf, off, 2 * n);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const lo = src[2 * i];
        const hi = src[2 * i + 1];
        // in int32 range iff the high word is the sign extension of the low word
        if (hi !== lo >> 31) {
          const v = BigInt(hi) * 4294967296n + BigInt(lo >>> 0);
          throw new RangeError(
            `${what}: int64 value ${v} at element ${i} is outside the int32 range Kindling loads int64 into`,
          );
        }
        out[i] = lo;
      }
      return out;
    }
    case 'I16':
      return Int32Array.from(new Int16Array(buf, off, n));
    case 'I8':
      return Int32Array.from(new Int8Array(buf, off, n));
    case 'U8':
      return Int32Array.from(raw.subarray(0, n));
    case 'BOOL': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = raw[i];
        if (v > 1) throw new RangeError(`${what}: bool element ${i} holds byte ${v} (expected 0 or 1)`);
        out[i] = v;
      }
      return out;
    }
  }
}
