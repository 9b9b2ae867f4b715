import type { Tensor } from '@kindling/tensor';
import { glu } from '../functional/activation.js';
import { logSoftmax, softmax, softmin } from '../functional/softmax.js';
import { Module } from '../module.js';
import { fmt, kw } from './factory.js';

const dimRepr = (d: number | null) => `dim=${d === null ? 'None' : d}`;

/**
 * exp(x) / Σ exp(x) along `dim` (torch.nn.Softmax). With dim null PyTorch's legacy choice applies
 * (0 for 0-, 1- and 3-D inputs, else 1).
 *
 * Input: (*). Output: (*), same shape, summing to 1 along dim.
 *
 * @example
 * new Softmax({ dim: -1 }).call(logits);
 */
export class Softmax extends Module {
  dim: number | null;
  constructor(o: { dim?: number | null } | number = {}) {
    super();
    this.dim = kw(o, 'dim').dim ?? null;
  }
  override forward(input: Tensor): Tensor {
    return softmax(input, this.dim);
  }
  override extraRepr(): string {
    return dimRepr(this.dim);
  }
}

/**
 * log(softmax(x)) along `dim`, computed stably (torch.nn.LogSoftmax).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new LogSoftmax({ dim: 1 }).call(logits);
 */
export class LogSoftmax extends Module {
  dim: number | null;
  constructor(o: { dim?: number | null } | number = {}) {
    super();
    this.dim = kw(o, 'dim').dim ?? null;
  }
  override forward(input: Tensor): Tensor {
    return logSoftmax(input, this.dim);
  }
  override extraRepr(): string {
    return dimRepr(this.dim);
  }
}

/**
 * softmax(−x) along `dim` (torch.nn.Softmin).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Softmin({ dim: 1 }).call(x);
 */
export class Softmin extends Module {
  dim: number | null;
  constructor(o: { dim?: number | null } | number = {}) {
    super();
    this.dim = kw(o, 'dim').dim ?? null;
  }
  override forward(input: Tensor): Tensor {
    return softmin(input, this.dim);
  }
  override extraRepr(): string {
    return dimRepr(this.dim);
  }
}

/**
 * Softmax over the channels of each spatial location (torch.nn.Softmax2d).
 *
 * Input: (N, C, H, W) or (C, H, W). Output: same shape.
 *
 * @example
 * new Softmax2d().call(randn(2, 3, 12, 13));
 */
export class Softmax2d extends Module {
  override forward(input: Tensor): Tensor {
    if (input.ndim !== 3 && input.ndim !== 4) {
      throw new RangeError(
        `Softmax2d: expected input of 3 or 4 dims (C, H, W) or (N, C, H, W), got ${fmt(input.shape)}`,
      );
    }
    return input.softmax(-3);
  }
}

/**
 * Gated linear unit a·sigmoid(b), input split in halves a, b along `dim` (torch.nn.GLU, dim −1).
 *
 * Input: (*1, N, *2) with N even at dim. Output: (*1, N/2, *2).
 *
 * @example
 * new GLU().call(randn(4, 6)).shape; // [4, 3]
 */
export class GLU extends Module {
  dim: number;
  constructor(o: { dim?: number } | number = {}) {
    super();
    this.dim = kw(o, 'dim').dim ?? -1;
  }
  override forward(input: Tensor): Tensor {
    return glu(input, { dim: this.dim });
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
