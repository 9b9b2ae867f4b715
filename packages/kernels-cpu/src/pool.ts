import {
  arrayTypeFor,
  BYTES_PER_ELEMENT,
  type DType,
  type MemoryStats,
  type TypedArray,
} from '@kindling/ops';

/**
 * Freed buffers are kept for reuse: a fresh ArrayBuffer costs a page fault per 4 KiB on first
 * touch, which dominates small and medium ops. ArrayBuffers are pooled by capacity, rounded up to
 * one of four steps per power of two (at most 25% waste), so any dtype can reuse any buffer.
 * A buffer goes back to the pool only through `free`, and only once: a second `free` of the
 * same buffer (or of a foreign one) is ignored, so the pool never hands out a buffer twice.
 */
export class BufferPool {
  private readonly cached = new Map<number, ArrayBuffer[]>();
  /**
   * Bytes each live buffer's owner asked for. Weak: a buffer nobody frees is reclaimed by the GC
   * (tensors hold plain TypedArrays), and `collected` then corrects the statistics.
   */
  private readonly live = new WeakMap<ArrayBuffer, number>();
  private readonly collected =
    typeof FinalizationRegistry === 'undefined'
      ? null
      : new FinalizationRegistry<number>((bytes) => {
          this.liveBuffers--;
          this.bytesInUse -= bytes;
        });
  private liveBuffers = 0;
  private bytesInUse = 0;
  private bytesCached = 0;

  constructor(private readonly maxCachedBytes: number) {}

  alloc(dtype: DType, numel: number): TypedArray {
    if (!Number.isInteger(numel) || numel < 0)
      throw new RangeError(`cpu alloc: invalid element count ${numel}`);
    const Ctor = arrayTypeFor(dtype);
    const bytes = numel * BYTES_PER_ELEMENT[dtype];
    let ab: ArrayBuffer | undefined;
    if (bytes === 0) ab = new ArrayBuffer(0);
    else {
      const cap = capacityFor(bytes);
      ab = this.cached.get(cap)?.pop();
      if (ab) this.bytesCached -= cap;
      else ab = new ArrayBuffer(cap);
    }
    this.live.set(ab, bytes);
    this.collected?.register(ab, bytes, ab);
    this.liveBuffers++;
    this.bytesInUse += bytes;
    return new Ctor(ab, 0, numel);
  }

  free(buffer: TypedArray): void {
    const ab = buffer.buffer as ArrayBuffer;
    const bytes = this.live.get(ab);
    if (bytes === undefined) return;
    this.live.delete(ab);
    this.collected?.unregister(ab);
    this.liveBuffers--;
    this.bytesInUse -= bytes;
    const cap = ab.byteLength;
    if (cap === 0 || this.bytesCached + cap > this.maxCachedBytes) return; // let the GC have it
    let list = this.cached.get(cap);
    if (!list) this.cached.set(cap, (list = []));
    list.push(ab);
    this.bytesCached += cap;
  }

  /** Drops every cached buffer (live ones stay valid). */
  clear(): void {
    this.cached.clear();
    this.bytesCached = 0;
  }

  stats(): MemoryStats {
    return { liveBuffers: this.liveBuffers, bytesInUse: this.bytesInUse, bytesCached: this.bytesCached };
  }
}

/** Bytes rounded up to 64 or to a quarter of their power of two, a multiple of 8 (Float64Array). */
export function capacityFor(bytes: number): number {
  if (bytes <= 64) return 64;
  const step = 2 ** Math.max(3, Math.floor(Math.log2(bytes)) - 2);
  return Math.ceil(bytes / step) * step;
}
