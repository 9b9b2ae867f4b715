import type { Tensor } from '@kindling/tensor';
import { warnOnce } from './common.js';

/** PyTorch's `reduction` argument. */
export type Reduction = 'none' | 'mean' | 'sum';

/** The reduction keywords every loss takes, legacy `sizeAverage` / `reduce` included. */
export interface ReductionOptions {
  /** 'none' | 'mean' | 'sum' (default 'mean'). */
  reduction?: Reduction;
  /** Deprecated (PyTorch's size_average): overrides `reduction` when given. */
  sizeAverage?: boolean | null;
  /** Deprecated (PyTorch's reduce): overrides `reduction` when given. */
  reduce?: boolean | null;
}

/** PyTorch's `_Reduction.legacy_get_string`. */
export function legacyReduction(
  sizeAverage: boolean | null | undefined,
  reduce: boolean | null | undefined,
): Reduction {
  const sa = sizeAverage ?? true;
  const r = reduce ?? true;
  const ret: Reduction = sa && r ? 'mean' : r ? 'sum' : 'none';
  warnOnce(
    'legacy',
    `sizeAverage and reduce args will be deprecated, please use reduction: '${ret}' instead.`,
  );
  return ret;
}

/**
 * The effective reduction: the legacy pair when either is given, else `reduction` (validated).
 * `extra` lists additional accepted values ('batchmean' for KLDivLoss).
 */
export function resolveReduction<E extends string = never>(
  where: string,
  opts: { reduction?: string; sizeAverage?: boolean | null; reduce?: boolean | null } | undefined,
  extra: readonly E[] = [],
): Reduction | E {
  const o = opts ?? {};
  if (o.sizeAverage != null || o.reduce != null) return legacyReduction(o.sizeAverage, o.reduce);
  return checkReduction(where, o.reduction ?? 'mean', extra);
}

/** Validate a reduction string (PyTorch's `_Reduction.get_enum`). */
export function checkReduction<E extends string = never>(
  where: string,
  reduction: unknown,
  extra: readonly E[] = [],
): Reduction | E {
  if (reduction === 'elementwise_mean') {
    warnOnce(
      'elementwise_mean',
      "reduction='elementwise_mean' is deprecated, please use reduction='mean' instead.",
    );
    return 'mean';
  }
  if (reduction === 'none' || reduction === 'mean' || reduction === 'sum') return reduction;
  if ((extra as readonly unknown[]).includes(reduction)) return reduction as E;
  const valid = ["'none'", "'mean'", "'sum'", ...extra.map((e) => `'${e}'`)].join(', ');
  throw new RangeError(
    `${where}: ${JSON.stringify(reduction)} is not a valid value for reduction (expected one of ${valid})`,
  );
}

/** PyTorch's apply_loss_reduction. */
export function applyReduction(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  return loss.mean();
}
