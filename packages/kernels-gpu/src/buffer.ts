import {
  type DType,
  fromHalfBits,
  type MemoryStats,
  type TypedArray,
  toHalfBits,
  type View,
} from '@kindling/ops';

/** GPUBufferUsage / GPUMapMode bits (numeric, so no WebGPU globals are needed in Node). */
export const USAGE = {
  MAP_READ: 1,
  MAP_WRITE: 2,
  COPY_SRC: 4,
  COPY_DST: 8,
  UNIFORM: 64,
  STORAGE: 128,
} as const;
export const MAP_READ = 1;

/**
 * A WebGPU backend buffer. Storage per dtype: float32 as f32, int32 as i32, bool as one u32 per
 * element (0/1), float16 as IEEE half bits packed two per u32 word. float64 is not stored.
 */
export interface GpuBuffer {
  readonly gpu: GPUBuffer;
  readonly dtype: DType;
  readonly numel: number;
  /** Bytes of the GPU buffer (the pool's capacity class, at least the storage size). */
  readonly capacity: number;
  /** Bytes asked for (numel in storage bytes). */
  readonly bytes: number;
  /** The values last uploaded, while no kernel has written the buffer (int32 only: index checks). */
  host: Int32Array | null;
  freed: boolean;
}

export type GpuView = View<GpuBuffer>;

/** Bytes per element in GPU storage (float16 is packed, bools widen to u32). */
export function storageBytesPerElement(dtype: DType): number {
  return dtype === 'float16' ? 2 : 4;
}

/** Storage bytes for `numel` elements, rounded up to a whole u32 word (and at least one word). */
export function storageBytes(dtype: DType, numel: number): number {
  return Math.max(4, Math.ceil((numel * storageBytesPerElement(dtype)) / 4) * 4);
}

/** Bytes rounded up to 256 or to an eighth of their power of two (at most 12.5% waste). */
export function capacityFor(bytes: number): number {
  if (bytes <= 256) return 256;
  const step = 2 ** Math.max(8, Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

/**
 * A caching pool of storage buffers, bucketed by capacity so any dtype reuses any buffer. Freed
 * buffers are kept up to `maxCachedBytes`; beyond that they are destroyed (after the pending
 * commands that may still use them have been submitted: `destroyLater`).
 */
export class BufferPool {
  private readonly cached = new Map<number, GPUBuffer[]>();
  private live = 0;
  private bytesInUse = 0;
  private bytesCached = 0;

  constructor(
    private readonly create: (capacity: number) => GPUBuffer,
    private readonly destroyLater: (b: GPUBuffer) => void,
    private readonly maxCachedBytes: number,
  ) {}

  alloc(dtype: DType, numel: number): GpuBuffer {
    const bytes = storageBytes(dtype, numel);
    const capacity = capacityFor(bytes);
    let gpu = this.cached.get(capacity)?.pop();
    if (gpu) this.bytesCached -= capacity;
    else gpu = this.create(capacity);
    this.live++;
    this.bytesInUse += numel * storageBytesPerElement(dtype);
    return { gpu, dtype, numel, capacity, bytes, host: null, freed: false };
  }

  free(b: GpuBuffer): void {
    if (b.freed) return;
    b.freed = true;
    b.host = null;
    this.live--;
    this.bytesInUse -= b.numel * storageBytesPerElement(b.dtype);
    if (this.bytesCached + b.capacity > this.maxCachedBytes) {
      this.destroyLater(b.gpu);
      return;
    }
    let list = this.cached.get(b.capacity);
    if (!list) this.cached.set(b.capacity, (list = []));
    list.push(b.gpu);
    this.bytesCached += b.capacity;
  }

  /** Destroys every cached buffer (live ones stay valid). */
  clear(): void {
    for (const list of this.cached.values()) for (const g of list) this.destroyLater(g);
    this.cached.clear();
    this.bytesCached = 0;
  }

  stats(): MemoryStats {
    return { liveBuffers: this.live, bytesInUse: this.bytesInUse, bytesCached: this.bytesCached };
  }
}

/** `data` as the bytes GPU storage of `dtype` holds (a fresh array, padded to whole words). */
export function toStorage(dtype: DType, data: TypedArray): ArrayBuffer {
  const n = data.length;
  const out = new ArrayBuffer(storageBytes(dtype, n));
  switch (dtype) {
    case 'float32':
      new Float32Array(out, 0, n).set(data instanceof Uint16Array ? Array.from(data, fromHalfBits) : data);
      break;
    case 'int32': {
      const o = new Int32Array(out, 0, n);
      if (data instanceof Uint16Array) for (let i = 0; i < n; i++) o[i] = fromHalfBits(data[i]);
      else o.set(data);
      break;
    }
    case 'bool': {
      const o = new Uint32Array(out, 0, n);
      if (data instanceof Uint16Array) for (let i = 0; i < n; i++) o[i] = data[i] & 0x7fff ? 1 : 0;
      else for (let i = 0; i < n; i++) o[i] = data[i] !== 0 ? 1 : 0;
      break;
    }
    case 'float16': {
      const o = new Uint16Array(out, 0, n);
      if (data instanceof Uint16Array) o.set(data);
      else for (let i = 0; i < n; i++) o[i] = toHalfBits(data[i]);
      break;
    }
    default:
      throw new TypeError(`webgpu does not support ${dtype}; convert with .float() first`);
  }
  return out;
}

/** GPU storage bytes of `n` elements -> the dtype's typed array (bools narrow to Uint8Array). */
export function fromStorage(dtype: DType, bytes: ArrayBuffer, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(bytes, 0, n);
    case 'int32':
      return new Int32Array(bytes, 0, n);
    case 'bool':
      return Uint8Array.from(new Uint32Array(bytes, 0, n));
    case 'float16':
      return new Uint16Array(bytes, 0, n);
    default:
      throw new TypeError(`webgpu does not support ${dtype}; convert with .float() first`);
  }
}
