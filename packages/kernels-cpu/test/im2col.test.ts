import type { Col2imAttrs, Im2colAttrs, View } from '@kindling/ops';
import type { CpuBuffer } from '../src/context.js';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/index.js';
import {
  expectClose,
  expectSame,
  forEachIndex,
  makeView,
  numel,
  outView,
  randomValues,
  storeAs,
  values,
} from './helpers.js';

const be = cpuBackend;

interface Case {
  input: number[]; // [N, C, *spatial]
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
}

function outSizeOf(c: Case): number[] {
  return c.kernel.map(
    (k, d) => Math.floor((c.input[d + 2] + 2 * c.padding[d] - c.dilation[d] * (k - 1) - 1) / c.stride[d]) + 1,
  );
}

/** The definition, straight: column (c*K + kernel offset, output position) reads input o*s - p + k*d. */
function reference(c: Case, x: readonly number[], padValue: number): number[] {
  const [N, C, ...sp] = c.input;
  const outSize = outSizeOf(c);
  const K = numel(c.kernel);
  const L = numel(outSize);
  const out = new Array<number>(N * C * K * L);
  for (let n = 0; n < N; n++) {
    for (let ch = 0; ch < C; ch++) {
      let kk = 0;
      forEachIndex(c.kernel, (ko) => {
        let l = 0;
        forEachIndex(outSize, (o) => {
          const pos = o.map((v, d) => v * c.stride[d] - c.padding[d] + ko[d] * c.dilation[d]);
          const inside = pos.every((p, d) => p >= 0 && p < sp[d]);
          let flat = n * C + ch;
          for (let d = 0; d < sp.length; d++) flat = flat * sp[d] + pos[d];
          out[((n * C + ch) * K + kk) * L + l] = inside ? x[flat] : padValue;
          l++;
        });
        kk++;
      });
    }
  }
  return out;
}

const CASES: Case[] = [
  { input: [2, 3, 9], kernel: [3], stride: [2], padding: [1], dilation: [1] },
  { input: [1, 2, 5, 6], kernel: [2, 3], stride: [1, 2], padding: [1, 0], dilation: [2, 1] },
  { input: [2, 1, 4, 4], kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
  { input: [1, 2, 3, 4, 5], kernel: [2, 2, 3], stride: [1, 2, 1], padding: [0, 1, 1], dilation: [1, 1, 2] },
];

describe('im2col / col2im', () => {
  it.each(
    CASES.map((c) => [c.input.length - 2, c] as const),
  )('im2col %i-D matches the definition (padValue, strided views)', (_nd, c) => {
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      for (const padValue of [0, -Infinity]) {
        const xv = randomValues(numel(c.input), 1, -5, 5, dtype === 'int32').map((v) => storeAs(dtype, v));
        const outSize = outSizeOf(c);
        const attrs: Im2colAttrs = { ...c, outSize, padValue };
        const oShape = [c.input[0], c.input[1] * numel(c.kernel), numel(outSize)];
        const out = outView(dtype, oShape, 'padded');
        be.run('im2col', [out], [makeView(dtype, c.input, xv, 'permuted')], attrs);
        expectSame(
          values(out),
          reference(c, xv, padValue).map((v) => storeAs(dtype, v)),
          `${dtype} pad ${padValue}`,
        );
      }
    }
  });

  it.each(
    CASES.map((c) => [c.input.length - 2, c] as const),
  )('col2im %i-D is the adjoint of im2col', (_nd, c) => {
    const outSize = outSizeOf(c);
    const oShape = [c.input[0], c.input[1] * numel(c.kernel), numel(outSize)];
    const xv = randomValues(numel(c.input), 2);
    const yv = randomValues(numel(oShape), 3);
    const cols = outView('float64', oShape);
    be.run('im2col', [cols], [makeView('float64', c.input, xv)], { ...c, outSize, padValue: 0 });
    const attrs: Col2imAttrs = { ...c, outSize, inputSize: c.input.slice(2) };
    const back = outView('float64', c.input, 'padded'); // col2im must zero it first
    be.run('col2im', [back], [makeView('float64', oShape, yv, 'permuted')], attrs);
    // <im2col(x), y> == <x, col2im(y)>
    const lhs = values(cols).reduce((s, v, i) => s + v * yv[i], 0);
    const rhs = values(back).reduce((s, v, i) => s + v * xv[i], 0);
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * Math.max(1, Math.abs(lhs)));
    // and directly: each input position sums the columns that read it
    const want = new Array<number>(numel(c.input)).fill(0);
    const ones = reference(
      c,
      xv.map((_, i) => i),
      -1,
    );
    ones.forEach((src, j) => {
      if (src >= 0) want[src] += yv[j];
    });
    expectClose(values(back), want, 1e-12);
  });

  it('col2im in float32 with overlapping windows', () => {
    const c = CASES[2];
    const outSize = outSizeOf(c);
    const oShape = [c.input[0], c.input[1] * 9, numel(outSize)];
    const out = outView('float32', c.input);
    be.run('col2im', [out], [makeView('float32', oShape, new Array(numel(oShape)).fill(1))], {
      ...c,
      outSize,
      inputSize: [4, 4],
    });
    // interior pixels of a 3x3 same-padded conv are read by 9 windows, corners by 4
    const v = values(out);
    expect(v[0]).toBe(4);
    expect(v[5]).toBe(9);
    expect(v[1]).toBe(6);
  });

  // the contiguous float32 fast path (im2col-f32.ts) against the definition and the strided path
  const FAST: Case[] = [
    ...CASES,
    { input: [1, 2, 7, 8], kernel: [3, 3], stride: [2, 3], padding: [2, 1], dilation: [2, 2] },
    { input: [2, 3, 5, 5], kernel: [1, 1], stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
    { input: [1, 1, 3, 4], kernel: [2, 2], stride: [1, 1], padding: [3, 3], dilation: [1, 1] },
    { input: [1, 2, 1, 6], kernel: [1, 3], stride: [1, 2], padding: [0, 1], dilation: [1, 1] },
    // one memcpy per block (output rows as long as the input rows they step over)
    { input: [1, 2, 6, 7], kernel: [3, 3], stride: [1, 1], padding: [2, 2], dilation: [2, 2] },
    { input: [1, 1, 4, 2], kernel: [1, 1], stride: [2, 1], padding: [0, 1], dilation: [1, 1] },
    { input: [1, 2, 3, 4, 5], kernel: [2, 3, 3], stride: [1, 1, 1], padding: [1, 1, 1], dilation: [1, 1, 1] },
  ];

  /** A contiguous float32 view at offset 3 of a larger buffer, sentinels (77) on both sides. */
  function offsetView(shape: number[], v: readonly number[]): View<CpuBuffer> {
    const n = numel(shape);
    const buf = new Float32Array(n + 6).fill(77);
    buf.set(v, 3);
    const strides = shape.map((_, d) => numel(shape.slice(d + 1)));
    return { buffer: buf, dtype: 'float32', shape: [...shape], strides, offset: 3 };
  }
  const guards = (v: View<CpuBuffer>) => [...v.buffer.subarray(0, 3), ...v.buffer.subarray(-3)];

  it.each(
    FAST.map((c) => [c.input.join('x'), c.kernel.join('x'), c] as const),
  )('contiguous float32 im2col/col2im on %s, kernel %s match the strided path', (_i, _k, c) => {
    const outSize = outSizeOf(c);
    const oShape = [c.input[0], c.input[1] * numel(c.kernel), numel(outSize)];
    const xv = randomValues(numel(c.input), 4).map((v) => storeAs('float32', v));
    for (const padValue of [0, -Infinity, 1.5]) {
      const out = offsetView(oShape, new Array(numel(oShape)).fill(-7));
      be.run('im2col', [out], [offsetView(c.input, xv)], { ...c, outSize, padValue });
      expectSame(values(out), reference(c, xv, padValue), `pad ${padValue}`);
      expect(guards(out)).toEqual(new Array(6).fill(77));
    }
    const yv = randomValues(numel(oShape), 5).map((v) => storeAs('float32', v));
    const attrs: Col2imAttrs = { ...c, outSize, inputSize: c.input.slice(2) };
    const fast = offsetView(c.input, new Array(numel(c.input)).fill(-7));
    be.run('col2im', [fast], [offsetView(oShape, yv)], attrs);
    const slow = outView('float32', c.input, 'padded');
    be.run('col2im', [slow], [makeView('float32', oShape, yv, 'permuted')], attrs);
    expectSame(values(fast), values(slow)); // same summation order, so bit-identical
    expect(guards(fast)).toEqual(new Array(6).fill(77));
  });
});
