import {
  type AutogradTensor,
  backward as runBackward,
  type Node,
  registerHook,
  retainGrad,
  type RemovableHandle,
} from '@kindling/autograd';
import {
  type Col2imAttrs,
  contiguousStrides,
  type Device,
  type DType,
  DTYPES,
  fromHalfBits,
  type Im2colAttrs,
  type StridedLayout,
  numel,
  type TypedArray,
} from '@kindling/ops';
import { fromTypedArray } from './creation-core.js';
import { allocTensor, dispatch, runKernel, viewOf } from './dispatch.js';
import * as E from './fns/elementwise.js';
import * as I from './fns/indexing.js';
import { inplace } from './fns/inplace.js';
import * as L from './fns/linalg.js';
import * as R from './fns/reduce.js';
import { cast, floatOf, type TensorLike } from './fns/scalars.js';
import * as S from './fns/shape.js';
import { formatTensor } from './format.js';
import { moveTo } from './move.js';
import { trackTensor } from './scope.js';
import { type Storage, storageFinalizer } from './storage.js';

export type { TensorLike };

/**
 * A strided view of a backend buffer, with PyTorch's autograd state. Ops are methods named as
 * in PyTorch (camelCase); each is a primitive of the op table or a composite of them.
 */
export class Tensor {
  readonly _isTensor = true;
  // not readonly only so that `_setData` (PyTorch's `t.data = src`) can rebind them
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
  dtype: DType;
  _storage: Storage;
  /** The tensor this one is a view of (PyTorch's ._base). */
  _base: Tensor | null = null;
  requiresGrad = false;
  gradFn: Node | null = null;
  _gradAccumulator: Node | null = null;
  _hooks: ((g: AutogradTensor) => AutogradTensor | undefined | void)[] | null = null;
  _retainsGrad = false;
  private _grad: Tensor | null = null;
  _disposed = false;

  constructor(
    storage: Storage,
    shape: readonly number[],
    strides: readonly number[],
    offset: number,
    dtype: DType,
  ) {
    this._storage = storage;
    // callers hand over fresh arrays (user-supplied shapes are copied at the API boundary)
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.dtype = dtype;
    storage.retain();
    if (!storage.backend.gcFreesBuffers) storageFinalizer?.register(this, storage, this);
    trackTensor(this);
  }

  // ---- metadata ----------------------------------------------------------------------
  get device(): Device {
    return this._storage.backend.device;
  }
  get ndim(): number {
    return this.shape.length;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  get _version(): number {
    return this._storage.version;
  }
  get grad(): Tensor | null {
    return this._grad;
  }
  set grad(g: Tensor | null) {
    this._grad = g;
  }
  get T(): Tensor {
    return this.permute(this.shape.map((_, i) => this.ndim - 1 - i));
  }
  numel(): number {
    return numel(this.shape);
  }
  dim(): number {
    return this.ndim;
  }
  size(dim?: number): number | readonly number[] {
    return dim === undefined ? this.shape : this.shape[dim < 0 ? dim + this.ndim : dim];
  }
  stride(dim?: number): number | readonly number[] {
    return dim === undefined ? this.strides : this.strides[dim < 0 ? dim + this.ndim : dim];
  }
  isContiguous(): boolean {
    const c = contiguousStrides(this.shape);
    return this.shape.every((s, i) => s === 1 || c[i] === this.strides[i]);
  }
  isFloatingPoint(): boolean {
    return this.dtype === 'float32' || this.dtype === 'float64' || this.dtype === 'float16';
  }
  elementSize(): number {
    return { float32: 4, float64: 8, float16: 2, int32: 4, bool: 1 }[this.dtype];
  }

  // ---- lifetime ----------------------------------------------------------------------
  /** Release this tensor's hold on its buffer (freed when no view uses it). Idempotent. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    if (!this._storage.backend.gcFreesBuffers) storageFinalizer?.unregister(this);
    this._storage.release();
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  _checkAlive(): void {
    if (this._disposed || this._storage.disposed) {
      throw new Error(
        `Tensor of shape [${this.shape.join(', ')}] on ${this.device} was disposed and cannot be used`,
      );
    }
  }
  /**
   * PyTorch's `t.data = src`: this tensor now views `src`'s storage (shape, dtype and device may
   * change) while keeping its identity, requiresGrad, grad and hooks. Modules move and load
   * parameters this way, so references held by optimizers stay valid.
   */
  _setData(src: Tensor): this {
    src._checkAlive();
    const old = this._storage;
    const tracked = !this._disposed && !old.backend.gcFreesBuffers;
    if (tracked) storageFinalizer?.unregister(this);
    src._storage.retain();
    this._storage = src._storage;
    this.shape = src.shape;
    this.strides = src.strides;
    this.offset = src.offset;
    this.dtype = src.dtype;
    this._base = null;
    if (!this._disposed) old.release();
    this._disposed = false;
    if (!this._storage.backend.gcFreesBuffers) storageFinalizer?.register(this, this._storage, this);
    return this;
  }

  /** Internal: never disposed by scopes (cached scalars). */
  _keepAlive(): void {
    storageFinalizer?.unregister(this);
  }
  /** A view over the same storage. */
  _viewAs(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    const t = new Tensor(this._storage, shape, strides, offset, this.dtype);
    t._base = this._base ?? this;
    return t;
  }

  // ---- data --------------------------------------------------------------------------
  /** A row-major copy of the values (float16 comes back as Float32Array). */
  async data(): Promise<TypedArray> {
    const raw = await this._storage.backend.read(viewOf(this));
    return this.dtype === 'float16' ? Float32Array.from(raw as Uint16Array, fromHalfBits) : raw;
  }
  /** Same as data(), synchronously, on devices that can (cpu). */
  dataSync(): TypedArray {
    const b = this._storage.backend;
    if (!b.canReadSync) {
      throw new Error(
        `dataSync(): tensors on '${b.device}' are read asynchronously; use await tensor.data()`,
      );
    }
    const raw = b.readSync(viewOf(this));
    return this.dtype === 'float16' ? Float32Array.from(raw as Uint16Array, fromHalfBits) : raw;
  }
  async item(): Promise<number> {
    if (this.numel() !== 1) {
      throw new RangeError(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    }
    return Number((await this.data())[0]);
  }
  async toArray(): Promise<unknown> {
    const flat = Array.from(await this.data(), (v) => (this.dtype === 'bool' ? v !== 0 : Number(v)));
    if (this.ndim === 0) return flat[0];
    let i = 0;
    const rec = (d: number): unknown[] =>
      Array.from({ length: this.shape[d] }, () => (d === this.ndim - 1 ? flat[i++] : rec(d + 1)));
    return rec(0);
  }
  toString(): string {
    return formatTensor(this);
  }

  // ---- conversion --------------------------------------------------------------------
  /** A device ('cpu', 'webgpu') or a dtype; device moves from a device without sync reads need toAsync. */
  to(target: Device | DType | { device?: Device; dtype?: DType }): Tensor {
    if (typeof target === 'string') {
      if ((DTYPES as readonly string[]).includes(target)) return cast(this, target as DType);
      return moveTo(this, target as Device);
    }
    let t: Tensor = this;
    if (target.dtype) t = cast(t, target.dtype);
    if (target.device) t = moveTo(t, target.device);
    return t;
  }
  async toAsync(device: Device): Promise<Tensor> {
    const { moveToAsync } = await import('./move.js');
    return moveToAsync(this, device);
  }
  cpu(): Tensor {
    return this.to('cpu');
  }
  float(): Tensor {
    return cast(this, 'float32');
  }
  double(): Tensor {
    return cast(this, 'float64');
  }
  half(): Tensor {
    return cast(this, 'float16');
  }
  int(): Tensor {
    return cast(this, 'int32');
  }
  bool(): Tensor {
    return cast(this, 'bool');
  }
  type(dtype: DType): Tensor {
    return cast(this, dtype);
  }

  // ---- autograd ----------------------------------------------------------------------
  requiresGrad_(flag = true): this {
    if (!this.isLeaf) {
      if (!flag)
        throw new Error(
          "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
        );
      return this;
    }
    if (flag && !this.isFloatingPoint()) {
      throw new Error(`only Tensors of floating point dtype can require gradients (got ${this.dtype})`);
    }
    this.requiresGrad = flag;
    return this;
  }
  detach(): Tensor {
    const t = new Tensor(this._storage, this.shape, this.strides, this.offset, this.dtype);
    t._base = this._base;
    return t;
  }
  detach_(): this {
    this.gradFn = null;
    this.requiresGrad = false;
    return this;
  }
  backward(gradient?: Tensor | null, opts: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    runBackward(this, gradient ?? null, opts);
  }
  retainGrad(): void {
    retainGrad(this);
  }
  get retainsGrad(): boolean {
    return this._retainsGrad;
  }
  registerHook(fn: (g: Tensor) => Tensor | undefined | void): RemovableHandle {
    return registerHook(this, fn as never);
  }
  clone(): Tensor {
    return dispatch('clone', [this], {});
  }
  contiguous(): Tensor {
    return S.contiguous(this);
  }

  // ---- elementwise -------------------------------------------------------------------
  neg(): Tensor {
    return E.neg(this);
  }
  negative(): Tensor {
    return this.neg();
  }
  abs(): Tensor {
    return E.unaryOp('abs', this);
  }
  sign(): Tensor {
    return E.unaryOp('sign', this);
  }
  exp(): Tensor {
    return E.unaryOp('exp', this);
  }
  exp2(): Tensor {
    return E.unaryOp('exp2', this);
  }
  log(): Tensor {
    return E.unaryOp('log', this);
  }
  log2(): Tensor {
    return E.unaryOp('log2', this);
  }
  log10(): Tensor {
    return E.unaryOp('log10', this);
  }
  log1p(): Tensor {
    return E.unaryOp('log1p', this);
  }
  expm1(): Tensor {
    return E.unaryOp('expm1', this);
  }
  sqrt(): Tensor {
    return E.unaryOp('sqrt', this);
  }
  rsqrt(): Tensor {
    return E.unaryOp('rsqrt', this);
  }
  square(): Tensor {
    return E.square(this);
  }
  sin(): Tensor {
    return E.unaryOp('sin', this);
  }
  cos(): Tensor {
    return E.unaryOp('cos', this);
  }
  tan(): Tensor {
    return E.unaryOp('tan', this);
  }
  asin(): Tensor {
    return E.unaryOp('asin', this);
  }
  acos(): Tensor {
    return E.unaryOp('acos', this);
  }
  atan(): Tensor {
    return E.unaryOp('atan', this);
  }
  sinh(): Tensor {
    return E.unaryOp('sinh', this);
  }
  cosh(): Tensor {
    return E.unaryOp('cosh', this);
  }
  tanh(): Tensor {
    return E.unaryOp('tanh', this);
  }
  asinh(): Tensor {
    return E.unaryOp('asinh', this);
  }
  acosh(): Tensor {
    return E.unaryOp('acosh', this);
  }
  atanh(): Tensor {
    return E.unaryOp('atanh', this);
  }
  sigmoid(): Tensor {
    return E.unaryOp('sigmoid', this);
  }
  erf(): Tensor {
    return E.unaryOp('erf', this);
  }
  erfc(): Tensor {
    return E.unaryOp('erfc', this);
  }
  erfinv(): Tensor {
    return E.unaryOp('erfinv', this);
  }
  floor(): Tensor {
    return E.unaryOp('floor', this);
  }
  ceil(): Tensor {
    return E.unaryOp('ceil', this);
  }
  round(): Tensor {
    return E.unaryOp('round', this);
  }
  trunc(): Tensor {
    return E.unaryOp('trunc', this);
  }
  frac(): Tensor {
    return E.unaryOp('frac', this);
  }
  reciprocal(): Tensor {
    return E.unaryOp('reciprocal', this);
  }
  relu(): Tensor {
    return E.unaryOp('relu', this);
  }
  logicalNot(): Tensor {
    return E.unaryOp('logicalNot', this);
  }
  isnan(): Tensor {
    return E.unaryOp('isnan', this);
  }
  isinf(): Tensor {
    return E.unaryOp('isinf', this);
  }
  isfinite(): Tensor {
    return this.isnan().logicalOr(this.isinf()).logicalNot();
  }
  add(other: TensorLike, alpha = 1): Tensor {
    return E.add(this, other, typeof alpha === 'object' ? ((alpha as { alpha?: number }).alpha ?? 1) : alpha);
  }
  sub(other: TensorLike, alpha = 1): Tensor {
    return E.sub(this, other, typeof alpha === 'object' ? ((alpha as { alpha?: number }).alpha ?? 1) : alpha);
  }
  mul(other: TensorLike): Tensor {
    return E.binaryOp('mul', this, other);
  }
  div(other: TensorLike, opts?: { roundingMode?: E.RoundingMode }): Tensor {
    return E.div(this, other, opts?.roundingMode ?? null);
  }
  pow(exponent: TensorLike): Tensor {
    return E.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return E.binaryOp('maximum', this, other);
  }
  minimum(other: TensorLike): Tensor {
    return E.binaryOp('minimum', this, other);
  }
  atan2(other: TensorLike): Tensor {
    return E.binaryOp('atan2', this, other);
  }
  remainder(other: TensorLike): Tensor {
    return E.binaryOp('remainder', this, other);
  }
  fmod(other: TensorLike): Tensor {
    return E.binaryOp('fmod', this, other);
  }
  eq(other: TensorLike): Tensor {
    return E.binaryOp('eq', this, other);
  }
  ne(other: TensorLike): Tensor {
    return E.binaryOp('ne', this, other);
  }
  lt(other: TensorLike): Tensor {
    return E.binaryOp('lt', this, other);
  }
  le(other: TensorLike): Tensor {
    return E.binaryOp('le', this, other);
  }
  gt(other: TensorLike): Tensor {
    return E.binaryOp('gt', this, other);
  }
  ge(other: TensorLike): Tensor {
    return E.binaryOp('ge', this, other);
  }
  logicalAnd(other: TensorLike): Tensor {
    return E.binaryOp('logicalAnd', this, other);
  }
  logicalOr(other: TensorLike): Tensor {
    return E.binaryOp('logicalOr', this, other);
  }
  logicalXor(other: TensorLike): Tensor {
    return E.binaryOp('logicalXor', this, other);
  }
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return E.clamp(this, min, max);
  }
  clip(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return E.clamp(this, min, max);
  }
  /** PyTorch's `self.where(condition, other)`. */
  where(condition: Tensor, other: TensorLike): Tensor {
    return E.where(condition, this, other);
  }
  maskedFill(mask: Tensor, value: TensorLike): Tensor {
    return I.maskedFill(this, mask, value);
  }
  nanToNum(nan = 0, posinf?: number, neginf?: number): Tensor {
    return E.nanToNum(this, nan, posinf, neginf);
  }
  lerp(end: TensorLike, weight: TensorLike): Tensor {
    return E.lerp(this, end, weight);
  }

  // ---- reductions --------------------------------------------------------------------
  sum(dim?: R.Dims, keepdim = false): Tensor {
    return R.sum(this, dim, keepdim);
  }
  mean(dim?: R.Dims, keepdim = false): Tensor {
    return R.mean(this, dim, keepdim);
  }
  prod(dim?: R.Dims, keepdim = false): Tensor {
    return R.prod(this, dim, keepdim);
  }
  amax(dim?: R.Dims, keepdim = false): Tensor {
    return R.amax(this, dim, keepdim);
  }
  amin(dim?: R.Dims, keepdim = false): Tensor {
    return R.amin(this, dim, keepdim);
  }
  /** max() over everything, max(dim, keepdim) -> [values, indices], or max(other) elementwise. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): [Tensor, Tensor];
  max(other: Tensor): Tensor;
  max(dim?: number | Tensor, keepdim = false): Tensor | [Tensor, Tensor] {
    if (dim === undefined) return R.maxAll('max', this);
    if (typeof dim === 'object') return this.maximum(dim);
    return R.maxMin('max', this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): [Tensor, Tensor];
  min(other: Tensor): Tensor;
  min(dim?: number | Tensor, keepdim = false): Tensor | [Tensor, Tensor] {
    if (dim === undefined) return R.maxAll('min', this);
    if (typeof dim === 'object') return this.minimum(dim);
    return R.maxMin('min', this, dim, keepdim);
  }
  argmax(dim?: number | null, keepdim = false): Tensor {
    return R.argmax(this, dim, keepdim);
  }
  argmin(dim?: number | null, keepdim = false): Tensor {
    return R.argmin(this, dim, keepdim);
  }
  var(dim?: R.Dims | R.VarOptions, opts?: R.VarOptions): Tensor {
    return R.variance(this, dim, opts);
  }
  std(dim?: R.Dims | R.VarOptions, opts?: R.VarOptions): Tensor {
    return R.std(this, dim, opts);
  }
  logsumexp(dim: R.Dims, keepdim = false): Tensor {
    return R.logsumexp(this, dim, keepdim);
  }
  norm(p: R.NormOrd = 2, dim?: R.Dims, keepdim = false): Tensor {
    return R.norm(this, p, dim, keepdim);
  }
  all(dim?: R.Dims, keepdim = false): Tensor {
    return R.all(this, dim, keepdim);
  }
  any(dim?: R.Dims, keepdim = false): Tensor {
    return R.any(this, dim, keepdim);
  }
  cumsum(dim: number): Tensor {
    return R.cumsum(this, dim);
  }
  cumprod(dim: number): Tensor {
    return R.cumprod(this, dim);
  }
  softmax(dim: number): Tensor {
    return dispatch('softmax', [floatOf(this)], { dim });
  }
  logSoftmax(dim: number): Tensor {
    return dispatch('logSoftmax', [floatOf(this)], { dim });
  }

  // ---- shape -------------------------------------------------------------------------
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return S.reshape(this, flatArgs(shape));
  }
  view(...shape: (number | readonly number[])[]): Tensor {
    return S.view(this, flatArgs(shape));
  }
  viewAs(other: Tensor): Tensor {
    return S.view(this, other.shape);
  }
  reshapeAs(other: Tensor): Tensor {
    return S.reshape(this, other.shape);
  }
  permute(...dims: (number | readonly number[])[]): Tensor {
    return S.permute(this, flatArgs(dims));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return S.transpose(this, dim0, dim1);
  }
  t(): Tensor {
    return S.t(this);
  }
  expand(...shape: (number | readonly number[])[]): Tensor {
    return S.expand(this, flatArgs(shape));
  }
  expandAs(other: Tensor): Tensor {
    return S.expand(this, other.shape);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return S.narrow(this, dim, start, length);
  }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return S.slice(this, dim, start, end, step);
  }
  select(dim: number, index: number): Tensor {
    return S.select(this, dim, index);
  }
  squeeze(dim?: number | readonly number[]): Tensor {
    return S.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return S.unsqueeze(this, dim);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return S.flatten(this, startDim, endDim);
  }
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return S.unflatten(this, dim, sizes);
  }
  flip(dims: number | readonly number[]): Tensor {
    return I.flip(this, typeof dims === 'number' ? [dims] : dims);
  }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return I.roll(this, shifts, dims);
  }
  tril(diagonal = 0): Tensor {
    return I.tril(this, diagonal);
  }
  triu(diagonal = 0): Tensor {
    return I.triu(this, diagonal);
  }
  repeat(...sizes: (number | readonly number[])[]): Tensor {
    return S.repeat(this, flatArgs(sizes));
  }
  tile(...dims: (number | readonly number[])[]): Tensor {
    return S.tile(this, flatArgs(dims));
  }
  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    return S.split(this, splitSize, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return S.chunk(this, chunks, dim);
  }
  unbind(dim = 0): Tensor[] {
    return S.unbind(this, dim);
  }
  movedim(source: number, destination: number): Tensor {
    return S.movedim(this, source, destination);
  }

  // ---- indexing ----------------------------------------------------------------------
  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  scatter(dim: number, index: Tensor, src: TensorLike): Tensor {
    return I.scatter(this, dim, index, src);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return I.scatterAdd(this, dim, index, src);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }
  indexAdd(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): Tensor {
    return I.indexAdd(this, dim, index, source, opts?.alpha ?? 1);
  }
  maskedSelect(mask: Tensor): Tensor {
    return I.maskedSelect(this, mask);
  }

  // ---- linear algebra ----------------------------------------------------------------
  matmul(other: Tensor): Tensor {
    return L.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return L.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return L.bmm(this, other);
  }
  mv(other: Tensor): Tensor {
    return L.mv(this, other);
  }
  dot(other: Tensor): Tensor {
    return L.dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return L.outer(this, other);
  }

  // ---- in place (PyTorch's trailing underscore) ---------------------------------------
  add_(other: TensorLike, alpha = 1): this {
    return inplace(this, 'add_', (s) => s.add(other, alpha)) as this;
  }
  sub_(other: TensorLike, alpha = 1): this {
    return inplace(this, 'sub_', (s) => s.sub(other, alpha)) as this;
  }
  mul_(other: TensorLike): this {
    return inplace(this, 'mul_', (s) => s.mul(other)) as this;
  }
  div_(other: TensorLike): this {
    return inplace(this, 'div_', (s) => s.div(other)) as this;
  }
  pow_(other: TensorLike): this {
    return inplace(this, 'pow_', (s) => s.pow(other)) as this;
  }
  neg_(): this {
    return inplace(this, 'neg_', (s) => s.neg()) as this;
  }
  exp_(): this {
    return inplace(this, 'exp_', (s) => s.exp()) as this;
  }
  sqrt_(): this {
    return inplace(this, 'sqrt_', (s) => s.sqrt()) as this;
  }
  relu_(): this {
    return inplace(this, 'relu_', (s) => s.relu()) as this;
  }
  sigmoid_(): this {
    return inplace(this, 'sigmoid_', (s) => s.sigmoid()) as this;
  }
  tanh_(): this {
    return inplace(this, 'tanh_', (s) => s.tanh()) as this;
  }
  clamp_(min?: TensorLike | null, max?: TensorLike | null): this {
    return inplace(this, 'clamp_', (s) => s.clamp(min, max)) as this;
  }
  maskedFill_(mask: Tensor, value: TensorLike): this {
    return inplace(this, 'masked_fill_', (s) => s.maskedFill(mask, value)) as this;
  }
  lerp_(end: TensorLike, weight: TensorLike): this {
    return inplace(this, 'lerp_', (s) => s.lerp(end, weight)) as this;
  }
  addcmul_(t1: Tensor, t2: Tensor, value = 1): this {
    return inplace(this, 'addcmul_', (s) => s.add(t1.mul(t2).mul(value))) as this;
  }
  addcdiv_(t1: Tensor, t2: Tensor, value = 1): this {
    return inplace(this, 'addcdiv_', (s) => s.add(t1.div(t2).mul(value))) as this;
  }
  copy_(src: Tensor): this {
    return inplace(this, 'copy_', (s) => {
      const v = cast(src.device === s.device ? src : src.to(s.device), s.dtype);
      return v.expand(s.shape);
    }) as this;
  }
  fill_(value: number | boolean): this {
    return inplace(this, 'fill_', (s) => newFull(s, s.shape, Number(value))) as this;
  }
  zero_(): this {
    return this.fill_(0);
  }

  // ---- for gradient formulas (the GT interface) ---------------------------------------
  newZeros(shape: readonly number[]): Tensor {
    return newFull(this, shape, 0);
  }
  newOnes(shape: readonly number[]): Tensor {
    return newFull(this, shape, 1);
  }
  newFull(shape: readonly number[], value: number): Tensor {
    return newFull(this, shape, value);
  }
  newTensor(data: TypedArray, shape: readonly number[]): Tensor {
    return newTensorLike(this, data, shape);
  }
  sumToShape(shape: readonly number[]): Tensor {
    if (this.shape.length === shape.length && this.shape.every((d, i) => d === shape[i])) return this;
    const lead = this.ndim - shape.length;
    const dims: number[] = [];
    for (let i = 0; i < this.ndim; i++)
      if (i < lead || (shape[i - lead] === 1 && this.shape[i] !== 1)) dims.push(i);
    const s = dims.length ? R.sum(this, dims, true) : this;
    return S.reshape(s, shape);
  }
  stridedScatter(outShape: readonly number[], layout: StridedLayout): Tensor {
    return dispatch('stridedScatter', [this], { outShape, layout });
  }
  asStrided(layout: StridedLayout): Tensor {
    return dispatch('asStrided', [this], layout);
  }
  im2col(attrs: Im2colAttrs): Tensor {
    return dispatch('im2col', [this], attrs);
  }
  col2im(attrs: Col2imAttrs): Tensor {
    return dispatch('col2im', [this], attrs);
  }
  constantPad(pad: readonly number[], value: number): Tensor {
    return dispatch('constantPad', [this], { pad, value });
  }
}

function flatArgs(args: readonly (number | readonly number[])[]): number[] {
  return args.length === 1 && typeof args[0] !== 'number' ? [...args[0]] : (args as number[]);
}

function newFull(like: Tensor, shape: readonly number[], value: number): Tensor {
  const b = like._storage.backend;
  const t = allocTensor(b, shape, like.dtype);
  runKernel(b, 'fill', [t], [], { value });
  return t;
}

function newTensorLike(like: Tensor, data: TypedArray, shape: readonly number[]): Tensor {
  return fromTypedArray(data, shape, like.dtype, like.device);
}
