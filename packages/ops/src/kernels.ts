import type { Col2imAttrs, Im2colAttrs } from './gt.js';
import type { BinaryOp, UnaryOp } from './table/elementwise.js';

export type ReduceOp = 'sum' | 'prod' | 'amax' | 'amin' | 'argmax' | 'argmin';
export type ScanOp = 'cumsum' | 'cumprod';

/**
 * Every kernel a backend implements, with its attributes. Backends declare their kernel table
 * with `satisfies Record<KernelName, ...>`, so a new kernel fails `tsc` in every backend.
 *
 * Conventions: inputs of `binary`, `where` and `matmul` are already broadcast to the output
 * (stride 0 on broadcast dims) and share one compute dtype; `reduce` and `scan` outputs keep
 * reduced dims with size 1; `scatter`, `col2im` and `copy` write into their output view.
 */
export interface KernelAttrs {
  /** out = op(x) elementwise; `params` are the op's numeric attributes (clamp bounds, ...). */
  unary: { op: UnaryOp; params: readonly number[] };
  /** out = op(a, b) elementwise. */
  binary: { op: BinaryOp };
  /** out = cond ? a : b. */
  where: Record<string, never>;
  /** Reduce over `dims` (output keeps them with size 1). argmax/argmin take one dim. */
  reduce: { op: ReduceOp; dims: readonly number[] };
  /** Inclusive scan along `dim`. */
  scan: { op: ScanOp; dim: number };
  /** Batched [.., m, k] @ [.., k, n]. */
  matmul: Record<string, never>;
  /** softmax / log_softmax along `dim`. */
  softmax: { dim: number; log: boolean };
  /** out[...] = x[... index[...] along dim ...]. */
  gather: { dim: number };
  /** out[... index[...] along dim ...] (=|+=) src[...]; inputs [src, index]. */
  scatter: { dim: number; accumulate: boolean };
  im2col: Im2colAttrs;
  col2im: Col2imAttrs;
  /** out = x (with a dtype conversion when they differ). */
  copy: Record<string, never>;
  /** out = value. */
  fill: { value: number };
}

export type KernelName = keyof KernelAttrs;

export const KERNEL_NAMES = [
  'unary',
  'binary',
  'where',
  'reduce',
  'scan',
  'matmul',
  'softmax',
  'gather',
  'scatter',
  'im2col',
  'col2im',
  'copy',
  'fill',
] as const satisfies readonly KernelName[];
