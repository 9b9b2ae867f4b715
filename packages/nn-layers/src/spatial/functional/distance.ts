/** Distance functionals: cosine similarity and pairwise p-norm distance. */
import { fmtShape, normDim } from '@kindling/ops';
import type { Tensor } from '@kindling/tensor';

/** Options of {@link cosineSimilarity}. */
export interface CosineSimilarityOptions {
  /** The dim the vectors lie along. Default 1. */
  dim?: number;
  /** Lower bound of the norm product, avoiding division by zero. Default 1e-8. */
  eps?: number;
}

function broadcastShape(where: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[i - (n - a.length)] ?? 1;
    const y = b[i - (n - b.length)] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new RangeError(
        `${where}: the shapes of x1 ${fmtShape(a)} and x2 ${fmtShape(b)} cannot be broadcast together (dim ${i}: ${x} vs ${y})`,
      );
    }
    return Math.max(x, y);
  });
}

/**
 * F.cosine_similarity: x1·x2 / √(max(‖x1‖², eps²)·max(‖x2‖², eps²)) along `dim`. x1 and x2
 * broadcast to a common shape (*1, D, *2); the output is (*1, *2).
 * @example cosineSimilarity(a, b, { dim: 1 }) // [4, 5], [4, 5] → [4]
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, opts: CosineSimilarityOptions = {}): Tensor {
  const where = 'cosine_similarity';
  const shape = broadcastShape(where, x1.shape, x2.shape);
  const d = normDim(opts.dim ?? 1, shape.length, where);
  const eps = opts.eps ?? 1e-8;
  const a = x1.expand(shape);
  const b = x2.expand(shape);
  const w12 = a.mul(b).sum(d);
  const w1 = clampStraightThrough(a.mul(a).sum(d), eps * eps);
  const w2 = clampStraightThrough(b.mul(b).sum(d), eps * eps);
  return w12.div(w1.mul(w2).sqrt());
}

/**
 * max(w, lo) in the forward pass with the gradient of w: PyTorch 1.13 clamps each squared norm
 * in place under no_grad, so a norm below eps still passes its gradient.
 */
function clampStraightThrough(w: Tensor, lo: number): Tensor {
  const raw = w.detach();
  return w.add(raw.clamp(lo).sub(raw));
}

/** Options of {@link pairwiseDistance}. */
export interface PairwiseDistanceOptions {
  /** The norm degree. Default 2. */
  p?: number;
  /** Added to the difference, avoiding a zero norm. Default 1e-6. */
  eps?: number;
  /** Keep the reduced last dim (as size 1). Default false. */
  keepdim?: boolean;
}

/**
 * F.pairwise_distance: ‖x1 − x2 + eps‖_p over the last dim. (N, D) or (D) inputs (broadcast) →
 * (N) or (), with keepdim (N, 1) or (1).
 * @example pairwiseDistance(a, b, { p: 1 }) // [3, 6], [3, 6] → [3]
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, opts: PairwiseDistanceOptions = {}): Tensor {
  const where = 'pairwise_distance';
  const shape = broadcastShape(where, x1.shape, x2.shape);
  if (shape.length === 0)
    throw new RangeError(
      `${where}: expected inputs with at least 1 dimension, got ${fmtShape(x1.shape)} and ${fmtShape(x2.shape)}`,
    );
  const p = opts.p ?? 2;
  return x1
    .sub(x2)
    .add(opts.eps ?? 1e-6)
    .norm(p, shape.length - 1, !!opts.keepdim);
}
