import type { Tensor } from '@kindling/tensor';
import { Module } from '../module.js';
import { pyTuple } from '../repr.js';
import { fmt, kw } from './factory.js';

/**
 * Flattens dims startDim..endDim into one (torch.nn.Flatten, defaults 1 and −1).
 *
 * Input: (*, S_start, ..., S_end, *). Output: (*, ∏ S, *).
 *
 * @example
 * new Flatten().call(randn(32, 1, 5, 5)).shape; // [32, 25]
 */
export class Flatten extends Module {
  startDim: number;
  endDim: number;
  constructor(opts: { startDim?: number; endDim?: number } | number = {}, endDim?: number) {
    super();
    const o = kw(opts, 'startDim');
    this.startDim = o.startDim ?? 1;
    this.endDim = endDim ?? o.endDim ?? -1;
  }
  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (torch.nn.Unflatten).
 *
 * Input: (*, S_dim, *). Output: (*, U_1, ..., U_n, *) with ∏ U = S_dim.
 *
 * @example
 * new Unflatten(1, [2, 5, 5]).call(randn(2, 50)).shape; // [2, 2, 5, 5]
 */
export class Unflatten extends Module {
  dim: number;
  unflattenedSize: number[];
  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }
  override forward(input: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + input.ndim : this.dim;
    if (d < 0 || d >= input.ndim) {
      throw new RangeError(
        `${this.toString()}: dim ${this.dim} is out of range for input of shape ${fmt(input.shape)}`,
      );
    }
    return input.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}
