import type { TypedArray } from '@kindling/ops';
import { type CpuView, computeDTypes } from '../context.js';
import { coalesce, forEachRow, numelOf } from '../strided.js';

/** Shapes, strides and batch offsets of the attention kernels' operands (attention.ts, attention-f32.ts). */

/** One operand's strides along the two trailing dims and its per-batch-entry base offsets. */
export interface Op {
  readonly a: TypedArray;
  /** Stride of the row (second-to-last) and feature (last) dims. */
  readonly rs: number;
  readonly cs: number;
}

export function opOf(v: CpuView, trailing: 1 | 2): Op {
  const nd = v.shape.length;
  return trailing === 2
    ? { a: v.buffer, rs: v.strides[nd - 2], cs: v.strides[nd - 1] }
    : { a: v.buffer, rs: v.strides[nd - 1], cs: 0 };
}

/** Base offsets of every operand for each flattened batch index (row-major over `batch`). */
export function batchBases(
  batch: readonly number[],
  views: readonly CpuView[],
  trailing: readonly number[],
): Int32Array[] {
  const n = numelOf(batch);
  const bases = views.map(() => new Int32Array(n));
  if (n === 0) return bases;
  if (batch.length === 0) {
    views.forEach((v, k) => {
      bases[k][0] = v.offset;
    });
    return bases;
  }
  const layout = coalesce(
    batch,
    views.map((v, k) => v.strides.slice(0, v.strides.length - trailing[k])),
  );
  const last = layout.shape.length - 1;
  const count = layout.shape[last];
  const inner = layout.strides.map((s) => s[last]);
  let at = 0;
  forEachRow(
    layout,
    views.map((v) => v.offset),
    (off) => {
      for (let t = 0; t < count; t++, at++) {
        for (let k = 0; k < views.length; k++) bases[k][at] = off[k] + t * inner[k];
      }
    },
  );
  return bases;
}

export interface Dims {
  readonly batch: number[];
  readonly L: number;
  readonly S: number;
  readonly E: number;
  readonly Ev: number;
}

export function dimsOf(kernel: string, q: CpuView, k: CpuView, v: CpuView, mask: CpuView | undefined): Dims {
  const nd = q.shape.length;
  if (nd < 2 || k.shape.length !== nd || v.shape.length !== nd) {
    throw new RangeError(
      `cpu ${kernel}: expected batch-broadcast q, k, v, got [${q.shape}], [${k.shape}], [${v.shape}]`,
    );
  }
  const batch = q.shape.slice(0, -2);
  const [L, E] = q.shape.slice(-2);
  const [S, E2] = k.shape.slice(-2);
  const Ev = v.shape[nd - 1];
  const same = (s: readonly number[], want: readonly number[]) =>
    s.length === want.length && s.every((d, i) => d === want[i]);
  if (E2 !== E || !same(k.shape, [...batch, S, E]) || !same(v.shape, [...batch, S, Ev])) {
    throw new RangeError(`cpu ${kernel}: q [${q.shape}], k [${k.shape}], v [${v.shape}] do not fit together`);
  }
  if (mask && !same(mask.shape, [...batch, L, S])) {
    throw new RangeError(
      `cpu ${kernel}: expected a mask of shape [${[...batch, L, S]}], got [${mask.shape}]`,
    );
  }
  return { batch, L, S, E, Ev };
}

export function floats(kernel: string, views: readonly CpuView[]): void {
  computeDTypes(kernel, views);
  for (const v of views) {
    if (v.dtype !== 'float32' && v.dtype !== 'float64') {
      throw new TypeError(`cpu ${kernel}: expected float32 or float64 operands, got ${v.dtype}`);
    }
  }
}
