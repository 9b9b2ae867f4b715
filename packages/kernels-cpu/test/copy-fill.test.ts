import { DTYPES, type DType, fromHalfBits, toHalfBits, type View } from '@kindling/ops';
import { describe, expect, it } from 'vitest';
import { halfBits } from '../src/half.js';
import { type CpuBuffer, cpuBackend, createCpuBackend } from '../src/index.js';
import { LAYOUTS, makeView, outView, rng, storeAs, values } from './helpers.js';

const SOURCE = [
  0,
  -0,
  1,
  -1,
  2.5,
  -3.75,
  0.1,
  65504,
  70000,
  1e-8,
  123456.7,
  Number.NaN,
  Infinity,
  -Infinity,
  3e9,
  -2.9,
];

/** What storing a logical value of `from` into `to` must give (PyTorch's conversions). */
function converted(v: number, to: DType): number {
  if (to === 'bool') return v !== 0 ? 1 : 0; // NaN is truthy
  return storeAs(to, v);
}

describe.each([
  ['codegen', cpuBackend],
  ['closure fallback', createCpuBackend({ codegen: false })],
] as const)('copy (%s)', (_name, be) => {
  it('converts between every pair of dtypes over strided views', () => {
    for (const from of DTYPES) {
      for (const to of DTYPES) {
        const src = SOURCE.map((v) => storeAs(from, v));
        for (const inL of LAYOUTS) {
          for (const outL of LAYOUTS) {
            const x = makeView(from, [4, 4], src, inL);
            const out = outView(to, [4, 4], outL);
            be.run('copy', [out], [x], {});
            const want = src.map((v) => converted(v, to));
            const got = values(out);
            for (let i = 0; i < want.length; i++) {
              const ok = got[i] === want[i] || (Number.isNaN(got[i]) && Number.isNaN(want[i]));
              if (!ok)
                throw new Error(
                  `${from}->${to} ${inL}->${outL} at ${i} (${src[i]}): got ${got[i]}, want ${want[i]}`,
                );
            }
          }
        }
      }
    }
  });

  it('float16 bits round-trip through float32 exactly', () => {
    const bits = new Uint16Array(65536).map((_, i) => i);
    const h: View<CpuBuffer> = { buffer: bits, dtype: 'float16', shape: [65536], strides: [1], offset: 0 };
    const f: View<CpuBuffer> = {
      buffer: new Float32Array(65536),
      dtype: 'float32',
      shape: [65536],
      strides: [1],
      offset: 0,
    };
    be.run('copy', [f], [h], {});
    const back: View<CpuBuffer> = {
      buffer: new Uint16Array(65536),
      dtype: 'float16',
      shape: [65536],
      strides: [1],
      offset: 0,
    };
    be.run('copy', [back], [f], {});
    for (let i = 0; i < 65536; i++) {
      const v = fromHalfBits(i);
      if (!(f.buffer[i] === v || (Number.isNaN(v) && Number.isNaN(f.buffer[i]))))
        throw new Error(`decode ${i}`);
      if (!Number.isNaN(v) && back.buffer[i] !== i) throw new Error(`encode ${i}: ${back.buffer[i]}`);
    }
  });

  it('copies broadcast (stride 0) sources and into transposed destinations', () => {
    const x: View<CpuBuffer> = {
      buffer: new Float64Array([1, 2, 3]),
      dtype: 'float64',
      shape: [2, 3],
      strides: [0, 1],
      offset: 0,
    };
    const out: View<CpuBuffer> = {
      buffer: new Int32Array(6),
      dtype: 'int32',
      shape: [2, 3],
      strides: [1, 2],
      offset: 0,
    };
    be.run('copy', [out], [x], {});
    expect([...out.buffer]).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('copies big transposes (tiled), partial tiles and batch dims included', () => {
    const r = rng(3);
    for (const [from, to] of [
      ['float32', 'float32'],
      ['float64', 'int32'],
      ['int32', 'float64'],
    ] as const) {
      for (const shape of [
        [37, 70],
        [3, 33, 9],
      ]) {
        const vals = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
          storeAs(from, r() * 200 - 100),
        );
        const want = vals.map((v) => converted(v, to));
        // column-major source into row-major output, and row-major source into column-major output
        for (const [inL, outL] of [
          ['permuted', 'contiguous'],
          ['contiguous', 'permuted'],
          ['permuted', 'padded'],
        ] as const) {
          const out = outView(to, shape, outL);
          be.run('copy', [out], [makeView(from, shape, vals, inL)], {});
          expect(values(out), `${from}->${to} [${shape}] ${inL}->${outL}`).toEqual(want);
        }
      }
      // a batch of transposed matrices: [3, 33, 9] stored as [3, 9, 33]
      const src = Array.from({ length: 3 * 33 * 9 }, () => storeAs(from, r() * 200 - 100));
      const x = makeView(from, [3, 9, 33], src);
      const xt: View<CpuBuffer> = { ...x, shape: [3, 33, 9], strides: [297, 1, 33] };
      const out = outView(to, [3, 33, 9]);
      be.run('copy', [out], [xt], {});
      const want: number[] = [];
      for (let b = 0; b < 3; b++)
        for (let i = 0; i < 33; i++)
          for (let j = 0; j < 9; j++) want.push(converted(src[b * 297 + j * 33 + i], to));
      expect(values(out), `${from}->${to} batched`).toEqual(want);
    }
  });
});

describe('halfBits', () => {
  it('agrees with toHalfBits bit for bit', () => {
    for (let h = 0; h < 65536; h++) {
      const v = fromHalfBits(h);
      // exact halves, and values just around the midpoints between neighbours (rounding ties)
      for (const x of [v, v * (1 + 2 ** -12), v * (1 - 2 ** -12), v * (1 + 2 ** -11)]) {
        if (halfBits(x) !== toHalfBits(x)) throw new Error(`${x}: ${halfBits(x)} vs ${toHalfBits(x)}`);
      }
    }
    const r = rng(5);
    for (let i = 0; i < 20000; i++) {
      const x = (r() - 0.5) * 2 ** (Math.floor(r() * 60) - 30);
      if (halfBits(x) !== toHalfBits(x)) throw new Error(`${x}: ${halfBits(x)} vs ${toHalfBits(x)}`);
    }
  });
});

describe('fill', () => {
  it('fills strided views of every dtype with the converted value', () => {
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        for (const value of [2.75, 0, -1, Number.NaN]) {
          const out = outView(dtype, [3, 4], layout);
          cpuBackend.run('fill', [out], [], { value });
          expect(values(out)).toEqual(new Array(12).fill(converted(value, dtype)));
          // the gaps of a padded view are untouched
          if (layout === 'padded')
            expect(out.buffer[0]).toBe(dtype === 'float16' ? toHalfBits(77) : dtype === 'bool' ? 1 : 77);
        }
      }
    }
  });

  it('fills a stride-0 view and an empty view', () => {
    const out: View<CpuBuffer> = {
      buffer: new Float32Array(3),
      dtype: 'float32',
      shape: [5],
      strides: [0],
      offset: 1,
    };
    cpuBackend.run('fill', [out], [], { value: 4 });
    expect([...out.buffer]).toEqual([0, 4, 0]);
    cpuBackend.run('fill', [makeView('float32', [0], [])], [], { value: 1 });
  });
});
