import {
  arrayTypeFor,
  type Backend,
  type DType,
  type KernelAttrs,
  type KernelName,
  type TypedArray,
} from '@kindling/ops';
import type { CpuBuffer, CpuContext, CpuKernel, CpuView } from './context.js';
import { copyView } from './kernels/copy.js';
import { KERNELS } from './kernels/index.js';
import { LoopCache } from './loops.js';
import { BufferPool } from './pool.js';
import { Scratch } from './scratch.js';
import { contiguous, numelOf } from './strided.js';

export interface CpuBackendOptions {
  /** Most bytes of freed buffers kept for reuse (default 256 MiB). */
  readonly poolBytes?: number;
  /** Compile elementwise loops with `new Function` (default true; false forces the closure fallback). */
  readonly codegen?: boolean;
  /**
   * Run float32 matmul and attention on the WebAssembly SIMD GEMM where the runtime supports it
   * (default true; false forces the JS kernels, e.g. to compare the two).
   */
  readonly wasm?: boolean;
}

const DTYPE_OF = new Map<unknown, DType>([
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
  [Int32Array, 'int32'],
  [Uint8Array, 'bool'],
  [Uint16Array, 'float16'],
]);

/** A CPU backend with its own buffer pool, compiled loops and scratch. */
export function createCpuBackend(options: CpuBackendOptions = {}): Backend<CpuBuffer> {
  const pool = new BufferPool(options.poolBytes ?? 256 * 1024 * 1024);
  const ctx: CpuContext = {
    loops: new LoopCache(options.codegen ?? true),
    scratch: new Scratch(),
    wasm: options.wasm ?? true,
  };

  const readSync = (view: CpuView): TypedArray => {
    const out = new (arrayTypeFor(view.dtype))(numelOf(view.shape));
    const dst: CpuView = {
      buffer: out,
      dtype: view.dtype,
      shape: view.shape,
      strides: contiguous(view.shape),
      offset: 0,
    };
    copyView(ctx.loops, dst, view);
    return out;
  };

  return {
    device: 'cpu',
    name: 'cpu',
    canReadSync: true,
    supportsDType: (dtype: DType) => dtype !== 'float16',
    gcFreesBuffers: true,
    alloc: (dtype, numel) => pool.alloc(dtype, numel),
    upload(dtype, data) {
      const from = DTYPE_OF.get(data.constructor);
      if (from === undefined) throw new TypeError(`cpu upload: expected a typed array, got ${String(data)}`);
      const buf = pool.alloc(dtype, data.length);
      // same storage: a plain copy; otherwise convert like `copy` does (half bits, bool 0/1)
      const shape = [data.length];
      const strides = [1];
      copyView(
        ctx.loops,
        { buffer: buf, dtype, shape, strides, offset: 0 },
        { buffer: data, dtype: from, shape, strides, offset: 0 },
      );
      return buf;
    },
    read: (view) => Promise.resolve(readSync(view)),
    readSync,
    free: (buffer) => pool.free(buffer),
    run<K extends KernelName>(
      kernel: K,
      outputs: readonly CpuView[],
      inputs: readonly CpuView[],
      attrs: KernelAttrs[K],
    ) {
      const fn = KERNELS[kernel] as CpuKernel<K> | undefined;
      if (!fn) throw new RangeError(`cpu: unknown kernel '${kernel}'`);
      fn(ctx, outputs, inputs, attrs);
    },
    memoryStats: () => pool.stats(),
    destroy() {
      pool.clear();
      ctx.scratch.clear();
    },
  };
}

/** The default CPU backend: `registerBackend(cpuBackend)`. */
export const cpuBackend: Backend<CpuBuffer> = createCpuBackend();
