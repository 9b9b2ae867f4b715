import {
  arrayTypeFor,
  BYTES_PER_ELEMENT,
  type DType,
  type MemoryStats,
  type TypedArray,
} from '@kindling/ops';
import { SLAB_MAX, SlabLease, slabClass } from './slab.js';

/**
 * Freed buffers are kept for reuse: a fresh ArrayBuffer costs a page fault per 4 KiB on first
 * touch, which dominates small and medium ops. ArrayBuffers are pooled by capacity, rounded up to
 * one of four steps per power of two (at most 25% waste), so any dtype can reuse any buffer.
 * Buffers of at most SLAB_MAX bytes are slots of shared slabs instead (./slab.ts).
 * A buffer goes back to the pool only through `free`, and only once: a second `free` of the
 * same buffer (or of a foreign one) is ignored, so the pool never hands out a buffer twice.
 */
export class BufferPool {
  private readonly cached = new Map<number, PooledArrayBuffer[]>();
  /** Per slab size class: the slab being filled, and freed slots (slab, slot index) to reuse. */
  private readonly filling: (PooledArrayBuffer | undefined)[] = [];
  private readonly freeSlabs: PooledArrayBuffer[][] = [];
  private readonly freeSlots: number[][] = [];
  /**
   * A buffer nobody frees is reclaimed by the GC (tensors hold plain TypedArrays); its lease
   * then corrects the statistics. Registered once per ArrayBuffer, without an unregister token:
   * weak maps and tokens cost microseconds per allocation, more than a small op itself.
   */
  private readonly collected =
    typeof FinalizationRegistry === 'undefined'
      ? null
      : new FinalizationRegistry<Lease | SlabLease>((lease) => {
          if (lease instanceof SlabLease) {
            this.liveBuffers -= lease.live;
            this.bytesInUse -= lease.liveBytes;
          } else if (lease.bytes >= 0) {
            this.liveBuffers--;
            this.bytesInUse -= lease.bytes;
          }
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
    this.liveBuffers++;
    this.bytesInUse += bytes;
    if (bytes > 0 && bytes <= SLAB_MAX) {
      const k = slabClass(bytes);
      let ab = this.freeSlabs[k]?.pop();
      let slot: number;
      if (ab) {
        slot = this.freeSlots[k].pop() as number;
        this.bytesCached -= (ab.lease as SlabLease).slotSize;
      } else {
        ab = this.filling[k];
        if (!ab || (ab.lease as SlabLease).full()) {
          const lease = new SlabLease(this, k);
          ab = this.filling[k] = new PooledArrayBuffer(lease.capacity, lease);
          this.collected?.register(ab, lease);
        }
        slot = (ab.lease as SlabLease).next++;
      }
      const lease = ab.lease as SlabLease;
      lease.take(slot, bytes);
      return new Ctor(ab, slot * lease.slotSize, numel);
    }
    const cap = bytes === 0 ? 0 : capacityFor(bytes);
    let ab = cap === 0 ? undefined : this.cached.get(cap)?.pop();
    if (ab) this.bytesCached -= cap;
    else {
      const lease = new Lease(this);
      ab = new PooledArrayBuffer(cap, lease);
      this.collected?.register(ab, lease);
    }
    (ab.lease as Lease).bytes = bytes;
    return new Ctor(ab, 0, numel);
  }

  free(buffer: TypedArray): void {
    const ab = buffer.buffer;
    if (!(ab instanceof PooledArrayBuffer) || ab.lease.pool !== this) return;
    const lease = ab.lease;
    if (lease instanceof SlabLease) {
      const slot = lease.release(buffer);
      if (slot < 0) return;
      this.liveBuffers--;
      this.bytesInUse -= buffer.byteLength;
      if (this.bytesCached + lease.slotSize > this.maxCachedBytes) return;
      (this.freeSlabs[lease.k] ??= []).push(ab);
      (this.freeSlots[lease.k] ??= []).push(slot);
      this.bytesCached += lease.slotSize;
      return;
    }
    if (lease.bytes < 0) return;
    this.liveBuffers--;
    this.bytesInUse -= lease.bytes;
    lease.bytes = -1;
    const cap = ab.byteLength;
    if (cap === 0 || this.bytesCached + cap > this.maxCachedBytes) return; // let the GC have it
    let list = this.cached.get(cap);
    if (!list) this.cached.set(cap, (list = []));
    list.push(ab);
    this.bytesCached += cap;
  }

  /** Drops every cached buffer and slot (live ones stay valid). */
  clear(): void {
    this.cached.clear();
    this.freeSlabs.length = 0;
    this.freeSlots.length = 0;
    this.bytesCached = 0;
  }

  stats(): MemoryStats {
    return { liveBuffers: this.liveBuffers, bytesInUse: this.bytesInUse, bytesCached: this.bytesCached };
  }
}

/**
 * A whole pooled buffer's owner and the bytes its live owner asked for (-1: free). Held by the
 * FinalizationRegistry, so it must not reference the buffer.
 */
class Lease {
  bytes = -1;
  constructor(readonly pool: BufferPool) {}
}

/** An ArrayBuffer carrying its lease: a field is far cheaper than a WeakMap entry per buffer. */
class PooledArrayBuffer extends ArrayBuffer {
  constructor(
    capacity: number,
    readonly lease: Lease | SlabLease,
  ) {
    super(capacity);
  }
}

/** Bytes rounded up to 64 or to a quarter of their power of two, a multiple of 8 (Float64Array). */
export function capacityFor(bytes: number): number {
  if (bytes <= 64) return 64;
  const step = 2 ** Math.max(3, Math.floor(Math.log2(bytes)) - 2);
  return Math.ceil(bytes / step) * step;
}
