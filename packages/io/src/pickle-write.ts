/** A minimal protocol-2 pickler for what torchSave writes: dicts, lists, strings, numbers, tensors by persistent id. */
import { utf8Encode } from './bytes.js';

export class PickleWriter {
  private parts: number[] = [];
  private chunks: Uint8Array[] = [];

  private flush(): void {
    if (this.parts.length) {
      this.chunks.push(Uint8Array.from(this.parts));
      this.parts = [];
    }
  }
  op(...bytes: number[]): this {
    for (const b of bytes) this.parts.push(b);
    return this;
  }
  raw(b: Uint8Array): this {
    this.flush();
    this.chunks.push(b);
    return this;
  }
  u32(v: number): this {
    return this.op(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  proto(): this {
    return this.op(0x80, 2);
  }
  mark(): this {
    return this.op(0x28);
  }
  none(): this {
    return this.op(0x4e);
  }
  bool(v: boolean): this {
    return this.op(v ? 0x88 : 0x89);
  }
  int(v: number): this {
    if (!Number.isSafeInteger(v)) throw new RangeError(`pickle: ${v} is not an integer`);
    if (v >= 0 && v < 256) return this.op(0x4b, v);
    if (v >= 0 && v < 65536) return this.op(0x4d, v & 0xff, v >> 8);
    if (v >= -(2 ** 31) && v < 2 ** 31) return this.op(0x4a).u32(v >>> 0);
    // LONG1: little-endian two's complement
    let x = BigInt(v);
    const bytes: number[] = [];
    while (x !== 0n && x !== -1n) {
      bytes.push(Number(x & 0xffn));
      x >>= 8n;
    }
    const neg = v < 0;
    if (!bytes.length || ((bytes[bytes.length - 1] & 0x80) !== 0) !== neg) bytes.push(neg ? 0xff : 0);
    return this.op(0x8a, bytes.length, ...bytes);
  }
  float(v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, false);
    return this.op(0x47, ...b);
  }
  str(s: string): this {
    const b = utf8Encode(s);
    this.op(0x58).u32(b.length);
    return this.raw(b);
  }
  global(module: string, name: string): this {
    this.op(0x63);
    return this.raw(utf8Encode(`${module}\n${name}\n`));
  }
  tuple(n: number): this {
    if (n === 0) return this.op(0x29);
    if (n <= 3) return this.op(0x84 + n);
    return this.op(0x74);
  }
  emptyDict(): this {
    return this.op(0x7d);
  }
  emptyList(): this {
    return this.op(0x5d);
  }
  setItems(): this {
    return this.op(0x75);
  }
  appends(): this {
    return this.op(0x65);
  }
  reduce(): this {
    return this.op(0x52);
  }
  binpersid(): this {
    return this.op(0x51);
  }
  stop(): Uint8Array {
    this.op(0x2e);
    this.flush();
    const n = this.chunks.reduce((a, c) => a + c.length, 0);
    const out = new Uint8Array(n);
    let p = 0;
    for (const c of this.chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }
}
