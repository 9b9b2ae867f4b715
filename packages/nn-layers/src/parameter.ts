import { type DType, keep, Tensor, zeros } from '@kindling/tensor';

/** Storages a Parameter took over through `_setData` (released when the Parameter is collected). */
const swapped =
  typeof FinalizationRegistry === 'undefined'
    ? null
    : new FinalizationRegistry<{ storage: Tensor['_storage'] | null }>((held) => held.storage?.release());

type Mutable = {
  -readonly [K in '_storage' | 'shape' | 'strides' | 'offset' | 'dtype']: Tensor[K];
} & { _disposed: boolean; _base: Tensor | null };

const TORCH_DTYPE: Record<DType, string> = {
  float32: 'torch.float32',
  float64: 'torch.float64',
  float16: 'torch.float16',
  int32: 'torch.int32',
  bool: 'torch.bool',
};

/** PyTorch's dtype name (`torch.float32`), used in reprs. */
export function torchDtype(dtype: DType): string {
  return TORCH_DTYPE[dtype];
}

/**
 * A tensor that is a module parameter (torch.nn.Parameter): it shares `data`'s storage, is a
 * leaf, requires grad by default, and is registered automatically when assigned to a module.
 *
 * @example
 * const w = new Parameter(randn(3, 4));        // requiresGrad true
 * const frozen = new Parameter(zeros(3), false);
 */
export class Parameter extends Tensor {
  /** Set by `_setData`: the storage this parameter took over (not the one it was built on). */
  private _held: { storage: Tensor['_storage'] | null } | null = null;

  constructor(data?: Tensor | null, requiresGrad = true) {
    const d = data ?? zeros([0]);
    super(d._storage, d.shape, d.strides, d.offset, d.dtype);
    // parameters belong to their module, not to the memory scope they were created in
    keep(this as Tensor);
    if (requiresGrad) {
      if (!this.isFloatingPoint()) {
        throw new TypeError(`Only Tensors of floating point dtype can require gradients (got ${d.dtype})`);
      }
      this.requiresGrad = true;
    }
  }

  /**
   * PyTorch's `param.data = src`: this parameter now views `src`'s storage (shape, dtype and
   * device may change); object identity, requiresGrad and hooks are kept.
   */
  _setData(src: Tensor): this {
    const self = this as unknown as Mutable;
    if (src._storage === this._storage && src.offset === this.offset && src.dtype === this.dtype) {
      self.shape = Object.freeze([...src.shape]);
      self.strides = Object.freeze([...src.strides]);
      return this;
    }
    src._storage.retain();
    if (this._held) {
      this._held.storage?.release();
      this._held.storage = src._storage;
    } else {
      // release the storage held since construction the regular way, then track the new one
      const keepGrad = this.grad;
      Tensor.prototype.dispose.call(this);
      self._disposed = false;
      this.grad = keepGrad;
      this._held = { storage: src._storage };
      swapped?.register(this, this._held, this);
    }
    self._storage = src._storage;
    self.shape = Object.freeze([...src.shape]);
    self.strides = Object.freeze([...src.strides]);
    self.offset = src.offset;
    self.dtype = src.dtype;
    self._base = null;
    return this;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (this._held) {
      swapped?.unregister(this);
      const held = this._held;
      this._held = null;
      // Tensor.dispose releases the current storage (the held one)
      super.dispose();
      held.storage = null;
      return;
    }
    super.dispose();
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/**
 * A parameter whose shape is not known yet (torch.nn.UninitializedParameter), used by lazy
 * modules; `materialize(shape)` gives it storage.
 */
export class UninitializedParameter extends Parameter {
  constructor(requiresGrad = true, opts: { dtype?: DType; device?: Tensor['device'] } = {}) {
    super(zeros([0], { dtype: opts.dtype ?? 'float32', device: opts.device ?? 'cpu' }), requiresGrad);
  }

  /** Give the parameter a (zero-filled) tensor of `shape`; it then behaves as a Parameter. */
  materialize(shape: readonly number[], opts: { dtype?: DType; device?: Tensor['device'] } = {}): Parameter {
    this._setData(zeros([...shape], { dtype: opts.dtype ?? this.dtype, device: opts.device ?? this.device }));
    Object.setPrototypeOf(this, Parameter.prototype);
    return this;
  }

  override toString(): string {
    return '<UninitializedParameter>';
  }
}

/** Whether `p` is a parameter whose shape is still unknown. */
export function isUninitialized(p: unknown): p is UninitializedParameter {
  return p instanceof UninitializedParameter;
}
