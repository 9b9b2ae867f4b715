import { type DType, keep, Tensor, zeros } from '@kindling/tensor';

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
