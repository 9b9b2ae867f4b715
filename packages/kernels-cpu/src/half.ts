import { fromHalfBits } from '@kindling/ops';

/**
 * float16 conversions for `copy`. Decoding goes through a 64Ki-entry table built from
 * `fromHalfBits` (the same values, ~50x faster). Encoding is `toHalfBits`'s algorithm with a
 * shared scratch word instead of a Float32Array allocated per call (~550 ns -> a few ns per value);
 * the tests check it against `toHalfBits` bit for bit.
 */
let table: Float32Array | null = null;

export function halfTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = fromHalfBits(h);
  }
  return table;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** number -> IEEE half bits via float32, round to nearest even: identical to ops' toHalfBits. */
export function halfBits(v: number): number {
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
