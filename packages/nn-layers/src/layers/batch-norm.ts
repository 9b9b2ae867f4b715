import type { Tensor } from '@kindling/tensor';
import { batchNorm } from '../functional/normalization.js';
import { fmt } from './factory.js';
import { NormBase, type NormOptions } from './norm-base.js';

abstract class BatchNormBase extends NormBase {
  protected abstract readonly ranks: readonly number[];

  constructor(numFeatures: number, o: NormOptions = {}) {
    super(numFeatures, o, { affine: true, trackRunningStats: true });
  }

  override forward(input: Tensor): Tensor {
    this.checkInput(input, this.ranks, 1);
    if (this.training && input.numel() / Math.max(this.numFeatures, 1) <= 1) {
      // checked before num_batches_tracked moves, so a failed call changes nothing
      throw new RangeError(
        `Expected more than 1 value per channel when training, got input size ${fmt(input.shape)}`,
      );
    }
    let factor: number | Tensor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats) {
      const nbt = this.numBatchesTracked;
      if (nbt) {
        nbt.add_(1);
        // momentum null: cumulative moving average, 1 / num_batches_tracked
        if (this.momentum === null)
          factor = nbt.to(input.isFloatingPoint() ? input.dtype : 'float32').reciprocal();
      }
    }
    const useBatchStats = this.training || (this.runningMean === null && this.runningVar === null);
    const track = !this.training || this.trackRunningStats;
    return batchNorm(input, track ? this.runningMean : null, track ? this.runningVar : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }
}

/**
 * Batch normalisation over the C features of (N, C) or (N, C, L) (torch.nn.BatchNorm1d):
 * y = (x − E[x]) / √(Var[x] + eps) · γ + β. In training it uses the batch statistics and updates
 * running_mean / running_var (unbiased variance) with `momentum` (null: cumulative average); in
 * eval it uses the running statistics.
 *
 * Input: (N, C) or (N, C, L). Output: same shape.
 *
 * @example
 * const bn = new BatchNorm1d(100, { momentum: null });
 * bn.call(randn(20, 100));
 */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
}

/**
 * Batch normalisation over the channels of (N, C, H, W) (torch.nn.BatchNorm2d); see BatchNorm1d.
 *
 * Input: (N, C, H, W). Output: same shape.
 *
 * @example
 * const bn = new BatchNorm2d(16, { affine: false });
 * bn.call(randn(8, 16, 32, 32));
 */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
}

/**
 * Batch normalisation over the channels of (N, C, D, H, W) (torch.nn.BatchNorm3d); see BatchNorm1d.
 *
 * Input: (N, C, D, H, W). Output: same shape.
 *
 * @example
 * new BatchNorm3d(4).call(randn(2, 4, 3, 8, 8));
 */
export class BatchNorm3d extends BatchNormBase {
  protected readonly ranks = [5];
}
