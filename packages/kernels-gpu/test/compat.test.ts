import type { DType, ReduceOp } from '@kindling/ops';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebGPUBackend, type WebGPUBackend } from '../src/index.js';
import { compare, gens } from './helpers.js';

/**
 * Every kernel once more on a compatibility-level device: Mesa's llvmpipe through Dawn's
 * OpenGL ES backend (EGL_PLATFORM=surfaceless), the stricter limits of compatibility mode and a
 * second shader compiler. Skips when that adapter is not available.
 */
process.env.EGL_PLATFORM ??= 'surfaceless';
let gpu: WebGPUBackend | null = null;
let reason = '';
try {
  gpu = await createWebGPUBackend({ dawnFlags: ['backend=opengles'], featureLevel: 'compatibility' });
} catch (e) {
  reason = (e as Error).message;
  console.warn(`webgpu compatibility tests skipped: ${reason}`);
}

const title = gpu
  ? `webgpu kernels at the compatibility level [${gpu.name}]`
  : `webgpu compatibility level (skipped: ${reason.slice(0, 100)})`;

describe.skipIf(!gpu)(title, () => {
  const g = () => gpu as WebGPUBackend;
  afterAll(() => gpu?.destroy());

  it('runs at the compatibility feature level', () => {
    expect(g().featureLevel).toBe('compatibility');
  });

  it('elementwise: unary, binary, where, copy, fill', async () => {
    for (const op of ['exp', 'sin', 'erf', 'sigmoid', 'round'] as const) {
      await compare(
        g(),
        'unary',
        { op, params: [] },
        [{ shape: [4, 5], dtype: 'float32' }],
        [{ shape: [4, 5], dtype: 'float32' }],
        { rtol: 3e-5, atol: 1e-6 },
      );
    }
    for (const op of ['add', 'pow', 'maximum', 'lt', 'logicalXor'] as const) {
      const out: DType = op === 'lt' || op === 'logicalXor' ? 'bool' : 'float32';
      await compare(
        g(),
        'binary',
        { op },
        [{ shape: [3, 4], dtype: out }],
        [
          { shape: [3, 4], dtype: 'float32', gen: gens.uniform(0.2, 3), broadcast: [0] },
          { shape: [3, 4], dtype: 'float32' },
        ],
      );
    }
    await compare(
      g(),
      'binary',
      { op: 'remainder' },
      [{ shape: [3, 4], dtype: 'int32' }],
      [
        { shape: [3, 4], dtype: 'int32' },
        { shape: [3, 4], dtype: 'int32', gen: gens.int(1, 5) },
      ],
    );
    await compare(
      g(),
      'where',
      {},
      [{ shape: [3, 4], dtype: 'float32' }],
      [
        { shape: [3, 4], dtype: 'bool' },
        { shape: [3, 4], dtype: 'float32' },
        { shape: [3, 4], dtype: 'float32', broadcast: [1] },
      ],
    );
    for (const [from, to] of [
      ['float32', 'float16'],
      ['float16', 'int32'],
      ['int32', 'bool'],
    ] as [DType, DType][]) {
      await compare(g(), 'copy', {}, [{ shape: [5, 3], dtype: to }], [{ shape: [5, 3], dtype: from }], {
        rtol: 0,
        atol: 0,
      });
    }
    await compare(g(), 'fill', { value: -2.5 }, [{ shape: [3, 5], dtype: 'float16' }], [], {
      rtol: 0,
      atol: 0,
    });
  });

  it('reduce, scan, softmax: serial and workgroup paths', async () => {
    for (const op of ['sum', 'amax', 'argmin'] as ReduceOp[]) {
      const out: DType = op === 'argmin' ? 'int32' : 'float32';
      await compare(
        g(),
        'reduce',
        { op, dims: [1] },
        [{ shape: [4, 1], dtype: out }],
        [{ shape: [4, 9], dtype: 'float32' }],
        { atol: 1e-4 },
      );
      await compare(
        g(),
        'reduce',
        { op, dims: [0, 2] },
        [{ shape: [1, 3, 1], dtype: out }],
        [{ shape: [30, 3, 20], dtype: 'float32' }],
        { atol: 1e-4 },
      );
    }
    for (const len of [10, 300]) {
      await compare(
        g(),
        'scan',
        { op: 'cumsum', dim: 1 },
        [{ shape: [3, len], dtype: 'float32' }],
        [{ shape: [3, len], dtype: 'float32' }],
        { atol: 2e-4 },
      );
      await compare(
        g(),
        'softmax',
        { dim: 1, log: true },
        [{ shape: [3, len], dtype: 'float32' }],
        [{ shape: [3, len], dtype: 'float32' }],
        { atol: 1e-5 },
      );
    }
  });

  it('gather, scatter, im2col, col2im, matmul', async () => {
    await compare(
      g(),
      'gather',
      { dim: 1 },
      [{ shape: [3, 6], dtype: 'float32' }],
      [
        { shape: [3, 4], dtype: 'float32' },
        { shape: [3, 6], dtype: 'int32', gen: gens.int(0, 3) },
      ],
    );
    for (const accumulate of [false, true]) {
      await compare(
        g(),
        'scatter',
        { dim: 0, accumulate },
        [{ shape: [4, 3], dtype: 'int32' }],
        [
          { shape: [9, 3], dtype: 'int32' },
          { shape: [9, 3], dtype: 'int32', gen: gens.int(0, 3) },
        ],
      );
    }
    const conv = { kernel: [2, 3], stride: [1, 2], padding: [1, 1], dilation: [1, 1], outSize: [6, 3] };
    await compare(
      g(),
      'im2col',
      { ...conv, padValue: 0 },
      [{ shape: [2, 18, 18], dtype: 'float32' }],
      [{ shape: [2, 3, 5, 5], dtype: 'float32' }],
    );
    await compare(
      g(),
      'col2im',
      { ...conv, inputSize: [5, 5] },
      [{ shape: [2, 3, 5, 5], dtype: 'float32' }],
      [{ shape: [2, 18, 18], dtype: 'float32' }],
    );
    await compare(
      g(),
      'matmul',
      {},
      [{ shape: [2, 37, 70], dtype: 'float32' }],
      [
        { shape: [2, 37, 19], dtype: 'float32' },
        { shape: [2, 19, 70], dtype: 'float32', broadcast: [0] },
      ],
      { atol: 1e-4 },
    );
  });
  it('fused recurrent cells and attention', async () => {
    const f = (shape: number[]) => ({ shape, dtype: 'float32' as const, gen: gens.uniform(-2, 2) });
    const [B, H] = [3, 5];
    const dh = [f([B, H]), f([B, H]), f([B, H])];
    await compare(g(), 'rnnCell', { nonlinearity: 'tanh' }, [f([B, H])], [f([B, H]), f([B, H])]);
    await compare(g(), 'rnnCellBackward', { nonlinearity: 'relu' }, [f([B, H])], [f([B, H]), ...dh]);
    await compare(g(), 'lstmCell', {}, [f([B, H]), f([B, H])], [f([B, 4 * H]), f([B, 4 * H]), f([B, H])]);
    await compare(
      g(),
      'lstmCellBackward',
      {},
      [f([B, 4 * H]), f([B, H])],
      [f([B, 4 * H]), f([B, 4 * H]), f([B, H]), f([B, H]), f([B, H]), ...dh],
    );
    const gru = [f([B, 3 * H]), f([B, 3 * H]), f([B, H]), f([3 * H])];
    await compare(g(), 'gruCell', { hhBias: true }, [f([B, H])], gru);
    await compare(
      g(),
      'gruCellBackward',
      { hhBias: true },
      [f([B, 3 * H]), f([B, 3 * H]), f([B, H])],
      [...gru, ...dh],
    );
    for (const causal of [false, true]) {
      const ins = [f([2, 6, 4]), f([2, 7, 4]), f([2, 7, 3]), f([2, 6, 7])];
      const attrs = { scale: 0.5, causal };
      await compare(g(), 'attention', attrs, [f([2, 6, 3]), f([2, 6])], ins, { rtol: 1e-4, atol: 1e-5 });
      await compare(
        g(),
        'attentionBackward',
        attrs,
        [f([2, 6, 4]), f([2, 7, 4]), f([2, 7, 3])],
        [
          ...ins.slice(0, 3),
          f([2, 6, 3]),
          f([2, 6, 3]),
          { shape: [2, 6], dtype: 'float32', gen: gens.uniform(1, 3) },
          ins[3],
        ],
        { rtol: 2e-4, atol: 2e-5 },
      );
    }
  });
});
