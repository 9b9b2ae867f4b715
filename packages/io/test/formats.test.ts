import { type Tensor, tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, safetensorsMetadata, saveSafetensors, torchLoad, torchSave } from '../src/index.js';
import { ZipReader } from '../src/zip-read.js';
import { writeZip } from '../src/zip-write.js';
import { fixture, fixtureJson, useCpu, vals } from './helpers.js';

useCpu();

const expected = fixtureJson<Record<string, { shape: number[]; data: number[] }>>('dtypes.json');
const KINDLING: Record<string, Tensor['dtype']> = {
  f64: 'float64',
  f32: 'float32',
  f16: 'float16',
  bf16: 'float32',
  i64: 'int32',
  i32: 'int32',
  i16: 'int32',
  i8: 'int32',
  u8: 'int32',
  bool: 'bool',
  scalar: 'float32',
  empty: 'float32',
};

describe('every dtype PyTorch writes, in both formats', () => {
  for (const [file, load] of [
    ['dtypes.pt', torchLoad],
    ['dtypes.safetensors', loadSafetensors],
  ] as const) {
    it(file, () => {
      const sd = load(fixture(file)) as Map<string, Tensor>;
      expect([...sd.keys()]).toEqual(Object.keys(expected));
      for (const [k, e] of Object.entries(expected)) {
        const t = sd.get(k) as Tensor;
        expect(t.dtype, k).toBe(KINDLING[k]);
        expect(t.shape, k).toEqual(e.shape);
        expect(vals(t), k).toEqual(e.data.map((v) => (typeof v === 'boolean' ? Number(v) : v)));
      }
    });
  }
});

describe('torchLoad', () => {
  it('keeps storages shared between tensors, with offsets and strides', () => {
    const sd = torchLoad(fixture('views.pt'));
    const t = sd.get('t') as Tensor;
    expect(vals(sd.get('view') as Tensor)).toEqual([6, 8, 10, 12, 14, 16, 18, 20, 22]);
    expect((sd.get('view') as Tensor).shape).toEqual([3, 3]);
    expect(vals(sd.get('transposed') as Tensor).slice(0, 6)).toEqual([0, 6, 12, 18, 1, 7]);
    expect(vals(sd.get('row') as Tensor)).toEqual([12, 13, 14, 15, 16, 17]);
    expect(sd.get('again')?._storage).toBe(t._storage);
    expect(sd.get('view')?._storage).toBe(t._storage);
  });

  it('returns any pickled structure: dicts as Maps, lists as arrays, numbers, strings, null', () => {
    const c = torchLoad<Map<string, unknown>>(fixture('checkpoint.pt'));
    expect(c.get('epoch')).toBe(3);
    expect(c.get('lr')).toBe(0.01);
    expect(c.get('names')).toEqual(['a', 'b']);
    expect(c.get('nested')).toEqual(
      new Map<string, unknown>([
        ['flag', true],
        ['none', null],
      ]),
    );
    expect((c.get('model') as Map<string, Tensor>).size).toBe(15);
  });

  it('refuses an int64 outside int32, naming the storage', () => {
    expect(() => torchLoad(fixture('int64_range.pt'))).toThrow(
      /torchLoad: storage '0': int64 value 1099511627776 at element 1 is outside the int32 range/,
    );
  });

  it('honours a big-endian byteorder record', () => {
    const le = torchSave(
      new Map([
        ['w', tensor([1.5, -2, 3.25], { dtype: 'float64' })],
        ['i', tensor([1, -2, 70000])],
      ]),
    );
    const zip = new ZipReader(le, 'test');
    const files: [string, Uint8Array][] = [...zip.entries.keys()].map((n) => {
      const d = zip.read(n).slice();
      if (n === 'archive/byteorder') return [n, new TextEncoder().encode('big')];
      if (n.startsWith('archive/data/')) {
        const size = n.endsWith('/0') ? 8 : 4;
        for (let i = 0; i < d.length; i += size) d.subarray(i, i + size).reverse();
      }
      return [n, d];
    });
    const sd = torchLoad(writeZip(files));
    expect(vals(sd.get('w') as Tensor)).toEqual([1.5, -2, 3.25]);
    expect(vals(sd.get('i') as Tensor)).toEqual([1, -2, 70000]);
  });

  it('torchSave round-trips every Kindling dtype, views and nests exactly', () => {
    const base = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float32' },
    );
    const obj = new Map<string, unknown>([
      ['f32', base],
      ['t', base.transpose(0, 1)],
      ['f64', tensor([Math.PI, -1e-300], { dtype: 'float64' })],
      ['f16', tensor([0.1, 65504, -0], { dtype: 'float16' })],
      ['i32', tensor([-(2 ** 31), 2 ** 31 - 1])],
      ['b', tensor([true, false, true])],
      ['s', tensor(7.5)],
      ['meta', { epoch: 3, lr: 0.001, tags: ['x', 'y'], none: null, big: 2 ** 40, neg: -123456789 }],
    ]);
    const back = torchLoad<Map<string, unknown>>(torchSave(obj as never));
    for (const [k, v] of obj) {
      const w = back.get(k);
      if (k === 'meta') {
        expect(w).toEqual(new Map(Object.entries(v as object)));
        continue;
      }
      const t = v as Tensor;
      const u = w as Tensor;
      expect(u.dtype, k).toBe(t.dtype);
      expect(u.shape, k).toEqual(t.shape);
      expect(vals(u), k).toEqual(vals(t));
    }
    expect((back.get('t') as Tensor)._storage).toBe((back.get('f32') as Tensor)._storage);
  });
});

describe('safetensors', () => {
  it('round-trips tensors and metadata; writes 8-byte aligned headers, largest dtype first', () => {
    const bytes = saveSafetensors(
      {
        b: tensor([true, false]),
        a: tensor([1, 2], { dtype: 'float64' }),
        h: tensor([0.5], { dtype: 'float16' }),
      },
      { format: 'pt' },
    );
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect(n % 8).toBe(0);
    expect(safetensorsMetadata(bytes)).toEqual({ format: 'pt' });
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(Object.keys(header)).toEqual(['__metadata__', 'a', 'h', 'b']);
    const back = loadSafetensors(bytes);
    expect(vals(back.get('a') as Tensor)).toEqual([1, 2]);
    expect(back.get('h')?.dtype).toBe('float16');
    expect(vals(back.get('b') as Tensor)).toEqual([1, 0]);
  });

  it('rejects bad arguments to save', () => {
    expect(() => saveSafetensors({ x: 3 as never })).toThrow(/saveSafetensors: "x" is not a Tensor/);
    expect(() => saveSafetensors({ x: tensor([1]) }, { n: 3 as never })).toThrow(
      /saveSafetensors: metadata\["n"\] must be a string/,
    );
    expect(() => saveSafetensors(new Map([['__metadata__', tensor([1])]]))).toThrow(
      /"__metadata__" is reserved/,
    );
  });
});
