/**
 * Data types and PyTorch's type promotion.
 *
 * float16 is a storage dtype: tensors can hold it, convert to and from it and move between
 * devices, but arithmetic promotes through float32 on backends without native half support.
 */
export type DType = 'float32' | 'float64' | 'float16' | 'int32' | 'bool';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'float16', 'int32', 'bool'];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | Uint16Array;

/** The JS array type each dtype is stored in (float16 as raw IEEE half bits). */
export type ArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : D extends 'bool'
        ? Uint8Array
        : Uint16Array;

export const BYTES_PER_ELEMENT: Record<DType, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  int32: 4,
  bool: 1,
};

export function arrayTypeFor(dtype: DType) {
  switch (dtype) {
    case 'float32':
      return Float32Array;
    case 'float64':
      return Float64Array;
    case 'float16':
      return Uint16Array;
    case 'int32':
      return Int32Array;
    case 'bool':
      return Uint8Array;
    default:
      return dtype satisfies never;
  }
}

export function isFloating(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16';
}

/** Promotion category: bool < integral < floating. */
export function category(d: DType): 0 | 1 | 2 {
  return d === 'bool' ? 0 : d === 'int32' ? 1 : 2;
}

/** PyTorch's names, used in error messages (`torch.FloatTensor`, `Float`). */
export const TORCH_NAME: Record<DType, string> = {
  float32: 'Float',
  float64: 'Double',
  float16: 'Half',
  int32: 'Int',
  bool: 'Bool',
};

/** torch.promote_types for two tensor dtypes. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ca = category(a);
  const cb = category(b);
  if (ca !== cb) return ca > cb ? a : b;
  // same category, different dtype: only floats have several members
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}

/** One participant of torch.result_type: a tensor (with or without dimensions) or a Python scalar. */
export type Participant = { dtype: DType; ndim: number } | number | boolean;

/**
 * torch.result_type: dimensioned tensors win over zero-dim tensors, which win over scalars,
 * unless a lower-priority participant is of a higher category (int tensor + 2.5 -> float32).
 */
export function resultDType(parts: readonly Participant[], defaultFloat: DType = 'float32'): DType {
  let dim: DType | null = null;
  let zero: DType | null = null;
  let scalar: DType | null = null;
  for (const p of parts) {
    if (typeof p === 'number') {
      const d: DType = Number.isInteger(p) ? 'int32' : defaultFloat;
      scalar = scalar === null ? d : promoteTypes(scalar, d);
    } else if (typeof p === 'boolean') {
      scalar = scalar === null ? 'bool' : promoteTypes(scalar, 'bool');
    } else if (p.ndim > 0) {
      dim = dim === null ? p.dtype : promoteTypes(dim, p.dtype);
    } else {
      zero = zero === null ? p.dtype : promoteTypes(zero, p.dtype);
    }
  }
  let out: DType | null = dim;
  // zero-dim tensors lift the category with their own dtype, scalars with the default dtype
  if (zero !== null) out = out === null || category(zero) > category(out) ? zero : out;
  if (scalar !== null && (out === null || category(scalar) > category(out))) out = scalar;
  return out ?? defaultFloat;
}

// one shared scratch word: toHalfBits runs per element in conversions, so it must not allocate
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** number -> IEEE half bits via float32 (round to nearest even). */
export function toHalfBits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** IEEE half bits -> number. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
