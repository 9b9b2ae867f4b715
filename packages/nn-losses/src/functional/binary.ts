import type { Tensor } from '@kindling/tensor';
import {
  broadcastShapes,
  fmtShape,
  like,
  readSync,
  requireFloat,
  requireTensor,
  sameShape,
} from '../common.js';
import { customOp } from '../custom-grad.js';
import { applyReduction, type ReductionOptions, resolveReduction } from '../reduction.js';

export interface BCEOptions extends ReductionOptions {
  /** A rescaling weight, broadcast against the input. */
  weight?: Tensor | null;
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /** A weight of positive examples, broadcast against the input (e.g. one per class, last dim). */
  posWeight?: Tensor | null;
}

function checkBroadcastsTo(where: string, name: string, t: Tensor, shape: readonly number[]): void {
  const b = broadcastShapes(where, t.shape, shape);
  if (!sameShape(b, shape)) {
    throw new RangeError(
      `${where}: ${name} of shape ${fmtShape(t.shape)} cannot be broadcast to the input's shape ${fmtShape(shape)}`,
    );
  }
}

/**
 * F.binary_cross_entropy: -(t log x + (1 - t) log(1 - x)), each log clamped to >= -100 as PyTorch
 * does; the gradient is PyTorch's closed form (x - t) / max(x (1 - x), 1e-12) (and -logit(x) for
 * the target), so inputs of exactly 0 or 1 give finite gradients.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BCEOptions = {}): Tensor {
  const where = 'binaryCrossEntropy';
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input', input);
  requireFloat(where, 'target', target);
  const reduction = resolveReduction(where, opts);
  if (!sameShape(input.shape, target.shape)) {
    throw new RangeError(
      `${where}: Using a target size (${fmtShape(target.shape)}) that is different to the input size (${fmtShape(input.shape)}) is deprecated. Please ensure they have the same size.`,
    );
  }
  if (opts.weight != null) {
    requireTensor(where, 'weight', opts.weight);
    requireFloat(where, 'weight', opts.weight);
    checkBroadcastsTo(where, 'weight', opts.weight, input.shape);
  }
  const xs = readSync(input);
  if (xs) {
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i];
      if (!(v >= 0 && v <= 1))
        throw new RangeError(`${where}: all elements of input should be between 0 and 1 (found ${v})`);
    }
  }
  const t = like(target, input);
  const w = opts.weight ? like(opts.weight, input) : null;
  const loss = customOp(
    'BinaryCrossEntropyBackward0',
    [input, target],
    () => {
      const l = t
        .sub(1)
        .mul(input.neg().log1p().clamp(-100))
        .sub(t.mul(input.log().clamp(-100)));
      return w ? l.mul(w) : l;
    },
    (g) => {
      let gi = input.sub(t).div(input.neg().add(1).mul(input).clamp(1e-12)).mul(g);
      let gt = input.neg().log1p().sub(input.log()).mul(g); // -logit(x)
      if (w) {
        gi = gi.mul(w);
        gt = gt.mul(w);
      }
      return [gi, gt];
    },
  );
  return applyReduction(loss, reduction);
}

/** log(1 + exp(z)) without overflow; maximum's tie rule gives the exact gradient 1/2 at 0. */
export function softplus(z: Tensor): Tensor {
  return z.maximum(0).add(z.abs().neg().exp().log1p());
}

/** log(sigmoid(x)) = -softplus(-x), stable for every x. */
export function logSigmoid(x: Tensor): Tensor {
  return x.minimum(0).sub(x.abs().neg().exp().log1p());
}

/**
 * F.binary_cross_entropy_with_logits: (1 - t) x + (1 + (p - 1) t) softplus(-x), times weight;
 * stable for any logit, with PyTorch's closed-form gradients.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: BCEWithLogitsOptions = {},
): Tensor {
  const where = 'binaryCrossEntropyWithLogits';
  requireTensor(where, 'input', input);
  requireTensor(where, 'target', target);
  requireFloat(where, 'input', input);
  requireFloat(where, 'target', target);
  const reduction = resolveReduction(where, opts);
  if (!sameShape(input.shape, target.shape)) {
    throw new RangeError(
      `${where}: Target size (${fmtShape(target.shape)}) must be the same as input size (${fmtShape(input.shape)})`,
    );
  }
  for (const [name, v] of [
    ['weight', opts.weight],
    ['posWeight', opts.posWeight],
  ] as const) {
    if (v == null) continue;
    requireTensor(where, name, v);
    requireFloat(where, name, v);
    checkBroadcastsTo(where, name, v, input.shape);
  }
  const t = like(target, input);
  const w = opts.weight ? like(opts.weight, input) : null;
  const pw = opts.posWeight ? like(opts.posWeight, input) : null;
  const loss = customOp(
    'BinaryCrossEntropyWithLogitsBackward0',
    [input, target],
    () => {
      const sp = softplus(input.neg());
      const lw = pw ? pw.sub(1).mul(t).add(1) : null;
      let l = t
        .neg()
        .add(1)
        .mul(input)
        .add(lw ? lw.mul(sp) : sp);
      if (w) l = l.mul(w);
      return l;
    },
    (g) => {
      const sig = input.sigmoid();
      let gi: Tensor;
      let gt: Tensor;
      if (pw) {
        const pt = pw.mul(t);
        gi = pt.add(1).sub(t).mul(sig).sub(pt);
        gt = input.neg().add(pw.sub(1).mul(softplus(input.neg())));
      } else {
        gi = sig.sub(t);
        gt = input.neg();
      }
      gi = gi.mul(g);
      gt = gt.mul(g);
      if (w) {
        gi = gi.mul(w);
        gt = gt.mul(w);
      }
      return [gi, gt];
    },
  );
  return applyReduction(loss, reduction);
}
