/** Distance layers: CosineSimilarity and PairwiseDistance (torch.nn.modules.distance). */
import type { Tensor } from '@kindling/tensor';
import { Module } from '../module.js';
import { cosineSimilarity, pairwiseDistance } from './functional/distance.js';
import { renamed } from './renamed-error.js';

/**
 * Cosine similarity along `dim`: x1·x2 / max(‖x1‖·‖x2‖, eps). Inputs (*1, D, *2) (broadcastable)
 * → (*1, *2).
 * @example
 * new CosineSimilarity({ dim: 1, eps: 1e-6 }).call(randn(100, 128), randn(100, 128)).shape; // [100]
 */
export class CosineSimilarity extends Module {
  readonly dim: number;
  readonly eps: number;

  constructor(opts: { dim?: number; eps?: number } = {}) {
    super();
    this.dim = opts.dim ?? 1;
    this.eps = opts.eps ?? 1e-8;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return renamed(this._getName(), 'cosine_similarity', () =>
      cosineSimilarity(x1, x2, { dim: this.dim, eps: this.eps }),
    );
  }
}

/**
 * The p-norm distance between rows: ‖x1 − x2 + eps‖_p over the last dim. Inputs (N, D) or (D)
 * (broadcastable) → (N) or (), or (N, 1) / (1) with keepdim.
 * @example
 * new PairwiseDistance({ p: 2 }).call(randn(100, 128), randn(100, 128)).shape; // [100]
 */
export class PairwiseDistance extends Module {
  readonly normType: number;
  readonly eps: number;
  readonly keepdim: boolean;

  constructor(opts: { p?: number; eps?: number; keepdim?: boolean } = {}) {
    super();
    this.normType = opts.p ?? 2;
    this.eps = opts.eps ?? 1e-6;
    this.keepdim = opts.keepdim ?? false;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return renamed(this._getName(), 'pairwise_distance', () =>
      pairwiseDistance(x1, x2, { p: this.normType, eps: this.eps, keepdim: this.keepdim }),
    );
  }
}
