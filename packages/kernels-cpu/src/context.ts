import type { KernelAttrs, KernelName, TypedArray, View } from '@kindling/ops';
import type { LoopCache, MapLoop } from './loops.js';
import type { Scratch } from './scratch.js';
import { coalesce, numelOf } from './strided.js';

/** A CPU buffer: the typed array of its dtype (float16 as raw half bits in a Uint16Array). */
export type CpuBuffer = TypedArray;

export type CpuView = View<CpuBuffer>;

/** Per-backend state kernels share: compiled loops and scratch buffers. */
export interface CpuContext {
  readonly loops: LoopCache;
  readonly scratch: Scratch;
}

export type CpuKernel<K extends KernelName> = (
  ctx: CpuContext,
  outputs: readonly CpuView[],
  inputs: readonly CpuView[],
  attrs: KernelAttrs[K],
) => void;

/** Runs an elementwise loop with `out` as operand 0 over the (shared) output shape. */
export function runMap(loop: MapLoop, out: CpuView, xs: readonly CpuView[], p: readonly number[] = []): void {
  if (numelOf(out.shape) === 0) return;
  const layout = coalesce(out.shape, [out.strides, ...xs.map((x) => x.strides)]);
  loop(
    out.buffer,
    xs.map((x) => x.buffer),
    layout,
    [out.offset, ...xs.map((x) => x.offset)],
    p,
  );
}

/** Kernels compute in float32/float64/int32/bool; float16 is converted by the dispatcher first. */
export function computeDTypes(kernel: string, views: readonly CpuView[]): void {
  for (const v of views) {
    if (v.dtype === 'float16') {
      throw new TypeError(`cpu ${kernel}: float16 is storage-only on the CPU backend; convert to float32 first`);
    }
  }
}
