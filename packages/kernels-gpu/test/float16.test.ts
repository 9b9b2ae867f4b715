import { afterAll, beforeAll, describe, it } from 'vitest';
import type { WebGPUBackend } from '../src/index.js';
import { compareHalf, gens, probeWebGPU, suiteTitle } from './helpers.js';

/**
 * float16 operands on every float kernel. The dispatcher sends float16 to the kernels only
 * where supportsDType('float16') (devices with shader-f16); the kernels take packed halves on
 * any device (compute in f32, one rounding on store), which is what these tests check.
 */
const probe = await probeWebGPU();
let gpu: WebGPUBackend;

describe.skipIf(!probe.backend)(suiteTitle('webgpu kernels on float16 views', probe), () => {
  beforeAll(() => {
    gpu = probe.backend as WebGPUBackend;
  });
  afterAll(() => gpu?.destroy());

  it('unary, binary, where', async () => {
    await compareHalf(
      gpu,
      'unary',
      { op: 'tanh', params: [] },
      [{ shape: [5, 7], dtype: 'float32' }],
      [{ shape: [5, 7], dtype: 'float32' }],
    );
    await compareHalf(
      gpu,
      'binary',
      { op: 'mul' },
      [{ shape: [4, 6], dtype: 'float32' }],
      [
        { shape: [4, 6], dtype: 'float32', broadcast: [0] },
        { shape: [4, 6], dtype: 'float32' },
      ],
    );
    await compareHalf(
      gpu,
      'binary',
      { op: 'lt' },
      [{ shape: [4, 6], dtype: 'bool' }],
      [
        { shape: [4, 6], dtype: 'float32' },
        { shape: [4, 6], dtype: 'float32' },
      ],
    );
    await compareHalf(
      gpu,
      'where',
      {},
      [{ shape: [3, 5], dtype: 'float32' }],
      [
        { shape: [3, 5], dtype: 'bool' },
        { shape: [3, 5], dtype: 'float32' },
        { shape: [3, 5], dtype: 'float32' },
      ],
    );
  });

  it('reduce, scan, softmax', async () => {
    await compareHalf(
      gpu,
      'reduce',
      { op: 'sum', dims: [1] },
      [{ shape: [4, 1], dtype: 'float32' }],
      [{ shape: [4, 100], dtype: 'float32' }],
      { atol: 2e-2 },
    );
    await compareHalf(
      gpu,
      'reduce',
      { op: 'argmax', dims: [0] },
      [{ shape: [1, 6], dtype: 'int32' }],
      [{ shape: [9, 6], dtype: 'float32' }],
    );
    await compareHalf(
      gpu,
      'scan',
      { op: 'cumsum', dim: 0 },
      [{ shape: [7, 3], dtype: 'float32' }],
      [{ shape: [7, 3], dtype: 'float32' }],
      { atol: 1e-2 },
    );
    await compareHalf(
      gpu,
      'softmax',
      { dim: 1, log: false },
      [{ shape: [3, 80], dtype: 'float32' }],
      [{ shape: [3, 80], dtype: 'float32' }],
    );
  });

  it('gather, scatter_add, matmul, im2col, col2im', async () => {
    await compareHalf(
      gpu,
      'gather',
      { dim: 0 },
      [{ shape: [5, 3], dtype: 'float32' }],
      [
        { shape: [4, 3], dtype: 'float32' },
        { shape: [5, 3], dtype: 'int32', gen: gens.int(0, 3) },
      ],
    );
    await compareHalf(
      gpu,
      'scatter',
      { dim: 0, accumulate: true },
      [{ shape: [4, 3], dtype: 'float32' }],
      [
        { shape: [11, 3], dtype: 'float32', gen: gens.int(-4, 4) },
        { shape: [11, 3], dtype: 'int32', gen: gens.int(0, 3) },
      ],
    );
    await compareHalf(
      gpu,
      'scatter',
      { dim: 1, accumulate: false },
      [{ shape: [3, 4], dtype: 'float32' }],
      [
        { shape: [3, 9], dtype: 'float32' },
        { shape: [3, 9], dtype: 'int32', gen: gens.int(0, 3) },
      ],
    );
    await compareHalf(
      gpu,
      'matmul',
      {},
      [{ shape: [9, 13], dtype: 'float32' }],
      [
        { shape: [9, 20], dtype: 'float32' },
        { shape: [20, 13], dtype: 'float32' },
      ],
      { atol: 1e-2 },
    );
    const conv = { kernel: [3], stride: [1], padding: [1], dilation: [1], outSize: [6] };
    await compareHalf(
      gpu,
      'im2col',
      { ...conv, padValue: 0 },
      [{ shape: [2, 9, 6], dtype: 'float32' }],
      [{ shape: [2, 3, 6], dtype: 'float32' }],
    );
    await compareHalf(
      gpu,
      'col2im',
      { ...conv, inputSize: [6] },
      [{ shape: [2, 3, 6], dtype: 'float32' }],
      [{ shape: [2, 9, 6], dtype: 'float32' }],
      { atol: 5e-3 },
    );
  });
});
