/**
 * Reusable float64 work buffers (accumulators, packed matmul panels). Kernels run one at a time,
 * so a buffer per slot is enough; reusing them avoids the page faults of fresh allocations.
 */
export class Scratch {
  private readonly bufs: Float64Array[] = [];

  /** A buffer of at least `n` elements for `slot` (contents unspecified). */
  f64(slot: number, n: number): Float64Array {
    const b = this.bufs[slot];
    if (b && b.length >= n) return b;
    // huge one-off requests are not kept
    if (n > KEEP_LIMIT) return new Float64Array(n);
    const grown = new Float64Array(Math.max(n, Math.min(KEEP_LIMIT, (b?.length ?? 0) * 2), 256));
    this.bufs[slot] = grown;
    return grown;
  }

  clear(): void {
    this.bufs.length = 0;
  }
}

const KEEP_LIMIT = 1 << 22; // 32 MiB of float64

/** Scratch slots, so kernels that need several buffers at once never share one. */
export const SLOT = { acc: 0, index: 1, row: 2, packA: 3, packB: 4, aux: 5 } as const;
