import type { DType, ReduceOp } from '@kindling/ops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGPUBackend } from '../src/index.js';
import { compare, gens, probeWebGPU, suiteTitle } from './helpers.js';

const probe = await probeWebGPU();
let gpu: WebGPUBackend;

const keep = (shape: readonly number[], dims: readonly number[]) =>
  shape.map((s, d) => (dims.includes(d) ? 1 : s));

describe.skipIf(!probe.backend)(suiteTitle('webgpu reduce, scan, softmax', probe), () => {
  beforeAll(() => {
    gpu = probe.backend as WebGPUBackend;
  });
  afterAll(() => gpu?.destroy());

  const ops: ReduceOp[] = ['sum', 'prod', 'amax', 'amin', 'argmax', 'argmin'];
  // short reductions run one per invocation, long ones one per workgroup
  const cases: [number[], number[]][] = [
    [[4, 5, 6], [1]],
    [
      [4, 5, 6],
      [0, 2],
    ],
    [
      [4, 5, 6],
      [0, 1, 2],
    ],
    [[3, 300], [1]],
    [[700, 3], [0]],
    [
      [2, 40, 30],
      [1, 2],
    ],
    [[6], [0]],
    [[5, 7], []],
  ];

  for (const op of ops) {
    it(`${op}: float32 over any dims, strided, serial and workgroup paths`, async () => {
      for (const [shape, dims] of cases) {
        if ((op === 'argmax' || op === 'argmin') && dims.length === 0) continue;
        const out: DType = op === 'argmax' || op === 'argmin' ? 'int32' : 'float32';
        // prod of many values: keep them near 1 so the product stays finite
        const gen = op === 'prod' ? gens.uniform(0.9, 1.1) : undefined;
        await compare(
          gpu,
          'reduce',
          { op, dims },
          [{ shape: keep(shape, dims), dtype: out }],
          [{ shape, dtype: 'float32', gen }],
          {
            what: `${op} [${shape}] over [${dims}]`,
            rtol: 1e-4,
            atol: 1e-4,
          },
        );
      }
    });
  }

  it('int32 and bool reductions (exact, wrapping like the cpu)', async () => {
    for (const op of ops) {
      for (const [shape, dims] of cases.slice(0, 6)) {
        const out: DType = op === 'argmax' || op === 'argmin' ? 'int32' : 'int32';
        const gen = op === 'prod' ? gens.int(-2, 2) : gens.int(-1000, 1000);
        await compare(
          gpu,
          'reduce',
          { op, dims },
          [{ shape: keep(shape, dims), dtype: out }],
          [{ shape, dtype: 'int32', gen }],
          {
            what: `${op} int32 [${shape}] over [${dims}]`,
          },
        );
      }
      const outB: DType = op === 'argmax' || op === 'argmin' ? 'int32' : 'bool';
      await compare(
        gpu,
        'reduce',
        { op, dims: [1] },
        [{ shape: [3, 1], dtype: outB }],
        [{ shape: [3, 50], dtype: 'bool' }],
        { what: `${op} bool` },
      );
    }
  });

  it('argmax/argmin: first occurrence on ties, the first NaN wins; amax propagates NaN', async () => {
    const rows = [
      [1, 3, 3, 2, 0, 3],
      [Number.NaN, 1, Number.NaN, 5, 5, 0],
      [-1, -1, -1, -1, -1, -1],
      [2, 7, Number.NaN, 7, 1, 9],
      [
        Number.NEGATIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        -5,
        Number.POSITIVE_INFINITY,
        1,
        Number.POSITIVE_INFINITY,
      ],
    ];
    const values = rows.flat();
    for (const op of ops) {
      const out: DType = op === 'argmax' || op === 'argmin' ? 'int32' : 'float32';
      await compare(
        gpu,
        'reduce',
        { op, dims: [1] },
        [{ shape: [5, 1], dtype: out }],
        [{ shape: [5, 6], dtype: 'float32', values }],
        { what: `${op} edges` },
      );
      // the same rows as long lines (workgroup path): pad each with 100 copies of its first value
      const long = rows.flatMap((r) => [...r, ...new Array(100).fill(r[0])]);
      await compare(
        gpu,
        'reduce',
        { op, dims: [1] },
        [{ shape: [5, 1], dtype: out }],
        [{ shape: [5, 106], dtype: 'float32', values: long }],
        { what: `${op} long edges` },
      );
    }
  });

  it('empty reductions give the identity', async () => {
    for (const op of ['sum', 'prod', 'amax', 'amin'] as ReduceOp[]) {
      await compare(
        gpu,
        'reduce',
        { op, dims: [1] },
        [{ shape: [3, 1], dtype: 'float32' }],
        [{ shape: [3, 0], dtype: 'float32' }],
        { what: `${op} empty` },
      );
    }
  });

  it('scan: cumsum/cumprod along each dim, strided, float32 and int32, short and long lines', async () => {
    for (const op of ['cumsum', 'cumprod'] as const) {
      for (const [shape, dim] of [
        [[4, 5, 6], 0],
        [[4, 5, 6], 1],
        [[4, 5, 6], 2],
        [[3, 500], 1],
        [[300, 2], 0],
        [[7], 0],
      ] as [number[], number][]) {
        const gen = op === 'cumprod' ? gens.uniform(0.95, 1.05) : undefined;
        await compare(
          gpu,
          'scan',
          { op, dim },
          [{ shape, dtype: 'float32' }],
          [{ shape, dtype: 'float32', gen }],
          { what: `${op} [${shape}] dim ${dim}`, rtol: 1e-4, atol: 2e-4 },
        );
        await compare(
          gpu,
          'scan',
          { op, dim },
          [{ shape, dtype: 'int32' }],
          [{ shape, dtype: 'int32', gen: op === 'cumprod' ? gens.int(-1, 2) : gens.int(-100, 100) }],
          {
            what: `${op} int32 [${shape}] dim ${dim}`,
          },
        );
      }
    }
  });

  it('scan in place (out aliases x)', async () => {
    const x = gpu.upload('float32', new Float32Array(Array.from({ length: 200 }, (_, i) => i % 7)));
    const v = { buffer: x, dtype: 'float32' as const, shape: [2, 100], strides: [100, 1], offset: 0 };
    gpu.run('scan', [v], [v], { op: 'cumsum', dim: 1 });
    const got = await gpu.read(v);
    let acc = 0;
    const want = Array.from({ length: 200 }, (_, i) => {
      if (i % 100 === 0) acc = 0;
      acc += i % 7;
      return acc;
    });
    expect([...got]).toEqual(want);
    gpu.free(x);
  });

  it('softmax / log_softmax along each dim, short and long lines, strided', async () => {
    for (const log of [false, true]) {
      for (const [shape, dim] of [
        [[4, 5, 6], 0],
        [[4, 5, 6], 1],
        [[4, 5, 6], 2],
        [[3, 400], 1],
        [[200, 3], 0],
        [[9], 0],
      ] as [number[], number][]) {
        await compare(
          gpu,
          'softmax',
          { dim, log },
          [{ shape, dtype: 'float32' }],
          [{ shape, dtype: 'float32', gen: gens.uniform(-6, 6) }],
          {
            what: `${log ? 'log_' : ''}softmax [${shape}] dim ${dim}`,
            rtol: 2e-4,
            atol: 1e-6,
          },
        );
      }
    }
  });

  it('softmax: NaN poisons its line, all -inf gives NaN, +inf handled like the cpu', async () => {
    const rows = [
      [1, 2, Number.NaN, 4],
      [
        Number.NEGATIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
      ],
      [Number.NEGATIVE_INFINITY, 0, 1, 2],
      [1000, 1000, -1000, 0],
    ];
    for (const log of [false, true]) {
      await compare(
        gpu,
        'softmax',
        { dim: 1, log },
        [{ shape: [4, 4], dtype: 'float32' }],
        [{ shape: [4, 4], dtype: 'float32', values: rows.flat() }],
        { what: 'softmax edges' },
      );
      const long = rows.flatMap((r) => [...r, ...new Array(60).fill(r[0])]);
      await compare(
        gpu,
        'softmax',
        { dim: 1, log },
        [{ shape: [4, 64], dtype: 'float32' }],
        [{ shape: [4, 64], dtype: 'float32', values: long }],
        { what: 'softmax long edges' },
      );
    }
  });
});
