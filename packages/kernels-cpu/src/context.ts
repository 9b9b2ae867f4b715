import type { KernelAttrs, KernelName, TypedArray, View } from '@kindling/ops';
import type { LoopCache, MapLoop } from './loops.js';
import type { Scratch } from './scratch.js';
import { coalesce, numelOf } from './strided.js';

/** A CPU buffer: the typed array of its dtype (float16 as raw half bits in a Uint16Array). */
export type CpuBuffer = TypedArray;

export type CpuView = View<CpuBuffer>;

/** Per-backend state kernels share: compiled loops, scratch buffers and kernel choices. */
export interface CpuContext {
  readonly loops: LoopCache;
  readonly scratch: Scratch;
  /** Whether float32 matmul and attention may use the WebAssembly SIMD GEMM (where it runs). */
  readonly wasm: boolean;
}

export type CpuKernel<K extends KernelName> = (
  ctx: CpuContext,
  outputs: readonly CpuView[],
  inputs: readonly CpuView[],
  attrs: KernelAttrs[K],
) => void;

/** Runs an elementwise loop with `out` as operand 0 over the (shared) output shape. */
export function runMap(
  loop: MapLoop,
  out: CpuView,
  xs: readonly CpuView[],
  p: readonly number[] = NO_PARAMS,
): void {
  const n = numelOf(out.shape);
  if (n === 0) return;
  // the common case, every operand contiguous: one row, no coalescing work
  let dense = isContiguous(out);
  for (let k = 0; dense && k < xs.length; k++) dense = isContiguous(xs[k]);
  const layout = dense
    ? { shape: [n], strides: DENSE_STRIDES[xs.length] }
    : coalesce(out.shape, [out.strides, ...xs.map((x) => x.strides)]);
  loop(
    out.buffer,
    xs.map((x) => x.buffer),
    layout,
    [out.offset, ...xs.map((x) => x.offset)],
    p,
  );
}

const NO_PARAMS: readonly number[] = [];
const DENSE_STRIDES = [[[1]], [[1], [1]], [[1], [1], [1]], [[1], [1], [1], [1]]];

/** Row-major contiguous (size-1 dims may have any stride). */
export function isContiguous(v: CpuView): boolean {
  let expected = 1;
  for (let d = v.shape.length - 1; d >= 0; d--) {
    const size = v.shape[d];
    if (size === 1) continue;
    if (v.strides[d] !== expected) return false;
    expected *= size;
  }
  return true;
}

/** Kernels compute in float32/float64/int32/bool; float16 is converted by the dispatcher first. */
export function computeDTypes(kernel: string, views: readonly CpuView[]): void {
  for (const v of views) {
    if (v.dtype === 'float16') {
      throw new TypeError(
        `cpu ${kernel}: float16 is storage-only on the CPU backend; convert to float32 first`,
      );
    }
  }
}
