import type { Col2imAttrs, Im2colAttrs } from './gt.js';
import type { BinaryOp, UnaryOp } from './table/elementwise.js';

export type ReduceOp = 'sum' | 'prod' | 'amax' | 'amin' | 'argmax' | 'argmin';
export type ScanOp = 'cumsum' | 'cumprod';
export type RnnNonlinearity = 'tanh' | 'relu';

/**
 * Every kernel a backend implements, with its attributes. Backends declare their kernel table
 * with `satisfies Record<KernelName, ...>`, so a new kernel fails `tsc` in every backend.
 *
 * Conventions: inputs of `binary`, `where` and `matmul` are already broadcast to the output
 * (stride 0 on broadcast dims) and share one compute dtype; `reduce` and `scan` outputs keep
 * reduced dims with size 1; `scatter`, `col2im` and `copy` write into their output view.
 *
 * The recurrent-cell and attention kernels are fused: several outputs, each written in full, and
 * any strides on inputs and outputs (hand-written autograd nodes write a step's results straight
 * into rows of a preallocated sequence buffer). Cell operands are 2-D [B, width]; σ = sigmoid.
 * Gradient inputs written `...dh'` are one or more addends of the same [B, H] gradient (the
 * recurrent part and the output's part of a step): summing them in the kernel saves a dispatch.
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
  /** Elman step: inputs [gi, hh] (B, H), outputs [h' = act(gi + hh)]. */
  rnnCell: { nonlinearity: RnnNonlinearity };
  /** Its gradient: inputs [h', ...dh'], outputs [d pre-activation = dh'·act'(h')]. */
  rnnCellBackward: { nonlinearity: RnnNonlinearity };
  /**
   * LSTM step, gate order i, f, g, o: inputs [gi (B, 4H) = x·W_ihᵀ + biases, hh (B, 4H) = h·W_hhᵀ,
   * c (B, H)]; with a = gi + hh: i, f, o = σ(a), g = tanh(a), outputs [h' = o·tanh(c'), c' = f·c + i·g].
   */
  lstmCell: Record<string, never>;
  /**
   * Its gradient, the gates recomputed from gi + hh: inputs [gi, hh, c, c', dc', ...dh'];
   * dc_tot = dc' + dh'·o·(1 − tanh²c'); outputs [d gates (B, 4H) = [dc_tot·g·i(1−i),
   * dc_tot·c·f(1−f), dc_tot·i·(1−g²), dh'·tanh(c')·o(1−o)], dc (B, H) = dc_tot·f].
   */
  lstmCellBackward: Record<string, never>;
  /**
   * GRU step, gate order r, z, n: inputs [gi (B, 3H) = x·W_ihᵀ + b_ih, hh (B, 3H) = h·W_hhᵀ, h (B, H),
   * b_hh (3H) when `hhBias`]; gh = hh + b_hh, r, z = σ(gi + gh), n = tanh(gi_n + r·gh_n),
   * outputs [h' = n + z·(h − n)].
   */
  gruCell: { hhBias: boolean };
  /**
   * Its gradient, the gates recomputed: inputs [gi, hh, h, b_hh when `hhBias`, ...dh'];
   * outputs [d gi (B, 3H), d gh (B, 3H), the direct part of dh = z·dh' (B, H)].
   */
  gruCellBackward: { hhBias: boolean };
  /**
   * Scaled dot-product attention, softmax(q·kᵀ·scale + mask)·v, without the [L, S] weights in
   * memory: inputs [q (...batch, L, E), k (...batch, S, E), v (...batch, S, Ev), mask?
   * (...batch, L, S), additive float], all broadcast to one batch shape (stride 0 allowed);
   * `causal`: query i sees keys j <= i. Outputs [out (...batch, L, Ev), lse (...batch, L) =
   * log Σ_j exp(score_ij)]. A row with no finite score gives NaN (and lse −inf), as PyTorch's
   * softmax does.
   */
  attention: { scale: number; causal: boolean };
  /**
   * Its gradient, the weights recomputed from lse: inputs [q, k, v, out, dout, lse, mask?] as
   * above; outputs [dq, dk, dv] in the broadcast batch shape (the caller sums broadcast dims).
   */
  attentionBackward: { scale: number; causal: boolean };
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
  'rnnCell',
  'rnnCellBackward',
  'lstmCell',
  'lstmCellBackward',
  'gruCell',
  'gruCellBackward',
  'attention',
  'attentionBackward',
] as const satisfies readonly KernelName[];
