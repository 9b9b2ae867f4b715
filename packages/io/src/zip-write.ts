/** A zip writer for checkpoints: stored entries, data aligned to 64 bytes as PyTorch aligns it, zip64 when needed. */
import { dataView, utf8Encode } from './bytes.js';
import { crc32 } from './crc32.js';

const ALIGN = 64;

export function writeZip(files: readonly [string, Uint8Array][]): Uint8Array {
  const locals: { name: Uint8Array; data: Uint8Array; crc: number; offset: number; pad: number }[] = [];
  let off = 0;
  for (const [n, data] of files) {
    const name = utf8Encode(n);
    // extra field: id 'FB', padding so the data starts on a 64-byte boundary (PyTorch does this)
    const base = off + 30 + name.length + 4;
    const pad = (ALIGN - (base % ALIGN)) % ALIGN;
    locals.push({ name, data, crc: crc32(data), offset: off, pad });
    off = base + pad + data.length;
  }
  const zip64 = off >= 0xffffffff || files.length >= 0xffff;
  const cdParts: Uint8Array[] = [];
  for (const l of locals) {
    const big = l.data.length >= 0xffffffff || l.offset >= 0xffffffff;
    const extra = big ? 28 : 0;
    const h = new Uint8Array(46 + l.name.length + extra);
    const dv = dataView(h);
    dv.setUint32(0, 0x02014b50, true);
    dv.setUint16(4, 45, true);
    dv.setUint16(6, big ? 45 : 20, true);
    dv.setUint16(8, 0x0800, true); // UTF-8 names
    dv.setUint32(16, l.crc, true);
    dv.setUint32(20, big ? 0xffffffff : l.data.length, true);
    dv.setUint32(24, big ? 0xffffffff : l.data.length, true);
    dv.setUint16(28, l.name.length, true);
    dv.setUint16(30, extra, true);
    dv.setUint32(42, big ? 0xffffffff : l.offset, true);
    h.set(l.name, 46);
    if (big) {
      const x = 46 + l.name.length;
      dv.setUint16(x, 1, true);
      dv.setUint16(x + 2, 24, true);
      dv.setBigUint64(x + 4, BigInt(l.data.length), true);
      dv.setBigUint64(x + 12, BigInt(l.data.length), true);
      dv.setBigUint64(x + 20, BigInt(l.offset), true);
    }
    cdParts.push(h);
  }
  const cdSize = cdParts.reduce((a, h) => a + h.length, 0);
  const tail = 22 + (zip64 ? 56 + 20 : 0);
  const out = new Uint8Array(off + cdSize + tail);
  const dv = dataView(out);
  for (const l of locals) {
    const big = l.data.length >= 0xffffffff;
    dv.setUint32(l.offset, 0x04034b50, true);
    dv.setUint16(l.offset + 4, big ? 45 : 20, true);
    dv.setUint16(l.offset + 6, 0x0800, true);
    dv.setUint32(l.offset + 14, l.crc, true);
    dv.setUint32(l.offset + 18, big ? 0xffffffff : l.data.length, true);
    dv.setUint32(l.offset + 22, big ? 0xffffffff : l.data.length, true);
    dv.setUint16(l.offset + 26, l.name.length, true);
    dv.setUint16(l.offset + 28, 4 + l.pad, true);
    out.set(l.name, l.offset + 30);
    const x = l.offset + 30 + l.name.length;
    dv.setUint16(x, 0x4246, true); // 'FB'
    dv.setUint16(x + 2, l.pad, true);
    out.set(l.data, x + 4 + l.pad);
  }
  let p = off;
  for (const h of cdParts) {
    out.set(h, p);
    p += h.length;
  }
  if (zip64) {
    const rec = p;
    dv.setUint32(p, 0x06064b50, true);
    dv.setBigUint64(p + 4, 44n, true);
    dv.setUint16(p + 12, 45, true);
    dv.setUint16(p + 14, 45, true);
    dv.setBigUint64(p + 24, BigInt(files.length), true);
    dv.setBigUint64(p + 32, BigInt(files.length), true);
    dv.setBigUint64(p + 40, BigInt(cdSize), true);
    dv.setBigUint64(p + 48, BigInt(off), true);
    p += 56;
    dv.setUint32(p, 0x07064b50, true);
    dv.setBigUint64(p + 8, BigInt(rec), true);
    dv.setUint32(p + 16, 1, true);
    p += 20;
  }
  dv.setUint32(p, 0x06054b50, true);
  dv.setUint16(p + 8, zip64 ? 0xffff : files.length, true);
  dv.setUint16(p + 10, zip64 ? 0xffff : files.length, true);
  dv.setUint32(p + 12, zip64 ? 0xffffffff : cdSize, true);
  dv.setUint32(p + 16, zip64 ? 0xffffffff : off, true);
  return out;
}
