import type { DType } from '../dtype.js';
import type { GT } from '../gt.js';

/** How the dispatcher executes a row (which kernel, or metadata only). */
export type RowKind =
  | 'unary'
  | 'binary'
  | 'where'
  | 'reduce'
  | 'scan'
  | 'matmul'
  | 'softmax'
  | 'gather'
  | 'scatter'
  | 'im2col'
  | 'col2im'
  | 'cast'
  | 'clone'
  | 'view'
  | 'stridedScatter'
  | 'cat'
  | 'constantPad';

/** What a gradient formula sees: the saved values (null where not saved) and the attributes. */
export interface GradCtx<A> {
  readonly inputs: readonly (GT | null)[];
  readonly out: GT | null;
  readonly attrs: A;
  readonly inputShapes: readonly (readonly number[])[];
  readonly inputDtypes: readonly DType[];
  /** Which inputs need a gradient: a formula may skip (return null for) the others. */
  readonly needs: readonly boolean[];
}

/**
 * One op, one row: shape rule, dtype rule, saved values, gradient and (for elementwise rows)
 * scalar meaning. A gradient returns one entry per input (null: no gradient flows there); a
 * gradient whose shape is a broadcast of the input's is summed back to it by the engine.
 */
export interface OpRow<A> {
  readonly kind: RowKind;
  /** Output shape (throws a clear error on bad input). */
  shape(shapes: readonly (readonly number[])[], attrs: A): number[];
  /** Output dtype. */
  dtype(dtypes: readonly DType[], attrs: A): DType;
  /** Which inputs and whether the output are kept for backward. */
  readonly saves: { readonly inputs: readonly number[]; readonly out: boolean };
  /** The gradient as a formula over differentiable ops; null for non-differentiable ops. */
  readonly grad: ((g: GT, ctx: GradCtx<A>) => readonly (GT | null)[]) | null;
}

export function row<A>(r: OpRow<A>): OpRow<A> {
  return r;
}

export function saved(ctx: GradCtx<unknown>, i: number): GT {
  const t = ctx.inputs[i];
  if (!t) throw new Error(`internal: input ${i} was not saved for backward`);
  return t;
}

export function savedOut(ctx: GradCtx<unknown>): GT {
  if (!ctx.out) throw new Error('internal: output was not saved for backward');
  return ctx.out;
}
