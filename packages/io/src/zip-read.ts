/**
 * A small zip reader for checkpoints: the central directory (zip64 included), stored entries
 * and deflate, with the checks that keep a hostile file harmless: every entry inside the file,
 * no two entries sharing bytes, no duplicate names, no encryption, sizes capped, CRC-32 checked,
 * and nothing decompressed until asked for.
 */
import { dataView, u64, utf8Decode } from './bytes.js';
import { crc32 } from './crc32.js';
import { inflateRaw } from './inflate.js';

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the local file header. */
  headerOffset: number;
  /** Offset of the (compressed) data. */
  dataOffset: number;
}

export interface ZipLimits {
  /** Largest uncompressed entry accepted (default 4 GiB − 1, the most a typed array holds). */
  maxEntryBytes?: number;
  /** Largest compression ratio accepted for deflated entries (default 1000). */
  maxRatio?: number;
}

export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  private readonly b: Uint8Array;
  private readonly fn: string;
  private readonly limits: Required<ZipLimits>;

  constructor(bytes: Uint8Array, fn: string, limits: ZipLimits = {}) {
    this.b = bytes;
    this.fn = fn;
    this.limits = { maxEntryBytes: limits.maxEntryBytes ?? 2 ** 32 - 1, maxRatio: limits.maxRatio ?? 1000 };
    this.readDirectory();
  }

  private fail(msg: string): never {
    throw new Error(`${this.fn}: ${msg}`);
  }

  private readDirectory(): void {
    const b = this.b;
    const dv = dataView(b);
    if (b.length < 22) this.fail(`not a zip file (${b.length} bytes; torch.save writes a zip archive)`);
    // end of central directory: last record with the signature, within the comment window
    let eocd = -1;
    for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
      if (dv.getUint32(i, true) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0)
      this.fail(
        'not a zip file, or truncated (no end-of-central-directory record; torch.save writes a zip archive)',
      );
    let count = dv.getUint16(eocd + 10, true);
    let cdSize = dv.getUint32(eocd + 12, true);
    let cdOffset = dv.getUint32(eocd + 16, true);
    if (dv.getUint16(eocd + 4, true) !== 0 || dv.getUint16(eocd + 6, true) !== 0)
      this.fail('multi-disk zip archives are not supported');
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = eocd - 20;
      if (loc < 0 || dv.getUint32(loc, true) !== 0x07064b50)
        this.fail('zip64 end-of-central-directory locator missing');
      const rec = u64(dv, loc + 8, `${this.fn}: zip64 record offset`);
      if (rec + 56 > b.length || dv.getUint32(rec, true) !== 0x06064b50)
        this.fail('zip64 end-of-central-directory record missing or out of bounds');
      count = u64(dv, rec + 32, `${this.fn}: zip64 entry count`);
      cdSize = u64(dv, rec + 40, `${this.fn}: zip64 directory size`);
      cdOffset = u64(dv, rec + 48, `${this.fn}: zip64 directory offset`);
    }
    if (cdOffset + cdSize > b.length)
      this.fail(
        `central directory [${cdOffset}, ${cdOffset + cdSize}) lies outside the ${b.length}-byte file (truncated?)`,
      );
    if (count > cdSize / 46) this.fail(`central directory claims ${count} entries in ${cdSize} bytes`);
    let p = cdOffset;
    const ranges: [number, number, string][] = [];
    for (let n = 0; n < count; n++) {
      if (p + 46 > cdOffset + cdSize || dv.getUint32(p, true) !== 0x02014b50)
        this.fail(`central directory entry ${n} is corrupt`);
      const flags = dv.getUint16(p + 8, true);
      const method = dv.getUint16(p + 10, true);
      const crc = dv.getUint32(p + 16, true);
      let compressedSize = dv.getUint32(p + 20, true);
      let size = dv.getUint32(p + 24, true);
      const nameLen = dv.getUint16(p + 28, true);
      const extraLen = dv.getUint16(p + 30, true);
      const commentLen = dv.getUint16(p + 32, true);
      let headerOffset = dv.getUint32(p + 42, true);
      const end = p + 46 + nameLen + extraLen + commentLen;
      if (end > cdOffset + cdSize) this.fail(`central directory entry ${n} runs past the directory`);
      const name = utf8Decode(b.subarray(p + 46, p + 46 + nameLen), `${this.fn}: zip entry name`);
      // zip64 extended information: the 0xffffffff fields, in order
      let x = p + 46 + nameLen;
      const xEnd = x + extraLen;
      while (x + 4 <= xEnd) {
        const id = dv.getUint16(x, true);
        const len = dv.getUint16(x + 2, true);
        if (id === 0x0001) {
          let q = x + 4;
          const take = (what: string) => {
            if (q + 8 > x + 4 + len) this.fail(`zip64 field of "${name}" is too short`);
            const v = u64(dv, q, `${this.fn}: ${what} of "${name}"`);
            q += 8;
            return v;
          };
          if (size === 0xffffffff) size = take('size');
          if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
          if (headerOffset === 0xffffffff) headerOffset = take('header offset');
        }
        x += 4 + len;
      }
      if (flags & 1) this.fail(`entry "${name}" is encrypted`);
      if (this.entries.has(name)) this.fail(`duplicate entry "${name}" in the zip directory`);
      if (headerOffset + 30 > b.length || dv.getUint32(headerOffset, true) !== 0x04034b50) {
        this.fail(
          `entry "${name}": local header at ${headerOffset} is missing or outside the file (truncated?)`,
        );
      }
      const dataOffset =
        headerOffset + 30 + dv.getUint16(headerOffset + 26, true) + dv.getUint16(headerOffset + 28, true);
      if (dataOffset + compressedSize > b.length) {
        this.fail(
          `entry "${name}": data [${dataOffset}, ${dataOffset + compressedSize}) runs past the end of the ${b.length}-byte file (truncated?)`,
        );
      }
      if (dataOffset + compressedSize > cdOffset && headerOffset < cdOffset + cdSize)
        this.fail(`entry "${name}" overlaps the central directory`);
      ranges.push([headerOffset, dataOffset + compressedSize, name]);
      this.entries.set(name, { name, method, crc, compressedSize, size, headerOffset, dataOffset });
      p = end;
    }
    // no two entries may share bytes (overlapping entries are how non-recursive zip bombs work)
    ranges.sort((r, s) => r[0] - s[0]);
    for (let i = 1; i < ranges.length; i++) {
      if (ranges[i][0] < ranges[i - 1][1])
        this.fail(`entries "${ranges[i - 1][2]}" and "${ranges[i][2]}" overlap (zip bomb?)`);
    }
  }

  /** The uncompressed bytes of an entry (CRC checked). */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) return this.fail(`the archive has no entry "${name}"`);
    if (e.size > this.limits.maxEntryBytes)
      this.fail(
        `entry "${name}" is ${e.size} bytes uncompressed, over the ${this.limits.maxEntryBytes}-byte limit`,
      );
    const raw = this.b.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
    let data: Uint8Array;
    if (e.method === 0) {
      if (e.compressedSize !== e.size)
        this.fail(`stored entry "${name}" has compressed size ${e.compressedSize} != size ${e.size}`);
      data = raw;
    } else if (e.method === 8) {
      if (e.size > this.limits.maxRatio * Math.max(e.compressedSize, 1) && e.size > 1 << 20) {
        this.fail(
          `entry "${name}" would inflate ${e.compressedSize} bytes to ${e.size} (ratio over ${this.limits.maxRatio}; zip bomb?)`,
        );
      }
      data = inflateRaw(raw, e.size, `${this.fn}: entry "${name}"`);
    } else
      return this.fail(
        `entry "${name}" uses compression method ${e.method} (only stored and deflate are supported)`,
      );
    if (crc32(data) !== e.crc) this.fail(`entry "${name}" fails its CRC-32 check (corrupt file)`);
    return data;
  }
}
