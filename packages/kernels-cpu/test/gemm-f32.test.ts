import type { View } from '@kindling/ops';
import { describe, expect, it, vi } from 'vitest';
import { type CpuBuffer, cpuBackend, createCpuBackend } from '../src/index.js';
import { gemmF32Module } from '../src/wasm/gemm-f32.js';
import { makeView, outView, randomValues, storeAs, values } from './helpers.js';

// float32 matmul on the wasm kernel (the default backend) vs the JS kernel and a float64 reference
const jsBackend = createCpuBackend({ wasm: false });

/** Logical row-major [m, n] product and Σ|a·b| per element (for float32 summation bounds). */
function reference(a: readonly number[], b: readonly number[], m: number, k: number, n: number) {
  const sum = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p];
      for (let j = 0; j < n; j++) {
        sum[i * n + j] += x * b[p * n + j];
        mag[i * n + j] += Math.abs(x * b[p * n + j]);
      }
    }
  }
  return { sum, mag };
}

/** |got - exact| within (k + 3) unit roundoffs of Σ|a·b|: float32 sums in any order, rounded. */
function expectF32Close(got: readonly number[], a: number[], b: number[], m: number, k: number, n: number) {
  const { sum, mag } = reference(a, b, m, k, n);
  for (let i = 0; i < sum.length; i++) {
    const bound = (k + 3) * 2 ** -24 * mag[i];
    if (!(Math.abs(got[i] - sum[i]) <= bound))
      throw new Error(`${m}x${k}x${n} element ${i}: got ${got[i]}, exact ${sum[i]} (bound ${bound})`);
  }
}

/** A [r, c] float32 view whose memory holds the transpose (strides [1, r]), as in backward. */
function transposedView(r: number, c: number, vals: readonly number[]): View<CpuBuffer> {
  const t: number[] = [];
  for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) t.push(vals[i * c + j]);
  return { ...makeView('float32', [c, r], t), shape: [r, c], strides: [1, r] };
}

function operands(m: number, k: number, n: number, seed: number) {
  const a = randomValues(m * k, seed, -2, 2).map(Math.fround);
  const b = randomValues(k * n, seed + 1, -2, 2).map(Math.fround);
  return { a, b };
}

describe('float32 matmul on the wasm kernel', () => {
  it('loads in Node (WebAssembly SIMD is there)', () => {
    expect(gemmF32Module()).not.toBeNull();
  });

  it('crosses every block edge: C strips, column panels, k blocks, partial tiles', () => {
    // m, n past one strip and one 1024-column panel, k past one 256-deep block, none a tile multiple
    const [m, k, n] = [1030, 261, 1027];
    const { a, b } = operands(m, k, n, 7);
    const out = outView('float32', [m, n]);
    cpuBackend.run('matmul', [out], [makeView('float32', [m, k], a), makeView('float32', [k, n], b)], {});
    expectF32Close(values(out), a, b, m, k, n);
  });

  it('handles strided, transposed and offset operands and outputs like the JS kernel', () => {
    // every way in: contiguous rows or columns (copied in, read in place or packed in wasm),
    // none (packed in JS), and blocks too short to copy (k tail of 14, 9 rows, 11 columns)
    for (const [m, k, n] of [
      [9, 70, 11],
      [37, 300, 45],
      [128, 33, 200],
      [70, 270, 90],
    ]) {
      const { a, b } = operands(m, k, n, m + n);
      const as = [
        makeView('float32', [m, k], a),
        makeView('float32', [m, k], a, 'padded'),
        transposedView(m, k, a),
      ];
      const bs = [
        makeView('float32', [k, n], b),
        makeView('float32', [k, n], b, 'padded'),
        transposedView(k, n, b),
      ];
      for (const A of as) {
        for (const B of bs) {
          for (const layout of ['contiguous', 'padded', 'permuted'] as const) {
            const got = outView('float32', [m, n], layout);
            const js = outView('float32', [m, n], layout);
            cpuBackend.run('matmul', [got], [A, B], {});
            jsBackend.run('matmul', [js], [A, B], {});
            expectF32Close(values(got), a, b, m, k, n);
            expectF32Close(values(js), a, b, m, k, n);
            // slots outside the output view are left alone
            expect(outside(got)).toEqual(outside(js));
          }
        }
      }
    }
  });

  it('sums float32 products in float32, as BLAS and PyTorch do', () => {
    // 1 + 199 * 2^-25: each addend is below half an ulp of 1, so float32 sums stay at 1
    const [m, k, n] = [8, 200, 8];
    const a = new Array(m * k).fill(2 ** -13);
    const b = new Array(k * n).fill(2 ** -12);
    for (let i = 0; i < m; i++) a[i * k] = 1;
    for (let j = 0; j < n; j++) b[j] = 1;
    const out = outView('float32', [m, n]);
    cpuBackend.run('matmul', [out], [makeView('float32', [m, k], a), makeView('float32', [k, n], b)], {});
    expect(new Set(values(out))).toEqual(new Set([1]));
  });

  it('propagates NaN and infinities like IEEE products (0 * inf is NaN)', () => {
    const [m, k, n] = [16, 16, 16];
    const a = new Array(m * k).fill(1);
    const b = new Array(k * n).fill(0);
    a[0] = Number.POSITIVE_INFINITY; // row 0 meets zeros: NaN
    a[k + 1] = Number.NaN; // row 1: NaN
    b[2 * n + 3] = 1; // row 2 of b reaches column 3 of the finite rows
    const out = outView('float32', [m, n]);
    cpuBackend.run('matmul', [out], [makeView('float32', [m, k], a), makeView('float32', [k, n], b)], {});
    const got = values(out);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const want = i < 2 ? Number.NaN : j === 3 ? 1 : 0;
        expect(got[i * n + j], `(${i}, ${j})`).toBe(want);
      }
    }
  });

  it('grows its memory for bigger products and stays correct after', () => {
    for (const [m, k, n] of [
      [20, 20, 20],
      [300, 300, 900],
      [20, 20, 20],
    ]) {
      const { a, b } = operands(m, k, n, k);
      const out = outView('float32', [m, n]);
      cpuBackend.run('matmul', [out], [makeView('float32', [m, k], a), makeView('float32', [k, n], b)], {});
      expectF32Close(values(out), a, b, m, k, n);
    }
  });

  it('falls back to the JS kernel silently where WebAssembly is missing', async () => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const fresh = await import('../src/index.js');
      const wasm = await import('../src/wasm/gemm-f32.js');
      expect(wasm.gemmF32Module()).toBeNull();
      const [m, k, n] = [33, 40, 35];
      const { a, b } = operands(m, k, n, 3);
      const out = outView('float32', [m, n]);
      fresh.cpuBackend.run(
        'matmul',
        [out],
        [makeView('float32', [m, k], a), makeView('float32', [k, n], b)],
        {},
      );
      // the JS kernel sums in float64: the rounded exact products
      expect(values(out)).toEqual([...reference(a, b, m, k, n).sum].map((v) => storeAs('float32', v)));
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

/** The buffer slots that are not elements of a 2-D view. */
function outside(v: View<CpuBuffer>): number[] {
  const inside = new Set<number>();
  for (let x = 0; x < v.shape[0]; x++)
    for (let y = 0; y < v.shape[1]; y++) inside.add(v.offset + x * v.strides[0] + y * v.strides[1]);
  return [...v.buffer].filter((_, i) => !inside.has(i));
}
