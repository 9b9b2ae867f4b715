/** Fold and Unfold: sliding local blocks ↔ columns (torch.nn.Fold / torch.nn.Unfold). */
import type { Tensor } from '@kindling/tensor';
import { Module } from '../module.js';
import { pyRepr } from '../repr.js';
import { type FoldOptions, fold, unfold } from './functional/fold.js';
import { ntuple, type Size } from './ntuple.js';
import { renamed } from './renamed-error.js';

/**
 * Extracts sliding local blocks: (N, C, H, W) → (N, C·∏kernel_size, L) or (C, H, W) →
 * (C·∏kernel_size, L), L = ∏_d ⌊(size_d + 2·padding_d − dilation_d·(kernel_d − 1) − 1) / stride_d⌋ + 1.
 * @example
 * new Unfold([2, 3]).call(randn(2, 5, 3, 4)).shape; // [2, 30, 4]
 */
export class Unfold extends Module {
  readonly kernelSize: Size;
  readonly dilation: Size;
  readonly padding: Size;
  readonly stride: Size;

  constructor(kernelSize: Size, opts: FoldOptions = {}) {
    super();
    const name = this._getName();
    ntuple(name, 'kernelSize', kernelSize, 2);
    this.kernelSize = kernelSize;
    this.dilation = opts.dilation ?? 1;
    this.padding = opts.padding ?? 0;
    this.stride = opts.stride ?? 1;
    ntuple(name, 'dilation', this.dilation, 2);
    ntuple(name, 'padding', this.padding, 2);
    ntuple(name, 'stride', this.stride, 2);
  }

  override forward(input: Tensor): Tensor {
    return renamed(this._getName(), 'unfold', () =>
      unfold(input, this.kernelSize, { dilation: this.dilation, padding: this.padding, stride: this.stride }),
    );
  }

  override extraRepr(): string {
    return `kernel_size=${pyRepr(this.kernelSize)}, dilation=${pyRepr(this.dilation)}, padding=${pyRepr(this.padding)}, stride=${pyRepr(this.stride)}`;
  }
}

/**
 * Sums columns of sliding local blocks back into a tensor (the adjoint of Unfold):
 * (N, C·∏kernel_size, L) → (N, C, *outputSize) or (C·∏kernel_size, L) → (C, *outputSize).
 * @example
 * new Fold([4, 5], [2, 2]).call(randn(1, 3 * 2 * 2, 12)).shape; // [1, 3, 4, 5]
 */
export class Fold extends Module {
  readonly outputSize: Size;
  readonly kernelSize: Size;
  readonly dilation: Size;
  readonly padding: Size;
  readonly stride: Size;

  constructor(outputSize: Size, kernelSize: Size, opts: FoldOptions = {}) {
    super();
    const name = this._getName();
    ntuple(name, 'outputSize', outputSize, 2);
    ntuple(name, 'kernelSize', kernelSize, 2);
    this.outputSize = outputSize;
    this.kernelSize = kernelSize;
    this.dilation = opts.dilation ?? 1;
    this.padding = opts.padding ?? 0;
    this.stride = opts.stride ?? 1;
    ntuple(name, 'dilation', this.dilation, 2);
    ntuple(name, 'padding', this.padding, 2);
    ntuple(name, 'stride', this.stride, 2);
  }

  override forward(input: Tensor): Tensor {
    return renamed(this._getName(), 'fold', () =>
      fold(input, this.outputSize, this.kernelSize, {
        dilation: this.dilation,
        padding: this.padding,
        stride: this.stride,
      }),
    );
  }

  override extraRepr(): string {
    return `output_size=${pyRepr(this.outputSize)}, kernel_size=${pyRepr(this.kernelSize)}, dilation=${pyRepr(this.dilation)}, padding=${pyRepr(this.padding)}, stride=${pyRepr(this.stride)}`;
  }
}
