import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** An IDX file (the MNIST format): unsigned bytes with their dims. */
export interface Idx {
  dims: number[];
  data: Uint8Array;
}

/** Parses IDX bytes, gzipped or not (only the unsigned-byte type, 0x08, which MNIST uses). */
export function parseIdx(raw: Uint8Array): Idx {
  const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? new Uint8Array(gunzipSync(raw)) : raw;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0 || bytes[2] !== 0x08) throw new Error('not an unsigned-byte IDX file');
  const nd = bytes[3];
  const dims = Array.from({ length: nd }, (_, i) => view.getUint32(4 + 4 * i));
  const n = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * nd;
  if (bytes.length < start + n) throw new Error(`IDX file truncated: ${bytes.length - start} of ${n} bytes`);
  return { dims, data: bytes.subarray(start, start + n) };
}

/** Reads `<base>` or `<base>.gz`, whichever exists. */
export function readIdx(base: string): Idx {
  for (const p of [base, `${base}.gz`]) if (existsSync(p)) return parseIdx(new Uint8Array(readFileSync(p)));
  throw new Error(`no IDX file at ${base}[.gz]`);
}

export function hasIdx(base: string): boolean {
  return existsSync(base) || existsSync(`${base}.gz`);
}
