/** Little helpers over byte arrays (Node Buffers included: they are Uint8Arrays). */

/** A Uint8Array over exactly these bytes (a Buffer or a view into a bigger buffer stays a view). */
export function asBytes(fn: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new TypeError(
    `${fn}: bytes must be a Uint8Array (or ArrayBuffer), got ${bytes === null ? 'null' : typeof bytes}`,
  );
}

export const dataView = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** A little-endian u64 as a number; throws past 2^53 (no file here is that big). */
export function u64(dv: DataView, at: number, what: string): number {
  const lo = dv.getUint32(at, true);
  const hi = dv.getUint32(at + 4, true);
  if (hi >= 0x200000) throw new RangeError(`${what}: 64-bit value too large (${hi} * 2^32 + ${lo})`);
  return hi * 0x100000000 + lo;
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
export const utf8Encode = (s: string) => new TextEncoder().encode(s);

/** Decode UTF-8, throwing `${what} is not valid UTF-8` on bad input. */
export function utf8Decode(b: Uint8Array, what: string): string {
  try {
    return utf8Fatal.decode(b);
  } catch {
    throw new Error(`${what} is not valid UTF-8`);
  }
}

/** Latin-1 (one char per byte), for pickle's protocol-0 strings and GLOBAL names. */
export function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

/** Is this machine little-endian (typed arrays use the platform order)? */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverse the bytes of each `size`-byte element, in place. */
export function swapBytes(b: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= b.length; i += size) {
    for (let j = 0, k = size - 1; j < k; j++, k--) {
      const t = b[i + j];
      b[i + j] = b[i + k];
      b[i + k] = t;
    }
  }
}

/**
 * `len` bytes at `at`, readable as elements of `align` bytes: a view when the offset is already
 * aligned (typed arrays need aligned offsets), else an aligned copy. Callers must not write to it.
 */
export function alignedBytes(b: Uint8Array, at: number, len: number, align: number): Uint8Array {
  const v = b.subarray(at, at + len);
  return v.byteOffset % align === 0 ? v : v.slice();
}
