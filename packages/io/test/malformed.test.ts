import { deflateRawSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, torchLoad, torchSave } from '../src/index.js';
import { crc32 } from '../src/crc32.js';
import { ZipReader } from '../src/zip-read.js';
import { writeZip } from '../src/zip-write.js';
import { tensor } from '@kindling/tensor';
import { fixture, useCpu } from './helpers.js';

useCpu();

/** A safetensors file from a header object and a data length. */
function st(header: unknown, dataLen: number, rawHeader?: Uint8Array): Uint8Array {
  const h = rawHeader ?? new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + dataLen);
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 8);
  return out;
}

/** Time a refusal: it must throw `re` quickly. */
function refuses(f: () => unknown, re: RegExp, ms = 500): void {
  const t0 = performance.now();
  expect(f).toThrow(re);
  expect(performance.now() - t0).toBeLessThan(ms);
}

describe('malformed safetensors files are refused with a clear error', () => {
  const good = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  it('truncated', () => {
    refuses(() => loadSafetensors(new Uint8Array(5)), /loadSafetensors: file is truncated \(5 bytes/);
    refuses(() => loadSafetensors(st(good, 8).subarray(0, 20)), /loadSafetensors: file is truncated/);
    refuses(() => loadSafetensors(st(good, 4)), /file is truncated \(tensors need 8 data bytes, 4 present\)/);
  });
  it('huge header', () => {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setUint32(4, 1, true); // 2^32 bytes
    refuses(
      () => loadSafetensors(b),
      /loadSafetensors: header too large \(4294967296 bytes; the limit is 100000000\)/,
    );
  });
  it('overlapping, gapped or out-of-bounds offsets', () => {
    const two = (o1: number[], o2: number[], n: number) =>
      st(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: o1 },
          b: { dtype: 'F32', shape: [2], data_offsets: o2 },
        },
        n,
      );
    refuses(
      () => loadSafetensors(two([0, 8], [4, 12], 12)),
      /tensor "b": data_offsets \[4, 12\] overlap the previous tensor/,
    );
    refuses(
      () => loadSafetensors(two([0, 8], [12, 20], 20)),
      /tensor "b": data_offsets \[12, 20\] leave a gap after byte 8/,
    );
    refuses(
      () => loadSafetensors(st({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8)),
      /needs 12/,
    );
    refuses(
      () => loadSafetensors(st({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, 8)),
      /data_offsets must be \[begin, end\]/,
    );
  });
  it('duplicate keys', () => {
    const raw = new TextEncoder().encode(
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
    );
    refuses(() => loadSafetensors(st(null, 4, raw)), /loadSafetensors: header: duplicate key "a"/);
  });
  it('trailing bytes', () => {
    refuses(() => loadSafetensors(st(good, 9)), /loadSafetensors: 1 trailing bytes after the last tensor/);
  });
  it('invalid UTF-8, not JSON, unknown dtype, bad shape', () => {
    refuses(
      () => loadSafetensors(st(null, 0, Uint8Array.of(0x7b, 0xff, 0x7d))),
      /loadSafetensors: header is not valid UTF-8/,
    );
    refuses(
      () => loadSafetensors(st(null, 0, new TextEncoder().encode('{"a":'))),
      /loadSafetensors: header: unexpected token/,
    );
    refuses(
      () => loadSafetensors(st(null, 0, new TextEncoder().encode('[1]'))),
      /header must be a JSON object/,
    );
    refuses(
      () => loadSafetensors(st({ a: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, 1)),
      /tensor "a": unknown dtype "F8_E4M3"/,
    );
    refuses(
      () => loadSafetensors(st({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }, 0)),
      /shape must be an array of non-negative integers/,
    );
    refuses(() => loadSafetensors(st({ __metadata__: { n: 1 } }, 0)), /__metadata__\["n"\] must be a string/);
  });
  it('an int64 outside int32 names the tensor', () => {
    const b = st({ big: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, 8);
    new DataView(b.buffer).setBigInt64(b.length - 8, -(2n ** 40n), true);
    refuses(
      () => loadSafetensors(b),
      /loadSafetensors: tensor "big": int64 value -1099511627776 at element 0 is outside the int32 range/,
    );
  });
  it('not bytes', () => {
    expect(() => loadSafetensors('x' as never)).toThrow(/loadSafetensors: bytes must be a Uint8Array/);
  });
});

describe('malformed or hostile torch.save files are refused, without running code', () => {
  it('a pickle calling os.system', () => {
    refuses(
      () => torchLoad(fixture('evil.pt')),
      /torchLoad: refusing to load global 'posix.system': it is not in the weights-only allowlist/,
    );
    expect(existsSync('/tmp/kindling-pwned')).toBe(false);
  });
  it('a whole pickled model (its classes) with a hint', () => {
    refuses(
      () => torchLoad(fixture('whole_model.pt')),
      /refusing to load global '__main__.CNN'.*save model.state_dict\(\) instead/,
    );
  });
  it('truncated', () => {
    const b = fixture('cnn.pt');
    refuses(() => torchLoad(b.subarray(0, b.length - 30)), /torchLoad: not a zip file, or truncated/);
    refuses(() => torchLoad(b.subarray(0, 1000)), /torchLoad: not a zip file, or truncated/);
    const cut = b.slice();
    cut.copyWithin(2000, 3000);
    refuses(() => torchLoad(cut.subarray(0, b.length - 1000)), /torchLoad: /);
  });
  it('a corrupted storage (CRC-32)', () => {
    const b = fixture('cnn.pt').slice();
    // flip a byte inside the first storage's data (found after its name)
    const name = new TextEncoder().encode('cnn/data/0');
    let at = -1;
    for (let i = 0; i < b.length && at < 0; i++) if (name.every((c, j) => b[i + j] === c)) at = i;
    b[at + 200] ^= 0xff;
    refuses(() => torchLoad(b), /entry "cnn\/data\/0" fails its CRC-32 check/);
  });
  it('a zip bomb: a huge inflation ratio, or a stream bigger than its declared size', () => {
    const zeros = new Uint8Array(8 << 20);
    const bomb = deflateRawSync(zeros, { level: 9 });
    const entry = (name: string, data: Uint8Array, size: number, crc: number) => {
      const z = writeZip([[name, data]]);
      // patch: method 8 (deflate) and the uncompressed size / crc, in the local and central headers
      const dv = new DataView(z.buffer);
      for (let i = 0; i + 4 <= z.length; i++) {
        const sig = dv.getUint32(i, true);
        if (sig === 0x04034b50) {
          dv.setUint16(i + 8, 8, true);
          dv.setUint32(i + 14, crc, true);
          dv.setUint32(i + 22, size, true);
        } else if (sig === 0x02014b50) {
          dv.setUint16(i + 10, 8, true);
          dv.setUint32(i + 16, crc, true);
          dv.setUint32(i + 24, size, true);
        }
      }
      return z;
    };
    refuses(
      () => torchLoad(entry('archive/data.pkl', bomb, zeros.length, crc32(zeros))),
      /would inflate \d+ bytes to 8388608 \(ratio over 1000; zip bomb\?\)/,
    );
    refuses(
      () => torchLoad(entry('archive/data.pkl', bomb, 5000, 0)),
      /decompresses to more than the declared 5000 bytes \(zip bomb\?\)/,
    );
  });
  it('overlapping zip entries', () => {
    const z = writeZip([
      ['archive/data.pkl', torchSave(new Map()).subarray(0, 10)],
      ['archive/version', new Uint8Array(2)],
    ]);
    const dv = new DataView(z.buffer);
    // point the second central-directory entry at the first local header
    let seen = 0;
    for (let i = 0; i + 4 <= z.length; i++) {
      if (dv.getUint32(i, true) === 0x02014b50 && ++seen === 2) dv.setUint32(i + 42, 0, true);
    }
    refuses(
      () => torchLoad(z),
      /torchLoad: (duplicate entry|entries "archive\/data.pkl" and "archive\/version" overlap)/,
    );
  });
  it('a storage that is missing or too small, and a view past its storage', () => {
    const good = torchSave(new Map([['w', tensor([1, 2, 3], { dtype: 'float32' })]]));
    const files = (mut: (n: string, d: Uint8Array) => Uint8Array | null) => {
      const zr = new ZipReader(good, 't');
      const out: [string, Uint8Array][] = [];
      for (const n of zr.entries.keys()) {
        const d = mut(n, zr.read(n).slice());
        if (d) out.push([n, d]);
      }
      return writeZip(out);
    };
    refuses(
      () => torchLoad(files((n, d) => (n === 'archive/data/0' ? null : d))),
      /storage '0' is missing from the archive/,
    );
    refuses(
      () => torchLoad(files((n, d) => (n === 'archive/data/0' ? d.subarray(0, 8) : d))),
      /storage '0' holds 8 bytes, but 3 F32 elements need 12/,
    );
    // size 3 → 4 in the pickle (BININT1 3 directly after the offset 0)
    refuses(
      () =>
        torchLoad(
          files((n, d) => {
            if (n !== 'archive/data.pkl') return d;
            for (let i = 0; i < d.length - 4; i++)
              if (d[i] === 0x4b && d[i + 1] === 0 && d[i + 2] === 0x4b && d[i + 3] === 3) d[i + 3] = 4;
            return d;
          }),
        ),
      /reaches element 3 of storage '0', which has 3/,
    );
  });
  it('not a torch.save zip', () => {
    refuses(() => torchLoad(Uint8Array.of(0x80, 2, 0x7d, 0x2e)), /legacy \(pre-1.6\) torch.save format/);
    refuses(
      () => torchLoad(writeZip([['a.txt', new Uint8Array(1)]])),
      /expected exactly one <archive>\/data.pkl/,
    );
    refuses(() => torchLoad(fixture('cnn.safetensors')), /torchLoad: not a zip file/);
  });
});
