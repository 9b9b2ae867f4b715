/**
 * Raw DEFLATE decompression (RFC 1951), synchronous and dependency free, so zip entries can be
 * read the same way in Node and in browsers. The output is capped at `expected` bytes: a stream
 * that would produce more is refused (a zip bomb cannot lie its way past its declared size).
 */

class Huffman {
  counts = new Uint16Array(16);
  symbols: Uint16Array;
  constructor(lengths: Uint8Array, n: number) {
    this.symbols = new Uint16Array(n);
    for (let i = 0; i < n; i++) this.counts[lengths[i]]++;
    this.counts[0] = 0;
    const offs = new Uint16Array(16);
    for (let i = 1; i < 16; i++) offs[i] = offs[i - 1] + this.counts[i - 1];
    for (let i = 0; i < n; i++) if (lengths[i]) this.symbols[offs[lengths[i]]++] = i;
  }
}

const LEN_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
  227, 258,
];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

let fixed: [Huffman, Huffman] | null = null;
function fixedTables(): [Huffman, Huffman] {
  if (fixed) return fixed;
  const l = new Uint8Array(288);
  l.fill(8, 0, 144);
  l.fill(9, 144, 256);
  l.fill(7, 256, 280);
  l.fill(8, 280, 288);
  const d = new Uint8Array(30).fill(5);
  fixed = [new Huffman(l, 288), new Huffman(d, 30)];
  return fixed;
}

/** Inflate `src` into exactly `expected` bytes; `what` names the entry in errors. */
export function inflateRaw(src: Uint8Array, expected: number, what: string): Uint8Array {
  const out = new Uint8Array(expected);
  let op = 0;
  let ip = 0;
  let bitBuf = 0;
  let bitCnt = 0;
  const fail = (msg: string): never => {
    throw new Error(`${what}: ${msg}`);
  };
  const bits = (n: number): number => {
    while (bitCnt < n) {
      if (ip >= src.length) fail('compressed data is truncated');
      bitBuf |= src[ip++] << bitCnt;
      bitCnt += 8;
    }
    const v = bitBuf & ((1 << n) - 1);
    bitBuf >>>= n;
    bitCnt -= n;
    return v;
  };
  const sym = (h: Huffman): number => {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= bits(1);
      const count = h.counts[len];
      if (code - count < first) return h.symbols[index + (code - first)];
      index += count;
      first += count;
      first <<= 1;
      code <<= 1;
    }
    return fail('invalid Huffman code');
  };
  const codes = (lit: Huffman, dist: Huffman) => {
    for (;;) {
      const s = sym(lit);
      if (s < 256) {
        if (op >= expected) fail(`decompresses to more than the declared ${expected} bytes (zip bomb?)`);
        out[op++] = s;
      } else if (s === 256) return;
      else {
        const li = s - 257;
        if (li >= 29) fail('invalid length code');
        const len = LEN_BASE[li] + bits(LEN_EXTRA[li]);
        const di = sym(dist);
        if (di >= 30) fail('invalid distance code');
        const d = DIST_BASE[di] + bits(DIST_EXTRA[di]);
        if (d > op) fail('distance reaches before the start of the output');
        if (op + len > expected) fail(`decompresses to more than the declared ${expected} bytes (zip bomb?)`);
        for (let k = 0; k < len; k++, op++) out[op] = out[op - d];
      }
    }
  };
  let last = 0;
  while (!last) {
    last = bits(1);
    const type = bits(2);
    if (type === 0) {
      bitBuf = 0;
      bitCnt = 0;
      if (ip + 4 > src.length) fail('compressed data is truncated');
      const len = src[ip] | (src[ip + 1] << 8);
      const nlen = src[ip + 2] | (src[ip + 3] << 8);
      ip += 4;
      if (len !== (~nlen & 0xffff)) fail('stored block length check failed');
      if (ip + len > src.length) fail('compressed data is truncated');
      if (op + len > expected) fail(`decompresses to more than the declared ${expected} bytes (zip bomb?)`);
      out.set(src.subarray(ip, ip + len), op);
      ip += len;
      op += len;
    } else if (type === 1) {
      const [l, d] = fixedTables();
      codes(l, d);
    } else if (type === 2) {
      const nlen = bits(5) + 257;
      const ndist = bits(5) + 1;
      const ncode = bits(4) + 4;
      if (nlen > 286 || ndist > 30) fail('bad dynamic block counts');
      const cl = new Uint8Array(19);
      for (let k = 0; k < ncode; k++) cl[CL_ORDER[k]] = bits(3);
      const clh = new Huffman(cl, 19);
      const lengths = new Uint8Array(nlen + ndist);
      let k = 0;
      while (k < nlen + ndist) {
        const s = sym(clh);
        if (s < 16) lengths[k++] = s;
        else {
          let rep = 0;
          let v = 0;
          if (s === 16) {
            if (k === 0) fail('repeat with no previous length');
            v = lengths[k - 1];
            rep = 3 + bits(2);
          } else if (s === 17) rep = 3 + bits(3);
          else rep = 11 + bits(7);
          if (k + rep > nlen + ndist) fail('too many code lengths');
          lengths.fill(v, k, k + rep);
          k += rep;
        }
      }
      if (lengths[256] === 0) fail('no end-of-block code');
      codes(new Huffman(lengths.subarray(0, nlen), nlen), new Huffman(lengths.subarray(nlen), ndist));
    } else fail('invalid block type 3');
  }
  if (op !== expected) fail(`decompressed to ${op} bytes, the zip directory says ${expected}`);
  return out;
}
