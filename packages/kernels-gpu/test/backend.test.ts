import { type DType, toHalfBits, type View } from '@kindling/ops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebGPUBackend, type GpuBuffer, type WebGPUBackend } from '../src/index.js';
import { probeWebGPU, suiteTitle } from './helpers.js';

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

describe.skipIf(!probe.backend)(suiteTitle('webgpu backend', probe), () => {
  beforeAll(() => {
    gpu = probe.backend as WebGPUBackend;
  });
  afterAll(() => gpu?.destroy());

  it('describes itself', () => {
    expect(gpu.device).toBe('webgpu');
    expect(gpu.canReadSync).toBe(false);
    expect(gpu.gcFreesBuffers).toBe(false);
    expect(gpu.name).toMatch(/^webgpu \(.+, (core|compatibility)\)$/);
    for (const d of ['float32', 'int32', 'bool'] as const) expect(gpu.supportsDType(d)).toBe(true);
    expect(gpu.supportsDType('float64')).toBe(false);
    expect(gpu.supportsDType('float16')).toBe(gpu.gpuDevice.features.has('shader-f16'));
    expect(() => gpu.readSync(view(gpu.alloc('float32', 1), 'float32', [1]))).toThrow(/asynchronously|await/);
  });

  it('float64 is refused with a clear error', () => {
    expect(() => gpu.alloc('float64', 3)).toThrow(
      'webgpu does not support float64; convert with .float() first',
    );
    expect(() => gpu.upload('float64', new Float64Array(3))).toThrow(
      'webgpu does not support float64; convert with .float() first',
    );
  });

  it('uploads convert like the cpu backend and read back row-major', async () => {
    const cases: [DType, ArrayLike<number> & { constructor: unknown }, number[]][] = [
      ['float32', new Float32Array([1.5, -2, 3]), [1.5, -2, 3]],
      ['int32', new Float64Array([2.7, -2.7, 7]), [2, -2, 7]],
      ['bool', new Float32Array([0, 2, Number.NaN]), [0, 1, 1]],
      ['float16', new Float32Array([1.5, -2]), [toHalfBits(1.5), toHalfBits(-2)]],
      ['float16', new Uint16Array([15360, 1, 2]), [15360, 1, 2]],
      ['float32', new Uint16Array([15360]), [1]],
    ];
    for (const [dt, data, want] of cases) {
      const b = gpu.upload(dt, data as never);
      const got = await gpu.read(view(b, dt, [want.length]));
      expect([...got], `${dt} from ${(data.constructor as { name: string }).name}`).toEqual(want);
      expect(got.constructor.name).toBe(
        {
          float32: 'Float32Array',
          int32: 'Int32Array',
          bool: 'Uint8Array',
          float16: 'Uint16Array',
          float64: '',
        }[dt],
      );
      gpu.free(b);
    }
    expect(() => gpu.upload('float32', [1, 2] as unknown as Float32Array)).toThrow(TypeError);
  });

  it('reads strided, broadcast, offset and odd-aligned float16 views', async () => {
    const b = gpu.upload('float32', new Float32Array([0, 1, 2, 3, 4, 5, 6, 7]));
    expect([...(await gpu.read(view(b, 'float32', [2, 3], [1, 2], 1)))]).toEqual([1, 3, 5, 2, 4, 6]);
    expect([...(await gpu.read(view(b, 'float32', [2, 2], [0, 1], 3)))]).toEqual([3, 4, 3, 4]);
    expect([...(await gpu.read(view(b, 'float32', [3], [1], 5)))]).toEqual([5, 6, 7]);
    expect([...(await gpu.read(view(b, 'float32', [], [], 7)))]).toEqual([7]);
    expect([...(await gpu.read(view(b, 'float32', [0, 3], [3, 1], 0)))]).toEqual([]);
    const h = gpu.upload('float16', new Uint16Array([10, 11, 12, 13, 14]));
    expect([...(await gpu.read(view(h, 'float16', [3], [1], 1)))]).toEqual([11, 12, 13]);
    expect([...(await gpu.read(view(h, 'float16', [1], [1], 4)))]).toEqual([14]);
    gpu.free(b);
    gpu.free(h);
  });

  it('pools buffers by size class and reports memory', () => {
    const be = gpu;
    const before = be.memoryStats();
    const a = be.alloc('float32', 1000);
    const s1 = be.memoryStats();
    expect(s1.liveBuffers).toBe(before.liveBuffers + 1);
    expect(s1.bytesInUse).toBe(before.bytesInUse + 4000);
    be.free(a);
    be.free(a); // a second free is ignored
    const s2 = be.memoryStats();
    expect(s2.liveBuffers).toBe(before.liveBuffers);
    expect(s2.bytesCached).toBeGreaterThan(before.bytesCached);
    const b = be.alloc('int32', 990); // same size class: reuses the cached buffer
    expect(b.gpu).toBe(a.gpu);
    expect(be.memoryStats().bytesCached).toBe(
      before.bytesCached + (s2.bytesCached - before.bytesCached) - b.capacity,
    );
    be.free(b);
    expect(() => be.run('fill', [view(b, 'int32', [3])], [], { value: 1 })).toThrow(/after free/);
  });

  it('compiles one pipeline per shape class, not per call', async () => {
    const x = gpu.upload('float32', new Float32Array(64).fill(1));
    const out = gpu.alloc('float32', 64);
    gpu.run('unary', [view(out, 'float32', [64])], [view(x, 'float32', [64])], { op: 'sqrt', params: [] });
    const n = gpu.pipelineCount();
    for (const len of [1, 7, 33, 64])
      gpu.run('unary', [view(out, 'float32', [len])], [view(x, 'float32', [len])], {
        op: 'sqrt',
        params: [],
      });
    gpu.run('unary', [view(out, 'float32', [4, 8], [1, 4])], [view(x, 'float32', [4, 8], [8, 1])], {
      op: 'sqrt',
      params: [],
    });
    expect(gpu.pipelineCount()).toBe(n + 1); // the 2-d layout is one more class
    await gpu.read(view(out, 'float32', [64]));
    gpu.free(x);
    gpu.free(out);
  });

  it('batches many dispatches and submits on read (or every maxBatch)', async () => {
    const x = gpu.upload('float32', new Float32Array([0]));
    const one = gpu.upload('float32', new Float32Array([1]));
    for (let i = 0; i < 1000; i++)
      gpu.run('binary', [view(x, 'float32', [1])], [view(x, 'float32', [1]), view(one, 'float32', [1])], {
        op: 'add',
      });
    expect([...(await gpu.read(view(x, 'float32', [1])))]).toEqual([1000]);
    // uploads interleaved with kernels keep their order (a reused buffer is not overwritten early)
    const y = gpu.alloc('float32', 1);
    gpu.run('fill', [view(y, 'float32', [1])], [], { value: 5 });
    gpu.run('binary', [view(x, 'float32', [1])], [view(y, 'float32', [1]), view(one, 'float32', [1])], {
      op: 'add',
    });
    gpu.free(y);
    const z = gpu.upload('float32', new Float32Array([100]));
    expect(z.gpu).toBe(y.gpu);
    expect([...(await gpu.read(view(x, 'float32', [1])))]).toEqual([6]);
    expect([...(await gpu.read(view(z, 'float32', [1])))]).toEqual([100]);
    await gpu.sync();
    for (const b of [x, one, z]) gpu.free(b);
  });

  it('reads do not leak temporaries', async () => {
    const b = gpu.upload('float32', new Float32Array(12));
    const live = gpu.memoryStats().liveBuffers;
    await gpu.read(view(b, 'float32', [3, 4], [1, 3]));
    expect(gpu.memoryStats().liveBuffers).toBe(live);
    gpu.free(b);
  });

  it('unknown kernels and bad shapes throw synchronously', () => {
    const b = gpu.alloc('float32', 4);
    expect(() => gpu.run('nope' as never, [], [], {} as never)).toThrow("webgpu: unknown kernel 'nope'");
    expect(() =>
      gpu.run(
        'matmul',
        [view(b, 'float32', [2, 2])],
        [view(b, 'float32', [2, 3]), view(b, 'float32', [2, 2])],
        {},
      ),
    ).toThrow(/matmul/);
    expect(() => gpu.alloc('float32', 2 ** 40)).toThrow(/cannot allocate/);
    gpu.free(b);
  });

  it('GPU validation errors become JS errors naming the kernel, on the next read', async () => {
    const x = gpu.alloc('float32', 4);
    const out = gpu.alloc('float32', 4);
    // a buffer destroyed behind the backend's back: the submit fails validation
    x.gpu.destroy();
    gpu.run('unary', [view(out, 'float32', [4])], [view(x, 'float32', [4])], { op: 'exp', params: [] });
    await expect(gpu.read(view(out, 'float32', [4]))).rejects.toThrow(/webgpu .*unary\(exp\)/);
    // the backend keeps working afterwards
    const y = gpu.upload('float32', new Float32Array([4]));
    gpu.run('unary', [view(y, 'float32', [1])], [view(y, 'float32', [1])], { op: 'sqrt', params: [] });
    expect([...(await gpu.read(view(y, 'float32', [1])))]).toEqual([2]);
    gpu.free(y);
    gpu.free(out);
  });
});

describe.skipIf(!probe.backend)(suiteTitle('webgpu backend lifetime', probe), () => {
  it('accepts an existing device; device loss rejects pending reads and marks the backend lost', async () => {
    const base = await createWebGPUBackend();
    const device = base.gpuDevice;
    const be = await createWebGPUBackend({ device });
    expect(be.gpuDevice).toBe(device);
    const b = be.upload('float32', new Float32Array(1 << 16).fill(2));
    be.run('unary', [view(b, 'float32', [1 << 16])], [view(b, 'float32', [1 << 16])], {
      op: 'exp',
      params: [],
    });
    const pending = be.read(view(b, 'float32', [1 << 16]));
    device.destroy();
    await expect(pending).rejects.toThrow(/device lost/);
    expect(be.isLost).toBe(true);
    expect(() => be.alloc('float32', 1)).toThrow(/device lost/);
    be.destroy();
    base.destroy();
  });

  it('destroy() frees everything; later calls throw', async () => {
    const be = await createWebGPUBackend();
    const b = be.upload('float32', new Float32Array([1, 2]));
    expect([...(await be.read(view(b, 'float32', [2])))]).toEqual([1, 2]);
    be.destroy();
    expect(() => be.alloc('float32', 1)).toThrow(/destroyed/);
    await expect(be.read(view(b, 'float32', [2]))).rejects.toThrow(/destroyed/);
  });

  it('rejects with a clear error when no adapter exists', async () => {
    const noGpu = { requestAdapter: async () => null } as unknown as GPU;
    await expect(createWebGPUBackend({ gpu: noGpu })).rejects.toThrow(/no WebGPU adapter found/);
  });

  it('falls back to the compatibility feature level', async () => {
    const levels: string[] = [];
    const fake = {
      requestAdapter: async (o: { featureLevel?: string }) => {
        levels.push(o.featureLevel ?? 'core');
        return null;
      },
    } as unknown as GPU;
    await expect(createWebGPUBackend({ gpu: fake })).rejects.toThrow(/core, compatibility/);
    expect(levels).toEqual(['core', 'compatibility']);
  });
});
