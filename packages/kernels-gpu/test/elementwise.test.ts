import {
  BINARY,
  type BinaryOp,
  type DType,
  fromHalfBits,
  toHalfBits,
  UNARY,
  type UnaryOp,
} from '@kindling/ops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGPUBackend } from '../src/index.js';
import { compare, type Gen, gens, probeWebGPU, suiteTitle } from './helpers.js';

const probe = await probeWebGPU();
let gpu: WebGPUBackend;

/** Inputs inside each op's domain (outside it WGSL builtins are indeterminate). */
const DOMAIN: Partial<Record<UnaryOp, Gen>> = {
  log: gens.uniform(0.05, 8),
  log2: gens.uniform(0.05, 8),
  log10: gens.uniform(0.05, 8),
  sqrt: gens.uniform(0, 8),
  rsqrt: gens.uniform(0.05, 8),
  log1p: gens.uniform(-0.95, 6),
  acosh: gens.uniform(1.05, 6),
  asin: gens.uniform(-0.98, 0.98),
  acos: gens.uniform(-0.98, 0.98),
  atanh: gens.uniform(-0.95, 0.95),
  erfinv: gens.uniform(-0.995, 0.995),
  tan: gens.uniform(-1.3, 1.3),
  sin: gens.uniform(-30, 30),
  cos: gens.uniform(-30, 30),
  exp: gens.uniform(-8, 8),
  exp2: gens.uniform(-10, 10),
  expm1: gens.uniform(-4, 4),
  sinh: gens.uniform(-5, 5),
  cosh: gens.uniform(-5, 5),
  reciprocal: (r) => (r() < 0.5 ? -1 : 1) * (0.1 + 4 * r()),
  erf: gens.uniform(-4, 4),
  erfc: gens.uniform(-4, 6),
};

/** Looser tolerances where WGSL's builtins are specified loosely. */
const TOL: Partial<Record<UnaryOp, { rtol?: number; atol?: number }>> = {
  erfc: { rtol: 2e-4, atol: 1e-6 },
  erfinv: { rtol: 2e-4, atol: 1e-5 },
  tan: { rtol: 2e-4, atol: 1e-4 },
  exp: { rtol: 2e-4 },
  exp2: { rtol: 2e-4 },
  sinh: { rtol: 2e-4 },
  cosh: { rtol: 2e-4 },
  expm1: { rtol: 2e-4, atol: 1e-6 },
  acosh: { rtol: 2e-4, atol: 1e-5 },
};

describe.skipIf(!probe.backend)(suiteTitle('webgpu elementwise kernels', probe), () => {
  beforeAll(() => {
    gpu = probe.backend as WebGPUBackend;
  });
  afterAll(() => gpu?.destroy());

  describe('unary: every row of the op table, float32 on strided views', () => {
    for (const op of Object.keys(UNARY) as UnaryOp[]) {
      it(op, async () => {
        const params = op === 'clamp' ? [-0.5, 0.7] : [];
        const gen = DOMAIN[op] ?? ((r: () => number) => 3 * gens.normal(r, 0));
        const out: DType = UNARY[op].out === 'bool' ? 'bool' : 'float32';
        await compare(
          gpu,
          'unary',
          { op, params },
          [{ shape: [5, 7], dtype: out }],
          [{ shape: [5, 7], dtype: 'float32', gen }],
          {
            seed: op.length,
            ...TOL[op],
          },
        );
      });
    }
  });

  it('unary: int32 inputs (integer ops and float-out ops)', async () => {
    for (const op of Object.keys(UNARY) as UnaryOp[]) {
      const row = UNARY[op];
      const gen = DOMAIN[op] ? gens.int(1, 6) : gens.int(-40, 40);
      if (
        op === 'atanh' ||
        op === 'asin' ||
        op === 'acos' ||
        op === 'erfinv' ||
        op === 'acosh' ||
        op === 'log1p'
      )
        continue;
      const out: DType = row.out === 'bool' ? 'bool' : row.out === 'float' ? 'float32' : 'int32';
      const params = op === 'clamp' ? [-3, 7] : [];
      await compare(
        gpu,
        'unary',
        { op, params },
        [{ shape: [4, 6], dtype: out }],
        [{ shape: [4, 6], dtype: 'int32', gen }],
        {
          what: `unary ${op} int32`,
          rtol: 2e-4,
          atol: 1e-5,
        },
      );
    }
  });

  it('unary: special values (NaN, infinities, signed zeros, out of domain, halves) for every op', async () => {
    const values = [
      0,
      -0,
      1,
      -1,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      0.5,
      -2.5,
      2.5,
      1e-30,
      100,
      1.5,
      -0.5,
      30,
      -90,
      1e5,
    ];
    for (const op of Object.keys(UNARY) as UnaryOp[]) {
      const out: DType = UNARY[op].out === 'bool' ? 'bool' : 'float32';
      await compare(
        gpu,
        'unary',
        { op, params: op === 'clamp' ? [-1, Number.POSITIVE_INFINITY] : [] },
        [{ shape: [values.length], dtype: out }],
        [{ shape: [values.length], dtype: 'float32', values }],
        { what: `unary ${op} specials`, rtol: 3e-5, atol: 1e-6 },
      );
    }
  });

  describe('binary: every row of the op table, float32 with broadcast strided inputs', () => {
    for (const op of Object.keys(BINARY) as BinaryOp[]) {
      it(op, async () => {
        const row = BINARY[op];
        const out: DType = row.out === 'compare' || row.out === 'logical' ? 'bool' : 'float32';
        let ga: Gen = (r) => 2 * gens.normal(r, 0);
        let gb: Gen = (r) => 2 * gens.normal(r, 0);
        if (op === 'pow') {
          ga = gens.uniform(0.1, 3);
          gb = gens.uniform(-3, 3);
        }
        if (op === 'remainder' || op === 'fmod' || op === 'div')
          gb = (r) => (r() < 0.5 ? -1 : 1) * (0.5 + 3 * r());
        if (row.out === 'compare' || row.out === 'logical') {
          // small integers so that equal values occur
          ga = gens.int(-2, 2);
          gb = gens.int(-2, 2);
        }
        await compare(
          gpu,
          'binary',
          { op },
          [{ shape: [3, 4, 5], dtype: out }],
          [
            { shape: [3, 4, 5], dtype: 'float32', gen: ga, broadcast: [1] },
            { shape: [3, 4, 5], dtype: 'float32', gen: gb, broadcast: [0] },
          ],
          { seed: op.length + 7 },
        );
      });
    }
  });

  it('binary: int32 and bool operands', async () => {
    for (const op of Object.keys(BINARY) as BinaryOp[]) {
      const row = BINARY[op];
      if (row.out === 'float') continue; // the dispatcher converts ints to float32 first
      const out: DType = row.out === 'compare' || row.out === 'logical' ? 'bool' : 'int32';
      const gb = op === 'pow' ? gens.int(-2, 6) : gens.int(-9, 9);
      await compare(
        gpu,
        'binary',
        { op },
        [{ shape: [6, 5], dtype: out }],
        [
          { shape: [6, 5], dtype: 'int32', gen: gens.int(-9, 9) },
          { shape: [6, 5], dtype: 'int32', gen: gb },
        ],
        { what: `binary ${op} int32` },
      );
      if (
        row.out === 'compare' ||
        row.out === 'logical' ||
        op === 'add' ||
        op === 'mul' ||
        op === 'maximum'
      ) {
        await compare(
          gpu,
          'binary',
          { op },
          [{ shape: [4, 4], dtype: 'bool' }],
          [
            { shape: [4, 4], dtype: 'bool' },
            { shape: [4, 4], dtype: 'bool' },
          ],
          { what: `binary ${op} bool` },
        );
      }
    }
  });

  it('binary: NaN and infinity semantics of maximum/minimum/pow/comparisons', async () => {
    const a = [Number.NaN, 1, Number.NaN, 2, Number.POSITIVE_INFINITY, -1, -2, 0, -0, 1, 4, -8];
    const b = [1, Number.NaN, Number.NaN, 2, 3, Number.POSITIVE_INFINITY, 3, -1, -3, Number.NaN, 0.5, 1 / 3];
    for (const op of [
      'maximum',
      'minimum',
      'pow',
      'eq',
      'ne',
      'lt',
      'ge',
      'add',
      'logicalAnd',
    ] as BinaryOp[]) {
      const row = BINARY[op];
      const out: DType = row.out === 'compare' || row.out === 'logical' ? 'bool' : 'float32';
      await compare(
        gpu,
        'binary',
        { op },
        [{ shape: [a.length], dtype: out }],
        [
          { shape: [a.length], dtype: 'float32', values: a },
          { shape: [a.length], dtype: 'float32', values: b },
        ],
        { what: `binary ${op} edges` },
      );
    }
  });

  it('binary: in place (output aliases an input)', async () => {
    const x = gpu.upload('float32', new Float32Array([1, 2, 3, 4]));
    const y = gpu.upload('float32', new Float32Array([10, 20, 30, 40]));
    const v = (buffer: typeof x) => ({
      buffer,
      dtype: 'float32' as const,
      shape: [4],
      strides: [1],
      offset: 0,
    });
    gpu.run('binary', [v(x)], [v(x), v(y)], { op: 'add' });
    gpu.run('binary', [v(x)], [v(x), v(x)], { op: 'mul' });
    expect([...(await gpu.read(v(x)))]).toEqual([121, 484, 1089, 1936]);
    gpu.free(x);
    gpu.free(y);
  });

  it('where: strided and broadcast, float32 / int32 / bool', async () => {
    for (const dt of ['float32', 'int32', 'bool'] as DType[]) {
      await compare(
        gpu,
        'where',
        {},
        [{ shape: [4, 3, 5], dtype: dt }],
        [
          { shape: [4, 3, 5], dtype: 'bool', broadcast: [2] },
          { shape: [4, 3, 5], dtype: dt },
          { shape: [4, 3, 5], dtype: dt, broadcast: [0, 1] },
        ],
        { what: `where ${dt}` },
      );
    }
  });

  it('copy: every dtype pair (float16 included), strided both sides', async () => {
    const specials = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      65504,
      70000,
      1e-6,
      3.00001,
      -2.5,
      2 ** 31 + 5,
      -(2 ** 31) - 300,
      0.1,
    ];
    for (const from of ['float32', 'int32', 'bool', 'float16'] as DType[]) {
      for (const to of ['float32', 'int32', 'bool', 'float16'] as DType[]) {
        await compare(gpu, 'copy', {}, [{ shape: [3, 5], dtype: to }], [{ shape: [3, 5], dtype: from }], {
          what: `copy ${from}->${to}`,
          rtol: 0,
          atol: 0,
        });
        if (from === 'float32') {
          await compare(
            gpu,
            'copy',
            {},
            [{ shape: [specials.length], dtype: to }],
            [{ shape: [specials.length], dtype: from, values: specials }],
            {
              what: `copy specials ${from}->${to}`,
              rtol: 0,
              atol: 0,
            },
          );
        }
      }
    }
  });

  it('fill: every dtype, strided output (float16 halves share words)', async () => {
    for (const dt of ['float32', 'int32', 'bool', 'float16'] as DType[]) {
      for (const value of [0, 1.5, -3, Number.NaN, Number.NEGATIVE_INFINITY, 2 ** 33 + 7]) {
        await compare(gpu, 'fill', { value }, [{ shape: [3, 7], dtype: dt }], [], {
          what: `fill ${dt} ${value}`,
          rtol: 0,
          atol: 0,
        });
      }
    }
  });

  it('float16 operands compute through f32 and round to half (strided half outputs share words)', async () => {
    const xs = [0.5, -1.25, 2, 3.1, -0.001, 7, 100, -65504, 0];
    const hx = gpu.upload('float16', new Float32Array(xs));
    const hy = gpu.upload('float16', new Float32Array(xs.map((v) => v / 3)));
    const out = gpu.alloc('float16', 2 * xs.length);
    gpu.run(
      'fill',
      [{ buffer: out, dtype: 'float16', shape: [2 * xs.length], strides: [1], offset: 0 }],
      [],
      { value: 9 },
    );
    const v = (buffer: typeof hx) => ({
      buffer,
      dtype: 'float16' as const,
      shape: [xs.length],
      strides: [1],
      offset: 0,
    });
    // every other half of `out`: neighbouring invocations write the two halves of one word
    gpu.run('binary', [{ ...v(out), strides: [2], offset: 1 }], [v(hx), v(hy)], { op: 'add' });
    const got = Array.from(
      (await gpu.read({ ...v(out), shape: [2 * xs.length] })) as Uint16Array,
      fromHalfBits,
    );
    const h = (x: number) => fromHalfBits(toHalfBits(x));
    const want = xs.flatMap((x) => [9, h(h(x) + h(x / 3))]);
    expect(got).toEqual(want);
    gpu.free(hx);
    gpu.free(hy);
    gpu.free(out);
  });
});
