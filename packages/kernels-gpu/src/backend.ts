import type { Backend, DType, KernelAttrs, KernelName, MemoryStats, TypedArray, View } from '@kindling/ops';
import { fromStorage, type GpuBuffer, type GpuView, storageBytesPerElement, toStorage } from './buffer.js';
import type { GpuContext, GpuKernel } from './kernels/context.js';
import { KERNELS } from './kernels/index.js';
import { contiguous, isContiguous, numelOf } from './layout.js';
import { ERROR_CODES, Runtime } from './runtime.js';

export interface WebGPUBackendOptions {
  /** Use this device instead of requesting one (the backend does not destroy it). */
  readonly device?: GPUDevice;
  /** A `navigator.gpu`-like object to request the adapter from (default: navigator.gpu, else Dawn in Node). */
  readonly gpu?: GPU;
  /**
   * Flags for Dawn's `create()` in Node (e.g. `['backend=vulkan']`). Default: the space-separated
   * KINDLING_DAWN_FLAGS environment variable, else `backend=vulkan` when VK_ICD_FILENAMES is set.
   */
  readonly dawnFlags?: readonly string[];
  /** Feature level to ask for first (default 'core'; falls back to 'compatibility'). */
  readonly featureLevel?: 'core' | 'compatibility';
  readonly powerPreference?: 'low-power' | 'high-performance';
  /** Most bytes of freed buffers kept for reuse (default 256 MiB). */
  readonly poolBytes?: number;
  /** Dispatches recorded before a batch is submitted without a read (default 128). */
  readonly maxBatch?: number;
}

export interface WebGPUBackend extends Backend<GpuBuffer> {
  readonly device: 'webgpu';
  /** The GPUDevice kernels run on. */
  readonly gpuDevice: GPUDevice;
  /** 'core' or 'compatibility'. */
  readonly featureLevel: string;
  /** Adapter description (vendor, architecture, device). */
  readonly adapterInfo: string;
  /** Pipelines compiled so far (one per kernel shape class). */
  pipelineCount(): number;
  /** Submits recorded work and resolves when the GPU has finished it (errors reject). */
  sync(): Promise<void>;
  /** Whether the device was lost (every later call throws). */
  readonly isLost: boolean;
  /** Frees every GPU resource (and the device, unless it was passed in). */
  destroy(): void;
}

/**
 * Dawn instances by flags. Dawn aborts the process if the object `create()` returned is
 * garbage-collected while devices from it live, so instances are kept for the process's life
 * (and reused by every backend created with the same flags).
 */
const dawnInstances = new Map<string, GPU>();

interface DawnModule {
  create(flags: string[]): GPU;
}

function envFlags(): string[] {
  const env = typeof process !== 'undefined' ? process.env : undefined;
  const raw = env?.KINDLING_DAWN_FLAGS;
  if (raw !== undefined) return raw.split(/\s+/).filter(Boolean);
  if (env?.VK_ICD_FILENAMES) return ['backend=vulkan'];
  return [];
}

async function nodeGpu(flags: readonly string[]): Promise<GPU> {
  const key = flags.join(' ');
  const cached = dawnInstances.get(key);
  if (cached) return cached;
  let mod: DawnModule;
  try {
    const name = 'webgpu';
    mod = (await import(/* @vite-ignore */ name)) as DawnModule;
  } catch (e) {
    throw new Error(
      "createWebGPUBackend: no navigator.gpu and the optional 'webgpu' package (Dawn for Node) could not be loaded; install it with `npm install webgpu`",
      { cause: e },
    );
  }
  const gpu = mod.create([...flags]);
  dawnInstances.set(key, gpu);
  return gpu;
}

const LIMITS_WANTED = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupsPerDimension',
] as const;

async function requestDevice(
  options: WebGPUBackendOptions,
): Promise<{ device: GPUDevice; level: string; info: string; own: boolean; gpu: GPU | null }> {
  if (options.device) {
    const d = options.device;
    const level = d.features.has('core-features-and-limits') ? 'core' : 'compatibility';
    return { device: d, level, info: describe(d.adapterInfo), own: false, gpu: null };
  }
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  const gpu = options.gpu ?? nav?.gpu ?? (await nodeGpu(options.dawnFlags ?? envFlags()));
  const first = options.featureLevel ?? 'core';
  const levels: string[] = first === 'core' ? ['core', 'compatibility'] : ['compatibility'];
  let adapter: GPUAdapter | null = null;
  let level: string = first;
  for (const l of levels) {
    adapter = await gpu.requestAdapter({
      featureLevel: l,
      powerPreference: options.powerPreference,
    } as GPURequestAdapterOptions);
    if (adapter) {
      level = l;
      break;
    }
  }
  if (!adapter) {
    throw new Error(
      `createWebGPUBackend: no WebGPU adapter found (asked for feature levels ${levels.join(', ')}). ` +
        'In Node, Dawn needs a driver: e.g. SwiftShader (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, ' +
        "dawnFlags ['backend=vulkan']) or Mesa llvmpipe (EGL_PLATFORM=surfaceless, dawnFlags ['backend=opengles']).",
    );
  }
  // ask for the adapter's limits where kernels benefit (bigger buffers, workgroups)
  const requiredLimits: Record<string, number> = {};
  for (const k of LIMITS_WANTED) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('shader-f16')) requiredFeatures.push('shader-f16');
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'kindling' });
  if (level === 'core' && !device.features.has('core-features-and-limits')) level = 'compatibility';
  return { device, level, info: describe(adapter.info), own: true, gpu };
}

function describe(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter(
    (s) => s && s.length > 0,
  );
  return parts.length > 0 ? [...new Set(parts)].join(' ') : 'unknown adapter';
}

/**
 * The WebGPU backend: Dawn in Node (the optional `webgpu` package), `navigator.gpu` in browsers,
 * or a device you pass. Rejects with a clear error when no adapter is available.
 */
export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const { device, level, info, own, gpu } = await requestDevice(options);
  const rt = new Runtime(device, {
    poolBytes: options.poolBytes ?? 256 * 1024 * 1024,
    maxBatch: options.maxBatch ?? 128,
    arenaBytes: 1 << 20,
  });
  const maxInv = device.limits.maxComputeInvocationsPerWorkgroup;
  const maxX = device.limits.maxComputeWorkgroupSizeX;
  const pow2 = (n: number) => 2 ** Math.floor(Math.log2(n));
  const ctx: GpuContext = {
    rt,
    wg: pow2(Math.min(256, maxInv, maxX)),
    wgRow: pow2(Math.min(256, maxInv, maxX)),
  };
  const f16 = device.features.has('shader-f16');
  // Dawn's instance (`gpu`) stays referenced by dawnInstances for the process's life
  void gpu;

  const checkDType = (what: string, dtype: DType) => {
    if (dtype === 'float64')
      throw new TypeError(`webgpu does not support float64; convert with .float() first (${what})`);
  };

  const backend: WebGPUBackend = {
    device: 'webgpu',
    name: `webgpu (${info}, ${level})`,
    canReadSync: false,
    gcFreesBuffers: false,
    gpuDevice: device,
    featureLevel: level,
    adapterInfo: info,
    get isLost() {
      return rt.lost !== null;
    },
    supportsDType: (dtype: DType) =>
      dtype === 'float32' || dtype === 'int32' || dtype === 'bool' || (dtype === 'float16' && f16),
    alloc(dtype, numel) {
      checkDType('alloc', dtype);
      rt.check('alloc');
      if (!Number.isInteger(numel) || numel < 0)
        throw new RangeError(`webgpu alloc: invalid element count ${numel}`);
      return rt.alloc(dtype, numel);
    },
    upload(dtype, data) {
      checkDType('upload', dtype);
      rt.check('upload');
      if (!ArrayBuffer.isView(data))
        throw new TypeError(`webgpu upload: expected a typed array, got ${String(data)}`);
      const buf = rt.alloc(dtype, data.length);
      if (data.length > 0) rt.write(buf, toStorage(dtype, data));
      // kept for synchronous index checks in gather/scatter until a kernel writes the buffer
      if (dtype === 'int32' && data.length <= 1 << 22)
        buf.host = data instanceof Int32Array ? data.slice() : Int32Array.from(data);
      return buf;
    },
    async read(view: View<GpuBuffer>): Promise<TypedArray> {
      rt.check('read');
      checkDType('read', view.dtype);
      const n = numelOf(view.shape);
      if (n === 0) return fromStorage(view.dtype, new ArrayBuffer(0), 0);
      const esz = storageBytesPerElement(view.dtype);
      let src = view.buffer;
      let offset = view.offset;
      let temp: GpuBuffer | null = null;
      if (!isContiguous(view.shape, view.strides) || (offset * esz) % 4 !== 0) {
        temp = rt.alloc(view.dtype, n);
        KERNELS.copy(
          ctx,
          [
            {
              buffer: temp,
              dtype: view.dtype,
              shape: view.shape,
              strides: contiguous(view.shape),
              offset: 0,
            },
          ],
          [view],
          {},
        );
        src = temp;
        offset = 0;
      }
      const bytes = Math.ceil((n * esz) / 4) * 4;
      let result: { data: ArrayBuffer; errors: Int32Array };
      try {
        result = await rt.readBytes(src.gpu, offset * esz, bytes);
      } finally {
        if (temp) rt.pool.free(temp);
      }
      const err = result.errors;
      if (err[0] > 0) {
        rt.clearErrors();
        const op = ERROR_CODES[err[1]] ?? 'gather/scatter';
        throw new RangeError(
          `${op}(): index ${err[2]} is out of bounds for dimension ${err[3]} with size ${err[4]} ` +
            `(found on the GPU after the kernel ran: ${err[0]} bad ind${err[0] === 1 ? 'ex' : 'ices'}; gather clamped them, scatter skipped them)`,
        );
      }
      return fromStorage(view.dtype, result.data, n);
    },
    readSync() {
      throw new Error(
        'webgpu: synchronous reads are not possible; use await backend.read(view) (tensor.data())',
      );
    },
    free(buffer) {
      if (!buffer || buffer.freed) return;
      if (rt.destroyed || rt.lost) buffer.freed = true;
      else rt.pool.free(buffer);
    },
    run<K extends KernelName>(
      kernel: K,
      outputs: readonly GpuView[],
      inputs: readonly GpuView[],
      attrs: KernelAttrs[K],
    ) {
      const fn = KERNELS[kernel] as GpuKernel<K> | undefined;
      if (!fn) throw new RangeError(`webgpu: unknown kernel '${kernel}'`);
      rt.check(kernel);
      for (const v of [...outputs, ...inputs]) {
        checkDType(kernel, v.dtype);
        if (v.buffer.freed) throw new Error(`webgpu ${kernel}: a buffer was used after free()`);
      }
      for (const o of outputs) o.buffer.host = null;
      fn(ctx, outputs, inputs, attrs);
    },
    memoryStats: (): MemoryStats => rt.pool.stats(),
    pipelineCount: () => rt.pipelineCount,
    async sync() {
      rt.check('sync');
      rt.flush();
      await device.queue.onSubmittedWorkDone();
      await rt.settle();
    },
    destroy() {
      rt.destroy(own);
    },
  };
  return backend;
}
