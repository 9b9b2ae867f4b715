import type { View } from '@kindling/ops';
import { describe, expect, it } from 'vitest';
import { type CpuBuffer, cpuBackend, createCpuBackend } from '../src/index.js';
import {
  expectClose,
  expectSame,
  makeView,
  numel,
  outView,
  randomValues,
  storeAs,
  values,
} from './helpers.js';

const be = cpuBackend;
// float32 runs on the wasm kernel by default (where the runtime has it); this one forces the JS kernel
const jsBackend = createCpuBackend({ wasm: false });

/** Reference [.., m, k] @ [.., k, n] over logical row-major values with equal batch shapes. */
function reference(
  a: readonly number[],
  b: readonly number[],
  batch: number,
  m: number,
  k: number,
  n: number,
): number[] {
  const out: number[] = [];
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[t * m * k + i * k + p] * b[t * k * n + p * n + j];
        out.push(s);
      }
    }
  }
  return out;
}

/**
 * Per-element error bounds for float32 results summed in float32 (the wasm kernel, like BLAS):
 * (k + 2) unit roundoffs times Σ|a·b| covers any summation order, plus rounding the result.
 */
function f32Bounds(
  a: readonly number[],
  b: readonly number[],
  batch: number,
  m: number,
  k: number,
  n: number,
) {
  const abs = (v: readonly number[]) => v.map(Math.abs);
  return reference(abs(a), abs(b), batch, m, k, n).map((s) => (k + 3) * 2 ** -24 * s);
}

function expectWithin(
  actual: readonly number[],
  expected: readonly number[],
  bounds: readonly number[],
  label = '',
) {
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i] - expected[i]) <= bounds[i]) continue;
    throw new Error(`${label}: element ${i}: got ${actual[i]}, expected ${expected[i]} (bound ${bounds[i]})`);
  }
}

/** A [.., r, c] operand stored transposed in memory (the last two dims swapped), as in backward. */
function transposed(
  dtype: 'float32' | 'float64' | 'int32',
  shape: number[],
  vals: readonly number[],
): View<CpuBuffer> {
  const nd = shape.length;
  const swapped = [...shape.slice(0, -2), shape[nd - 1], shape[nd - 2]];
  // store the transpose contiguously, then view it with swapped strides
  const tv: number[] = [];
  const [r, c] = [shape[nd - 2], shape[nd - 1]];
  const batch = numel(shape.slice(0, -2));
  for (let t = 0; t < batch; t++)
    for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) tv.push(vals[t * r * c + i * c + j]);
  const v = makeView(dtype, swapped, tv, 'padded');
  const strides = [...v.strides];
  [strides[nd - 2], strides[nd - 1]] = [strides[nd - 1], strides[nd - 2]];
  return { ...v, shape, strides };
}

// sizes around the tile (4), the small-path cutoff and the block sizes (64, 256, 512)
const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [2, 3, 4],
  [5, 7, 3],
  [3, 40, 9],
  [33, 35, 31],
  [64, 64, 64],
  [67, 300, 45],
  [130, 9, 70],
  [20, 520, 30],
  [8, 10, 600],
];

describe('matmul', () => {
  it.each([
    ['default', be],
    ['JS-only', jsBackend],
  ] as const)('matches the reference for every size, dtype and operand layout (%s)', (kind, be) => {
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      const int = dtype === 'int32';
      for (const [m, k, n] of SIZES) {
        const av = randomValues(m * k, m + k, -2, 2, int).map((v) => storeAs(dtype, v));
        const bv = randomValues(k * n, k + n, -2, 2, int).map((v) => storeAs(dtype, v));
        const want = reference(av, bv, 1, m, k, n).map((v) => storeAs(dtype, v));
        // the JS kernels sum float32 in float64: their results are the rounded exact ones
        const f32Sums = dtype === 'float32' && kind === 'default';
        const bounds = f32Sums ? f32Bounds(av, bv, 1, m, k, n) : [];
        const aViews = [
          makeView(dtype, [m, k], av),
          makeView(dtype, [m, k], av, 'padded'),
          transposed(dtype, [m, k], av),
        ];
        const bViews = [
          makeView(dtype, [k, n], bv),
          transposed(dtype, [k, n], bv),
          makeView(dtype, [k, n], bv, 'permuted'),
        ];
        for (const [ai, a] of aViews.entries()) {
          for (const [bi, b] of bViews.entries()) {
            const out = outView(dtype, [m, n], ai === bi ? 'padded' : 'contiguous');
            be.run('matmul', [out], [a, b], {});
            const label = `${dtype} ${m}x${k}x${n} a${ai} b${bi}`;
            if (int) expectSame(values(out), want, label);
            else if (f32Sums) expectWithin(values(out), want, bounds, label);
            else expectClose(values(out), want, dtype === 'float32' ? 1e-6 : 1e-12, label);
          }
        }
      }
    }
  });

  it('batches, with stride-0 broadcast batch dims', () => {
    const [m, k, n] = [9, 70, 11];
    const av = randomValues(2 * 3 * m * k, 1);
    const bv = randomValues(3 * k * n, 2);
    // a: [2, 3, m, k]; b: [3, k, n] broadcast to [2, 3, k, n]
    const a = makeView('float64', [2, 3, m, k], av, 'permuted');
    const b0 = makeView('float64', [3, k, n], bv, 'padded');
    const b: View<CpuBuffer> = { ...b0, shape: [2, 3, k, n], strides: [0, ...b0.strides] };
    const out = outView('float64', [2, 3, m, n], 'padded');
    be.run('matmul', [out], [a, b], {});
    const bFull = [...bv, ...bv];
    expectClose(values(out), reference(av, bFull, 6, m, k, n), 1e-12);
    // a whole operand broadcast over the batch (e.g. a shared weight)
    const w = makeView('float32', [k, n], bv.slice(0, k * n));
    const wb: View<CpuBuffer> = { ...w, shape: [4, k, n], strides: [0, n, 1] };
    const x = makeView('float32', [4, m, k], av.slice(0, 4 * m * k));
    const y = outView('float32', [4, m, n]);
    be.run('matmul', [y], [x, wb], {});
    const wFull = [0, 1, 2, 3].flatMap(() => values(w));
    const want = reference(values(x), wFull, 4, m, k, n).map(Math.fround);
    expectWithin(values(y), want, f32Bounds(values(x), wFull, 4, m, k, n));
  });

  it('k = 0 gives zeros; empty m or n writes nothing', () => {
    const out = outView('float32', [2, 3]);
    be.run('matmul', [out], [makeView('float32', [2, 0], []), makeView('float32', [0, 3], [])], {});
    expect(values(out)).toEqual([0, 0, 0, 0, 0, 0]);
    be.run(
      'matmul',
      [outView('float32', [0, 3])],
      [makeView('float32', [0, 4], []), makeView('float32', [4, 3], new Array(12).fill(1))],
      {},
    );
  });

  it('int32 wraps around like int32 arithmetic', () => {
    const a = makeView('int32', [1, 2], [65536, 65536]);
    const b = makeView('int32', [2, 1], [65536, 1]);
    const out = outView('int32', [1, 1]);
    be.run('matmul', [out], [a, b], {});
    expect(values(out)).toEqual([65536]); // 2^32 wraps to 0, plus 65536
  });

  it('the JS kernels accumulate float32 products in float64 within a k block', () => {
    const k = 200;
    const av = [1, ...new Array(k - 1).fill(2 ** -13)];
    const bv = [1, ...new Array(k - 1).fill(2 ** -12)];
    const out = outView('float32', [1, 1]);
    jsBackend.run('matmul', [out], [makeView('float32', [1, k], av), makeView('float32', [k, 1], bv)], {});
    expect(values(out)[0]).toBe(Math.fround(1 + (k - 1) * 2 ** -25));
  });

  it('rejects mismatched shapes', () => {
    expect(() =>
      be.run(
        'matmul',
        [outView('float32', [2, 2])],
        [makeView('float32', [2, 3], new Array(6).fill(0)), makeView('float32', [2, 2], [0, 0, 0, 0])],
        {},
      ),
    ).toThrow(RangeError);
  });
});
