/**
 * Reusable work buffers (accumulators, packed matmul panels, attention score tiles). Kernels run
 * one at a time, so a buffer per slot is enough; reusing them avoids the page faults of fresh
 * allocations. Float64 and float32 buffers have separate slots.
 */
export class Scratch {
  private readonly bufs: Float64Array[] = [];
  private readonly bufs32: Float32Array[] = [];

  /** A buffer of at least `n` elements for `slot` (contents unspecified). */
  f64(slot: number, n: number): Float64Array {
    return grab(this.bufs, slot, n, Float64Array);
  }

  /** A float32 buffer of at least `n` elements for `slot` (contents unspecified). */
  f32(slot: number, n: number): Float32Array {
    return grab(this.bufs32, slot, n, Float32Array);
  }

  clear(): void {
    this.bufs.length = 0;
    this.bufs32.length = 0;
  }
}

function grab<T extends Float32Array | Float64Array>(
  bufs: T[],
  slot: number,
  n: number,
  make: new (n: number) => T,
): T {
  const b = bufs[slot];
  if (b && b.length >= n) return b;
  // huge one-off requests are not kept
  if (n > KEEP_LIMIT) return new make(n);
  const grown = new make(Math.max(n, Math.min(KEEP_LIMIT, (b?.length ?? 0) * 2), 256));
  bufs[slot] = grown;
  return grown;
}

const KEEP_LIMIT = 1 << 22; // elements: 32 MiB of float64

/** Scratch slots, so kernels that need several buffers at once never share one. */
export const SLOT = { acc: 0, index: 1, row: 2, packA: 3, packB: 4, aux: 5 } as const;
