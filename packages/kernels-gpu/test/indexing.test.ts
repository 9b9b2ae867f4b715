import type { DType, View } from '@kindling/ops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuBuffer, WebGPUBackend } from '../src/index.js';
import { compare, gens, probeWebGPU, suiteTitle } from './helpers.js';

const probe = await probeWebGPU();
let gpu: WebGPUBackend;

const view = (
  buffer: GpuBuffer,
  dtype: DType,
  shape: number[],
  strides?: number[],
  offset = 0,
): View<GpuBuffer> => {
  const st = strides ?? shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  return { buffer, dtype, shape, strides: st, offset };
};

describe.skipIf(!probe.backend)(suiteTitle('webgpu gather, scatter, im2col, col2im, matmul', probe), () => {
  beforeAll(() => {
    gpu = probe.backend as WebGPUBackend;
  });
  afterAll(() => gpu?.destroy());

  it('gather along each dim, strided x / index / out, float32 int32 bool', async () => {
    for (const dt of ['float32', 'int32', 'bool'] as DType[]) {
      for (const dim of [0, 1, 2]) {
        const xShape = [4, 5, 6];
        const idxShape = [3, 4, 5];
        idxShape[dim] = 7;
        await compare(
          gpu,
          'gather',
          { dim },
          [{ shape: idxShape, dtype: dt }],
          [
            { shape: xShape, dtype: dt },
            { shape: idxShape, dtype: 'int32', gen: gens.int(0, xShape[dim] - 1) },
          ],
          { what: `gather ${dt} dim ${dim}` },
        );
      }
    }
  });

  it('scatter (last write wins with duplicate indices) and scatter_add, each dim, strided', async () => {
    for (const accumulate of [false, true]) {
      for (const dt of ['float32', 'int32', 'bool'] as DType[]) {
        for (const dim of [0, 1, 2]) {
          const outShape = [4, 5, 6];
          const idxShape = [3, 4, 5];
          idxShape[dim] = 9; // more positions than targets: duplicates
          await compare(
            gpu,
            'scatter',
            { dim, accumulate },
            [{ shape: outShape, dtype: dt }],
            [
              { shape: idxShape, dtype: dt, gen: dt === 'float32' ? gens.int(-8, 8) : undefined },
              { shape: idxShape, dtype: 'int32', gen: gens.int(0, outShape[dim] - 1) },
            ],
            { what: `scatter${accumulate ? '_add' : ''} ${dt} dim ${dim}` },
          );
        }
      }
    }
  });

  it('scatter_add with float values accumulates (order may differ from the cpu: tolerance)', async () => {
    await compare(
      gpu,
      'scatter',
      { dim: 0, accumulate: true },
      [{ shape: [8, 3], dtype: 'float32' }],
      [
        { shape: [500, 3], dtype: 'float32' },
        { shape: [500, 3], dtype: 'int32', gen: gens.int(0, 7) },
      ],
      { rtol: 1e-4, atol: 1e-4 },
    );
  });

  it('out-of-range indices uploaded from the host throw synchronously, like the cpu', () => {
    const x = gpu.upload('float32', new Float32Array(6));
    const idx = gpu.upload('int32', new Int32Array([0, 3, 1]));
    const out = gpu.alloc('float32', 3);
    expect(() =>
      gpu.run('gather', [view(out, 'float32', [3])], [view(x, 'float32', [3]), view(idx, 'int32', [3])], {
        dim: 0,
      }),
    ).toThrow('gather(): index 3 is out of bounds for dimension 0 with size 3');
    const neg = gpu.upload('int32', new Int32Array([-1]));
    expect(() =>
      gpu.run('scatter', [view(out, 'float32', [3])], [view(x, 'float32', [1]), view(neg, 'int32', [1])], {
        dim: 0,
        accumulate: true,
      }),
    ).toThrow('scatter_add(): index -1 is out of bounds for dimension 0 with size 3');
    for (const b of [x, idx, out, neg]) gpu.free(b);
  });

  it('out-of-range indices computed on the GPU are clamped/skipped and reported by the next read', async () => {
    const x = gpu.upload('float32', new Float32Array([10, 11, 12]));
    const idx0 = gpu.upload('int32', new Int32Array([0, 2, 1, 0]));
    // indices made on the GPU (idx0 * 2 = [0, 4, 2, 0]): no host copy, so the GPU checks them
    const idx = gpu.alloc('int32', 4);
    const two = gpu.upload('int32', new Int32Array([2]));
    gpu.run('binary', [view(idx, 'int32', [4])], [view(idx0, 'int32', [4]), view(two, 'int32', [4], [0])], {
      op: 'mul',
    });
    const out = gpu.alloc('float32', 4);
    gpu.run('gather', [view(out, 'float32', [4])], [view(x, 'float32', [3]), view(idx, 'int32', [4])], {
      dim: 0,
    });
    await expect(gpu.read(view(out, 'float32', [4]))).rejects.toThrow(
      /gather\(\): index 4 is out of bounds for dimension 0 with size 3/,
    );
    // reported once; the clamped result reads back afterwards
    expect([...(await gpu.read(view(out, 'float32', [4])))]).toEqual([10, 12, 12, 10]);
    // scatter skips the bad position and leaves the rest written
    const dst = gpu.upload('float32', new Float32Array([0, 0, 0]));
    gpu.run('scatter', [view(dst, 'float32', [3])], [view(x, 'float32', [3], [1]), view(idx, 'int32', [3])], {
      dim: 0,
      accumulate: false,
    });
    await expect(gpu.read(view(dst, 'float32', [3]))).rejects.toThrow(
      /scatter\(\): index 4 is out of bounds/,
    );
    expect([...(await gpu.read(view(dst, 'float32', [3])))]).toEqual([10, 0, 12]);
    for (const b of [x, idx0, idx, two, out, dst]) gpu.free(b);
  });

  it('im2col / col2im, 1-D 2-D 3-D, stride padding dilation, strided views', async () => {
    const geoms = [
      { kernel: [3], stride: [2], padding: [1], dilation: [1], in: [9] },
      { kernel: [2, 3], stride: [1, 2], padding: [1, 0], dilation: [2, 1], in: [6, 7] },
      { kernel: [2, 2, 2], stride: [2, 1, 1], padding: [0, 1, 1], dilation: [1, 1, 2], in: [4, 4, 5] },
      { kernel: [3, 3], stride: [3, 3], padding: [0, 0], dilation: [1, 1], in: [5, 5] },
    ];
    for (const g of geoms) {
      const outSize = g.in.map(
        (s, d) =>
          Math.floor((s + 2 * g.padding[d] - g.dilation[d] * (g.kernel[d] - 1) - 1) / g.stride[d]) + 1,
      );
      const K = g.kernel.reduce((a, b) => a * b, 1);
      const L = outSize.reduce((a, b) => a * b, 1);
      const N = 2;
      const C = 3;
      for (const padValue of [0, Number.NEGATIVE_INFINITY]) {
        await compare(
          gpu,
          'im2col',
          { kernel: g.kernel, stride: g.stride, padding: g.padding, dilation: g.dilation, outSize, padValue },
          [{ shape: [N, C * K, L], dtype: 'float32' }],
          [{ shape: [N, C, ...g.in], dtype: 'float32' }],
          { what: `im2col ${JSON.stringify(g)}` },
        );
      }
      await compare(
        gpu,
        'im2col',
        {
          kernel: g.kernel,
          stride: g.stride,
          padding: g.padding,
          dilation: g.dilation,
          outSize,
          padValue: 0,
        },
        [{ shape: [N, C * K, L], dtype: 'int32' }],
        [{ shape: [N, C, ...g.in], dtype: 'int32' }],
        { what: `im2col int32 ${JSON.stringify(g)}` },
      );
      await compare(
        gpu,
        'col2im',
        {
          kernel: g.kernel,
          stride: g.stride,
          padding: g.padding,
          dilation: g.dilation,
          outSize,
          inputSize: g.in,
        },
        [{ shape: [N, C, ...g.in], dtype: 'float32' }],
        [{ shape: [N, C * K, L], dtype: 'float32' }],
        { what: `col2im ${JSON.stringify(g)}`, atol: 1e-5 },
      );
    }
  });

  it('matmul: batched, broadcast batch (stride 0), transposed and strided operands, float32 and int32', async () => {
    const cases: [number[], number, number, number][] = [
      [[], 1, 1, 1],
      [[], 5, 7, 3],
      [[], 33, 65, 17],
      [[], 70, 130, 40],
      [[3], 9, 10, 11],
      [[2, 3], 4, 5, 6],
      [[2], 1, 129, 64],
      [[], 8, 8, 0],
    ];
    for (const [batch, m, n, k] of cases) {
      for (const dt of ['float32', 'int32'] as DType[]) {
        await compare(
          gpu,
          'matmul',
          {},
          [{ shape: [...batch, m, n], dtype: dt }],
          [
            { shape: [...batch, m, k], dtype: dt, gen: dt === 'int32' ? gens.int(-5, 5) : undefined },
            {
              shape: [...batch, k, n],
              dtype: dt,
              broadcast: batch.length > 0 ? [0] : [],
              gen: dt === 'int32' ? gens.int(-5, 5) : undefined,
            },
          ],
          { what: `matmul ${dt} [${batch}] ${m}x${k} @ ${k}x${n}`, rtol: 1e-4, atol: 1e-4 },
        );
      }
    }
  });
});
