/**
 * Lazy convolutions (torch.nn.LazyConv1d … LazyConvTranspose3d): inChannels comes from the first
 * input. Until then weight and bias are UninitializedParameters; the first forward (or loading a
 * state dict) gives them their shapes, initialises them, and the module becomes the plain layer.
 */
import { fmtShape } from '@kindling/ops';
import type { Tensor } from '@kindling/tensor';
import { isUninitialized, type Parameter, UninitializedParameter } from '../parameter.js';
import {
  Conv1d,
  Conv2d,
  Conv3d,
  type ConvModuleOptions,
  type ConvNd,
  ConvTranspose1d,
  ConvTranspose2d,
  ConvTranspose3d,
  type ConvTransposeModuleOptions,
} from './conv.js';
import type { Size } from './ntuple.js';

type Became = { prototype: ConvNd };

function makeLazy(m: ConvNd, opts: { device?: Tensor['device']; dtype?: Tensor['dtype'] }): void {
  const factory = { device: opts.device, dtype: opts.dtype };
  m.weight = new UninitializedParameter(true, factory) as Parameter;
  if (m.bias) m.bias = new UninitializedParameter(true, factory) as Parameter;
}

function hasUninitialized(m: ConvNd): boolean {
  for (const p of m._parameters.values()) if (isUninitialized(p)) return true;
  return false;
}

/** PyTorch's LazyConvNd.initialize_parameters: infer inChannels, materialise, reset, become the plain class. */
function initialize(m: ConvNd, input: Tensor, becomes: Became): void {
  const name = m._getName();
  const sd = m.kernelSize.length;
  if (hasUninitialized(m)) {
    if (input.ndim !== sd + 1 && input.ndim !== sd + 2) {
      throw new RangeError(
        `${name}: expected a ${sd + 1}-D (unbatched) or ${sd + 2}-D (batched) input, but got a ${input.ndim}-D input of shape ${fmtShape(input.shape)}`,
      );
    }
    const inChannels = input.shape[input.ndim - sd - 1];
    if (inChannels % m.groups !== 0) {
      throw new RangeError(
        `${name}: the input's ${inChannels} channels (input of shape ${fmtShape(input.shape)}) must be divisible by groups (${m.groups})`,
      );
    }
    m.inChannels = inChannels;
    const w = m.weight as unknown as UninitializedParameter;
    const wShape = m.transposed
      ? [inChannels, m.outChannels / m.groups, ...m.kernelSize]
      : [m.outChannels, inChannels / m.groups, ...m.kernelSize];
    if (isUninitialized(w)) w.materialize(wShape);
    const b = m.bias as unknown as UninitializedParameter | null;
    if (b && isUninitialized(b)) b.materialize([m.outChannels]);
    (m as unknown as { resetParameters(): void }).resetParameters();
  } else if (m.inChannels === 0 && m.weight.ndim === sd + 2) {
    // materialised by loadStateDict
    m.inChannels = m.transposed ? m.weight.shape[0] : m.weight.shape[1] * m.groups;
  }
  Object.setPrototypeOf(m, becomes.prototype);
}

/**
 * A Conv1d whose inChannels is inferred from the first input: (N, C_in, L_in) → (N, outChannels, L_out).
 * @example
 * const c = new LazyConv1d(8, 3);
 * c.call(randn(2, 5, 10));
 * c.weight.shape; // [8, 5, 3]
 */
export class LazyConv1d extends Conv1d {
  constructor(outChannels: number, kernelSize: Size, opts: ConvModuleOptions = {}) {
    super(0, outChannels, kernelSize, opts);
    makeLazy(this, opts);
  }
  hasUninitializedParams(): boolean {
    return hasUninitialized(this);
  }
  override resetParameters(): void {
    if (!hasUninitialized(this) && this.inChannels !== 0) super.resetParameters();
  }
  override forward(input: Tensor): Tensor {
    initialize(this, input, Conv1d);
    return Conv1d.prototype.forward.call(this, input);
  }
}

/**
 * A Conv2d whose inChannels is inferred from the first input: (N, C_in, H, W) → (N, outChannels, H_out, W_out).
 * @example
 * const c = new LazyConv2d(16, 3, { padding: 1 });
 * c.call(randn(1, 3, 8, 8)).shape; // [1, 16, 8, 8]; c is now a Conv2d(3, 16, ...)
 */
export class LazyConv2d extends Conv2d {
  constructor(outChannels: number, kernelSize: Size, opts: ConvModuleOptions = {}) {
    super(0, outChannels, kernelSize, opts);
    makeLazy(this, opts);
  }
  hasUninitializedParams(): boolean {
    return hasUninitialized(this);
  }
  override resetParameters(): void {
    if (!hasUninitialized(this) && this.inChannels !== 0) super.resetParameters();
  }
  override forward(input: Tensor): Tensor {
    initialize(this, input, Conv2d);
    return Conv2d.prototype.forward.call(this, input);
  }
}

/**
 * A Conv3d whose inChannels is inferred from the first input.
 * @example
 * new LazyConv3d(4, 2).call(randn(1, 2, 4, 4, 4)).shape; // [1, 4, 3, 3, 3]
 */
export class LazyConv3d extends Conv3d {
  constructor(outChannels: number, kernelSize: Size, opts: ConvModuleOptions = {}) {
    super(0, outChannels, kernelSize, opts);
    makeLazy(this, opts);
  }
  hasUninitializedParams(): boolean {
    return hasUninitialized(this);
  }
  override resetParameters(): void {
    if (!hasUninitialized(this) && this.inChannels !== 0) super.resetParameters();
  }
  override forward(input: Tensor): Tensor {
    initialize(this, input, Conv3d);
    return Conv3d.prototype.forward.call(this, input);
  }
}

/**
 * A ConvTranspose1d whose inChannels is inferred from the first input.
 * @example
 * new LazyConvTranspose1d(2, 3, { stride: 2 }).call(randn(1, 4, 5)).shape; // [1, 2, 11]
 */
export class LazyConvTranspose1d extends ConvTranspose1d {
  constructor(outChannels: number, kernelSize: Size, opts: ConvTransposeModuleOptions = {}) {
    super(0, outChannels, kernelSize, opts);
    makeLazy(this, opts);
  }
  hasUninitializedParams(): boolean {
    return hasUninitialized(this);
  }
  override resetParameters(): void {
    if (!hasUninitialized(this) && this.inChannels !== 0) super.resetParameters();
  }
  override forward(input: Tensor, outputSize?: readonly number[] | null): Tensor {
    initialize(this, input, ConvTranspose1d);
    return ConvTranspose1d.prototype.forward.call(this, input, outputSize);
  }
}

/**
 * A ConvTranspose2d whose inChannels is inferred from the first input.
 * @example
 * new LazyConvTranspose2d(2, 3, { stride: 2 }).call(randn(1, 4, 5, 5)).shape; // [1, 2, 11, 11]
 */
export class LazyConvTranspose2d extends ConvTranspose2d {
  constructor(outChannels: number, kernelSize: Size, opts: ConvTransposeModuleOptions = {}) {
    super(0, outChannels, kernelSize, opts);
    makeLazy(this, opts);
  }
  hasUninitializedParams(): boolean {
    return hasUninitialized(this);
  }
  override resetParameters(): void {
    if (!hasUninitialized(this) && this.inChannels !== 0) super.resetParameters();
  }
  override forward(input: Tensor, outputSize?: readonly number[] | null): Tensor {
    initialize(this, input, ConvTranspose2d);
    return ConvTranspose2d.prototype.forward.call(this, input, outputSize);
  }
}

/**
 * A ConvTranspose3d whose inChannels is inferred from the first input.
 * @example
 * new LazyConvTranspose3d(1, 2).call(randn(1, 3, 2, 2, 2)).shape; // [1, 1, 3, 3, 3]
 */
export class LazyConvTranspose3d extends ConvTranspose3d {
  constructor(outChannels: number, kernelSize: Size, opts: ConvTransposeModuleOptions = {}) {
    super(0, outChannels, kernelSize, opts);
    makeLazy(this, opts);
  }
  hasUninitializedParams(): boolean {
    return hasUninitialized(this);
  }
  override resetParameters(): void {
    if (!hasUninitialized(this) && this.inChannels !== 0) super.resetParameters();
  }
  override forward(input: Tensor, outputSize?: readonly number[] | null): Tensor {
    initialize(this, input, ConvTranspose3d);
    return ConvTranspose3d.prototype.forward.call(this, input, outputSize);
  }
}
