import type { DType } from './dtype.js';

/**
 * The tensor interface gradient formulas are written against. `@kindling/tensor`'s Tensor
 * implements it, so a gradient is a formula over differentiable ops and a second derivative works.
 * Keeping it an interface keeps this package free of dependencies.
 */
export interface GT {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly ndim: number;
  add(other: this | number | boolean): this;
  sub(other: this | number | boolean): this;
  mul(other: this | number | boolean): this;
  div(other: this | number | boolean): this;
  pow(exponent: this | number | boolean): this;
  neg(): this;
  exp(): this;
  log(): this;
  sqrt(): this;
  abs(): this;
  sign(): this;
  sin(): this;
  cos(): this;
  floor(): this;
  trunc(): this;
  reciprocal(): this;
  eq(other: this | number | boolean): this;
  ne(other: this | number | boolean): this;
  gt(other: this | number | boolean): this;
  ge(other: this | number | boolean): this;
  lt(other: this | number | boolean): this;
  le(other: this | number | boolean): this;
  logicalAnd(other: this): this;
  logicalOr(other: this): this;
  logicalNot(): this;
  /** PyTorch's `self.where(condition, other)`: self where condition holds, else other. */
  where(condition: this, other: this | number | boolean): this;
  sum(dim?: number | readonly number[] | null, keepdim?: boolean): this;
  amax(dim?: number | readonly number[] | null, keepdim?: boolean): this;
  prod(dim?: number | readonly number[] | null, keepdim?: boolean): this;
  cumsum(dim: number): this;
  cumprod(dim: number): this;
  flip(dims: readonly number[]): this;
  reshape(shape: readonly number[]): this;
  permute(dims: readonly number[]): this;
  expand(shape: readonly number[]): this;
  unsqueeze(dim: number): this;
  transpose(dim0: number, dim1: number): this;
  matmul(other: this): this;
  softmax(dim: number): this;
  gather(dim: number, index: this): this;
  scatterAdd(dim: number, index: this, src: this): this;
  scatter(dim: number, index: this, src: this | number | boolean): this;
  to(dtype: DType): this;
  detach(): this;
  contiguous(): this;
  newZeros(shape: readonly number[]): this;
  newOnes(shape: readonly number[]): this;
  newFull(shape: readonly number[], value: number): this;
  /** Sum a broadcast gradient back to `shape` (the reverse of broadcasting). */
  sumToShape(shape: readonly number[]): this;
  /** Strided slice along one dim (PyTorch's `x[..., start:end:step, ...]`). */
  slice(dim: number, start: number, end: number, step?: number): this;
  /**
   * Zeros of `outShape` with `this` written at `layout` (strides and offset relative to a
   * contiguous `outShape`): the gradient of `slice` and `asStrided`.
   */
  stridedScatter(outShape: readonly number[], layout: StridedLayout): this;
  /** A view at `layout` (relative to a contiguous layout of this tensor's shape). */
  asStrided(layout: StridedLayout): this;
  im2col(attrs: Im2colAttrs): this;
  col2im(attrs: Col2imAttrs): this;
  constantPad(pad: readonly number[], value: number): this;
}

/** A strided layout, in elements. */
export interface StridedLayout {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Sliding-window extraction over the trailing spatial dims of [N, C, *spatial]. */
export interface Im2colAttrs {
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  /** Output grid size per spatial dim (callers compute it; ceil mode may extend past the input). */
  readonly outSize: readonly number[];
  /** Value read outside the input (0 for convolution, -inf for max pooling). */
  readonly padValue: number;
}

/** The adjoint of im2col: sums [N, C*K, L] windows back into [N, C, *inputSize]. */
export interface Col2imAttrs {
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly outSize: readonly number[];
  readonly inputSize: readonly number[];
}
