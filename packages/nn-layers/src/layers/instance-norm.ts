import type { Tensor } from '@kindling/tensor';
import { instanceNorm } from '../functional/normalization.js';
import { NormBase, type NormOptions } from './norm-base.js';

abstract class InstanceNormBase extends NormBase {
  /** The rank of an input without a batch dim. */
  protected abstract readonly noBatchRank: number;

  constructor(numFeatures: number, o: NormOptions = {}) {
    super(numFeatures, o, { affine: false, trackRunningStats: false });
  }

  override forward(input: Tensor): Tensor {
    const r = this.noBatchRank;
    this.checkInput(input, [r, r + 1], input.ndim - r);
    const batched = input.ndim === r + 1 ? input : input.unsqueeze(0);
    const out = instanceNorm(batched, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum ?? 0.1,
      eps: this.eps,
    });
    return batched === input ? out : out.squeeze(0);
  }
}

/**
 * Instance normalisation (torch.nn.InstanceNorm1d): each channel of each sample normalised by
 * its own mean and variance over L. affine and trackRunningStats are false by default.
 *
 * Input: (N, C, L) or (C, L). Output: same shape.
 *
 * @example
 * new InstanceNorm1d(100, { affine: true }).call(randn(20, 100, 40));
 */
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly noBatchRank = 2;
}

/**
 * Instance normalisation over H, W per sample and channel (torch.nn.InstanceNorm2d); see InstanceNorm1d.
 *
 * Input: (N, C, H, W) or (C, H, W). Output: same shape.
 *
 * @example
 * new InstanceNorm2d(3).call(randn(2, 3, 5, 5));
 */
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly noBatchRank = 3;
}

/**
 * Instance normalisation over D, H, W per sample and channel (torch.nn.InstanceNorm3d); see InstanceNorm1d.
 *
 * Input: (N, C, D, H, W) or (C, D, H, W). Output: same shape.
 *
 * @example
 * new InstanceNorm3d(2).call(randn(2, 2, 3, 3, 3));
 */
export class InstanceNorm3d extends InstanceNormBase {
  protected readonly noBatchRank = 4;
}
