import type { DType, TypedArray } from './dtype.js';
import type { KernelName, KernelAttrs } from './kernels.js';

/** Device names a backend can register under. */
export type Device = 'cpu' | 'webgpu';

/**
 * A strided view of a backend buffer: what kernels see instead of tensors.
 * `offset` and `strides` are in elements of `dtype`.
 */
export interface View<B = unknown> {
  readonly buffer: B;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export interface MemoryStats {
  /** Buffers allocated and not yet freed. */
  liveBuffers: number;
  /** Bytes held by live buffers. */
  bytesInUse: number;
  /** Bytes kept by the backend's pool for reuse. */
  bytesCached: number;
}

/**
 * What a device must provide. Buffers are opaque to everything above this interface.
 * Kernels write into preallocated output views; the caller (the dispatcher) allocates them,
 * so in-place ops are kernels whose output view aliases an input.
 */
export interface Backend<B = unknown> {
  readonly device: Device;
  /** A readable name for errors and benchmarks (e.g. the adapter). */
  readonly name: string;
  /** Whether `readSync` works (true on cpu). */
  readonly canReadSync: boolean;
  /**
   * True when the JS garbage collector reclaims unreachable buffers (cpu: TypedArrays). When
   * false (webgpu), tensors dropped without dispose() are freed by a FinalizationRegistry backstop.
   */
  readonly gcFreesBuffers: boolean;
  /** Float dtypes the kernels compute in (others are storage-only and go through float32). */
  supportsDType(dtype: DType): boolean;
  /** A new buffer of `numel` elements; contents unspecified. */
  alloc(dtype: DType, numel: number): B;
  /** A new buffer holding `data` (copied). */
  upload(dtype: DType, data: TypedArray): B;
  /** A row-major copy of a view's values. */
  read(view: View<B>): Promise<TypedArray>;
  /** Same as `read`, synchronously; throws where the device cannot. */
  readSync(view: View<B>): TypedArray;
  /** Return a buffer to the backend. The buffer must not be used afterwards. */
  free(buffer: B): void;
  /** Run a kernel. Outputs are views of buffers from `alloc` (or in-place views). */
  run<K extends KernelName>(
    kernel: K,
    outputs: readonly View<B>[],
    inputs: readonly View<B>[],
    attrs: KernelAttrs[K],
  ): void;
  memoryStats(): MemoryStats;
  /** Called when the registry replaces or removes the backend. */
  destroy?(): void;
}
