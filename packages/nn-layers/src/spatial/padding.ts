/**
 * Padding layers (torch.nn.modules.padding): constant/zero, reflection, replication and circular
 * padding of the last 1, 2 or 3 dims.
 */
import { fmtShape } from '@kindling/ops';
import { pad, type PadMode, type Tensor } from '@kindling/tensor';
import { Module } from '../module.js';
import { pyRepr } from '../repr.js';
import type { Size } from './ntuple.js';
import { pyTuple } from './py-format.js';

/** PyTorch's padding argument: one number for every side, or (left, right[, top, bottom[, front, back]]). */
function expandPadding(name: string, padding: Size, sd: number): number[] {
  const n = 2 * sd;
  const out = typeof padding === 'number' ? new Array<number>(n).fill(padding) : [...padding];
  if (out.length !== n || out.some((v) => !Number.isInteger(v))) {
    const sides = ['(left, right)', '(left, right, top, bottom)', '(left, right, top, bottom, front, back)'][
      sd - 1
    ];
    throw new RangeError(
      `${name}: padding must be an integer or a list of ${n} integers ${sides}, got ${typeof padding === 'number' ? padding : `[${padding.join(', ')}]`}`,
    );
  }
  return out;
}

/** Shared state and checks of the padding layers. */
export abstract class PadNd extends Module {
  /** (left, right, top, bottom, front, back), last dim first, as F.pad takes it. */
  readonly padding: number[];
  readonly mode: PadMode;
  readonly _sd: number;

  constructor(sd: number, padding: Size, mode: PadMode) {
    super();
    this._sd = sd;
    this.mode = mode;
    this.padding = expandPadding(this._getName(), padding, sd);
  }

  protected _check(x: Tensor): void {
    const name = this._getName();
    const sd = this._sd;
    if (this.mode === 'constant') {
      if (x.ndim < sd) {
        throw new RangeError(
          `${name}: expected an input with at least ${sd} dims to pad its last ${sd}, but got a ${x.ndim}-D input of shape ${fmtShape(x.shape)}`,
        );
      }
      return;
    }
    if (x.ndim !== sd + 1 && x.ndim !== sd + 2) {
      throw new RangeError(
        `${name}: expected a ${sd + 1}-D (unbatched) or ${sd + 2}-D (batched) input, but got a ${x.ndim}-D input of shape ${fmtShape(x.shape)}`,
      );
    }
    for (let i = 0; i < sd; i++) {
      const d = x.ndim - 1 - i;
      const size = x.shape[d];
      const before = this.padding[2 * i];
      const after = this.padding[2 * i + 1];
      if (this.mode === 'reflect' && (before >= size || after >= size)) {
        throw new RangeError(
          `${name}: padding (${before}, ${after}) of dim ${d} must be smaller than that dim's size ${size} (input of shape ${fmtShape(x.shape)})`,
        );
      }
      if (this.mode === 'circular' && (before > size || after > size)) {
        throw new RangeError(
          `${name}: padding (${before}, ${after}) of dim ${d} must be at most that dim's size ${size}, so it wraps around at most once (input of shape ${fmtShape(x.shape)})`,
        );
      }
      if (this.mode === 'replicate' && size === 0 && (before > 0 || after > 0)) {
        throw new RangeError(
          `${name}: cannot replicate-pad the empty dim ${d} of input of shape ${fmtShape(x.shape)}`,
        );
      }
    }
  }

  override forward(input: Tensor): Tensor {
    this._check(input);
    return pad(input, this.padding, { mode: this.mode, value: this._value() });
  }

  _value(): number {
    return 0;
  }

  override extraRepr(): string {
    return pyTuple(this.padding);
  }
}

/** Shared state of the constant pads. */
export abstract class ConstantPadNd extends PadNd {
  readonly value: number;

  constructor(sd: number, padding: Size, value: number) {
    super(sd, padding, 'constant');
    if (typeof value !== 'number')
      throw new TypeError(`${this._getName()}: value must be a number, got ${typeof value}`);
    this.value = value;
  }

  override _value(): number {
    return this.value;
  }

  override extraRepr(): string {
    return `padding=${pyTuple(this.padding)}, value=${pyRepr(this.value)}`;
  }
}

/**
 * Pads the last dim with a constant: (*, W_in) → (*, W_in + left + right). Negative padding crops.
 * @example
 * new ConstantPad1d([2, 1], 3.5).call(randn(2, 3, 4)).shape; // [2, 3, 7]
 */
export class ConstantPad1d extends ConstantPadNd {
  constructor(padding: Size, value: number) {
    super(1, padding, value);
  }
}

/**
 * Pads the last 2 dims with a constant: (*, H_in, W_in) → (*, H_in + top + bottom, W_in + left + right).
 * @example
 * new ConstantPad2d([3, 0, 2, 1], 3.5).call(randn(1, 2, 2)).shape; // [1, 5, 5]
 */
export class ConstantPad2d extends ConstantPadNd {
  constructor(padding: Size, value: number) {
    super(2, padding, value);
  }
}

/**
 * Pads the last 3 dims with a constant: (*, D_in, H_in, W_in) → (*, D_out, H_out, W_out).
 * @example
 * new ConstantPad3d(1, 0.5).call(randn(1, 2, 2, 3, 2)).shape; // [1, 2, 4, 5, 4]
 */
export class ConstantPad3d extends ConstantPadNd {
  constructor(padding: Size, value: number) {
    super(3, padding, value);
  }
}

/**
 * Pads the last dim with zeros: (*, W_in) → (*, W_in + left + right).
 * @example
 * new ZeroPad1d([1, 2]).call(randn(1, 2, 3)).shape; // [1, 2, 6]
 */
export class ZeroPad1d extends ConstantPadNd {
  constructor(padding: Size) {
    super(1, padding, 0);
  }
  override extraRepr(): string {
    return pyTuple(this.padding);
  }
}

/**
 * Pads the last 2 dims with zeros: (*, H_in, W_in) → (*, H_in + top + bottom, W_in + left + right).
 * @example
 * new ZeroPad2d([1, 1, 2, 0]).call(randn(1, 1, 3, 3)).shape; // [1, 1, 5, 5]
 */
export class ZeroPad2d extends ConstantPadNd {
  constructor(padding: Size) {
    super(2, padding, 0);
  }
  override extraRepr(): string {
    return pyTuple(this.padding);
  }
}

/**
 * Pads the last 3 dims with zeros: (*, D_in, H_in, W_in) → (*, D_out, H_out, W_out).
 * @example
 * new ZeroPad3d(1).call(randn(1, 1, 2, 2, 2)).shape; // [1, 1, 4, 4, 4]
 */
export class ZeroPad3d extends ConstantPadNd {
  constructor(padding: Size) {
    super(3, padding, 0);
  }
  override extraRepr(): string {
    return pyTuple(this.padding);
  }
}

/**
 * Pads the last dim with its reflection (edge not repeated): (C, W_in) or (N, C, W_in) →
 * (…, W_in + left + right); each padding must be smaller than W_in.
 * @example
 * new ReflectionPad1d(2).call(tensor([[[0, 1, 2, 3]]])); // [[[2, 1, 0, 1, 2, 3, 2, 1]]]
 */
export class ReflectionPad1d extends PadNd {
  constructor(padding: Size) {
    super(1, padding, 'reflect');
  }
}

/**
 * Reflection padding of the last 2 dims: (C, H_in, W_in) or (N, C, H_in, W_in) → (…, H_out, W_out).
 * @example
 * new ReflectionPad2d([1, 1, 2, 0]).call(randn(1, 1, 3, 3)).shape; // [1, 1, 5, 5]
 */
export class ReflectionPad2d extends PadNd {
  constructor(padding: Size) {
    super(2, padding, 'reflect');
  }
}

/**
 * Reflection padding of the last 3 dims: (C, D_in, H_in, W_in) or (N, C, D_in, H_in, W_in) → (…, D_out, H_out, W_out).
 * @example
 * new ReflectionPad3d(1).call(randn(1, 1, 2, 2, 2)).shape; // [1, 1, 4, 4, 4]
 */
export class ReflectionPad3d extends PadNd {
  constructor(padding: Size) {
    super(3, padding, 'reflect');
  }
}

/**
 * Pads the last dim by repeating its edge values: (C, W_in) or (N, C, W_in) → (…, W_in + left + right).
 * @example
 * new ReplicationPad1d([3, 1]).call(tensor([[[0, 1, 2]]])); // [[[0, 0, 0, 0, 1, 2, 2]]]
 */
export class ReplicationPad1d extends PadNd {
  constructor(padding: Size) {
    super(1, padding, 'replicate');
  }
}

/**
 * Replication padding of the last 2 dims: (C, H_in, W_in) or (N, C, H_in, W_in) → (…, H_out, W_out).
 * @example
 * new ReplicationPad2d([1, 1, 2, 0]).call(randn(1, 1, 3, 3)).shape; // [1, 1, 5, 5]
 */
export class ReplicationPad2d extends PadNd {
  constructor(padding: Size) {
    super(2, padding, 'replicate');
  }
}

/**
 * Replication padding of the last 3 dims: (C, D_in, H_in, W_in) or (N, C, D_in, H_in, W_in) → (…, D_out, H_out, W_out).
 * @example
 * new ReplicationPad3d(3).call(randn(16, 3, 8, 320, 480)).shape; // [16, 3, 14, 326, 486]
 */
export class ReplicationPad3d extends PadNd {
  constructor(padding: Size) {
    super(3, padding, 'replicate');
  }
}

/**
 * Pads the last dim by wrapping around (periodic boundary): (C, W_in) or (N, C, W_in) →
 * (…, W_in + left + right); each padding must be at most W_in.
 * @example
 * new CircularPad1d(2).call(tensor([[[0, 1, 2, 3]]])); // [[[2, 3, 0, 1, 2, 3, 0, 1]]]
 */
export class CircularPad1d extends PadNd {
  constructor(padding: Size) {
    super(1, padding, 'circular');
  }
}

/**
 * Circular padding of the last 2 dims: (C, H_in, W_in) or (N, C, H_in, W_in) → (…, H_out, W_out).
 * @example
 * new CircularPad2d([1, 1, 2, 0]).call(randn(1, 1, 3, 3)).shape; // [1, 1, 5, 5]
 */
export class CircularPad2d extends PadNd {
  constructor(padding: Size) {
    super(2, padding, 'circular');
  }
}

/**
 * Circular padding of the last 3 dims: (C, D_in, H_in, W_in) or (N, C, D_in, H_in, W_in) → (…, D_out, H_out, W_out).
 * @example
 * new CircularPad3d(1).call(randn(1, 1, 2, 2, 2)).shape; // [1, 1, 4, 4, 4]
 */
export class CircularPad3d extends PadNd {
  constructor(padding: Size) {
    super(3, padding, 'circular');
  }
}
