import type { TypedArray } from '@kindling/ops';

/**
 * Small buffers are slots of shared 16 KiB slabs: a fresh ArrayBuffer per small tensor (its
 * backing store, GC bookkeeping and finalizer registration) costs more than a small op, while a
 * typed array over a slab costs tens of nanoseconds. Slots are powers of two from 64 B to
 * SLAB_MAX, aligned for any dtype. A slab's memory goes back to the GC when no view of it and no
 * freed slot of it is left; its lease then corrects the pool's statistics for the slots that
 * were dropped without `free`.
 */
export const SLAB_MAX = 1024;
const SLAB_BYTES = 16384;

/** The size class of a small buffer: slot size 64 << k. */
export function slabClass(bytes: number): number {
  return bytes <= 64 ? 0 : 32 - Math.clz32(bytes - 1) - 6;
}

/** One slab's slots. Held by the FinalizationRegistry, so it must not reference the slab. */
export class SlabLease {
  readonly slotSize: number;
  /** Per slot, the bytes its live owner asked for; -1 when free or never handed out. */
  private readonly slots: Int32Array;
  /** The next never-used slot. */
  next = 0;
  live = 0;
  liveBytes = 0;

  constructor(
    readonly pool: object,
    readonly k: number,
  ) {
    this.slotSize = 64 << k;
    this.slots = new Int32Array(SLAB_BYTES / this.slotSize).fill(-1);
  }

  get capacity(): number {
    return SLAB_BYTES;
  }

  full(): boolean {
    return this.next === this.slots.length;
  }

  take(slot: number, bytes: number): void {
    this.slots[slot] = bytes;
    this.live++;
    this.liveBytes += bytes;
  }

  /** Frees the slot `view` was handed out as; -1 (and nothing changes) if it is not a live one. */
  release(view: TypedArray): number {
    const slot = view.byteOffset / this.slotSize;
    const bytes = this.slots[slot];
    // a fractional slot reads undefined; a view other than the one handed out has another size
    if (bytes === undefined || bytes < 0 || view.byteLength !== bytes) return -1;
    this.slots[slot] = -1;
    this.live--;
    this.liveBytes -= bytes;
    return slot;
  }
}
