/** dropout, dropout1d/2d/3d, alphaDropout, featureAlphaDropout (torch.nn.functional). */
import { type Generator, rand, type Tensor } from '@kindling/tensor';
import { maybeInplace } from './inplace.js';
import { opts } from './positional-options.js';
import { shapeStr } from './shape-str.js';

export interface DropoutOptions {
  /** Probability of an element (a channel, for the feature variants) being zeroed. Default 0.5. */
  p?: number;
  /** Default true; false makes it the identity. */
  training?: boolean;
  inplace?: boolean;
  generator?: Generator;
}

function checkP(p: number): void {
  if (!(p >= 0 && p <= 1))
    throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
}

/** A 0/1 mask (keep with probability 1 − p) of `shape`, in x's dtype and device. */
function keepMask(x: Tensor, shape: readonly number[], p: number, generator?: Generator): Tensor {
  const dtype = x.isFloatingPoint() ? x.dtype : 'float32';
  return rand([...shape], { dtype, device: x.device, generator })
    .lt(1 - p)
    .to(dtype);
}

/** The mask shape of feature (channel) dropout: [N, C, 1, ...]. */
const featureShape = (x: Tensor) => x.shape.map((s, i) => (i < 2 ? s : 1));

function plain(x: Tensor, o: DropoutOptions, feature: boolean): Tensor {
  const { p = 0.5, training = true, inplace, generator } = o;
  checkP(p);
  if (p === 0 || !training || x.numel() === 0) return x;
  return maybeInplace(x, inplace, (t) => {
    if (p === 1) return t.mul(0);
    const mask = keepMask(t, feature ? featureShape(t) : t.shape, p, generator);
    return t.mul(mask.div(1 - p));
  });
}

const ALPHA = 1.7580993408473766;

function alpha(x: Tensor, o: DropoutOptions, feature: boolean): Tensor {
  const { p = 0.5, training = false, inplace, generator } = o;
  checkP(p);
  if (p === 0 || !training || x.numel() === 0) return x;
  return maybeInplace(x, inplace, (t) => {
    if (p === 1) return t.mul(0);
    const keep = keepMask(t, feature ? featureShape(t) : t.shape, p, generator);
    const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
    // kept: a·x + a·α·p; dropped: a·α·p − a·α (PyTorch's alpha_dropout)
    const b = keep
      .sub(1)
      .mul(ALPHA * a)
      .add(ALPHA * a * p);
    return t.mul(keep.mul(a)).add(b);
  });
}

/** Zero each element with probability p and scale the rest by 1/(1 − p). */
export function dropout(x: Tensor, o?: number | DropoutOptions): Tensor {
  return plain(x, opts<DropoutOptions>(o, 'p'), false);
}

function featureRank(where: string, x: Tensor, ranks: readonly number[], spatial: string): void {
  if (!ranks.includes(x.ndim)) {
    throw new RangeError(
      `${where}: Expected ${ranks[0]}D or ${ranks[1]}D input, but received a ${x.ndim}D input ${shapeStr(x)}. Note that ${where} exists to provide channel-wise dropout on inputs with ${spatial}, a channel dimension, and an optional batch dimension (i.e. ${ranks[0]}D or ${ranks[1]}D inputs).`,
    );
  }
}

function batched(x: Tensor, batchedRank: number, f: (x: Tensor) => Tensor): Tensor {
  if (x.ndim === batchedRank) return f(x);
  return f(x.unsqueeze(0)).squeeze(0);
}

/** Zero whole channels of [N, C, L] or [C, L]. */
export function dropout1d(x: Tensor, o?: number | DropoutOptions): Tensor {
  featureRank('dropout1d', x, [2, 3], '1 spatial dimension');
  const op = opts<DropoutOptions>(o, 'p');
  if (op.inplace && x.ndim === 2)
    return maybeInplace(x, true, (t) => batched(t, 3, (b) => plain(b, { ...op, inplace: false }, true)));
  return batched(x, 3, (b) => plain(b, op, true));
}

/** Zero whole channels of [N, C, H, W] (a 3-D input is taken as [N, C, L], as PyTorch does). */
export function dropout2d(x: Tensor, o?: number | DropoutOptions): Tensor {
  featureRank('dropout2d', x, [3, 4], '2 spatial dimensions');
  return plain(x, opts<DropoutOptions>(o, 'p'), true);
}

/** Zero whole channels of [N, C, D, H, W] or [C, D, H, W]. */
export function dropout3d(x: Tensor, o?: number | DropoutOptions): Tensor {
  featureRank('dropout3d', x, [4, 5], '3 spatial dimensions');
  const op = opts<DropoutOptions>(o, 'p');
  if (op.inplace && x.ndim === 4)
    return maybeInplace(x, true, (t) => batched(t, 5, (b) => plain(b, { ...op, inplace: false }, true)));
  return batched(x, 5, (b) => plain(b, op, true));
}

/** Dropout that keeps the self-normalising property of SELU nets (mean 0, variance 1). training defaults to false, as in PyTorch. */
export function alphaDropout(x: Tensor, o?: number | DropoutOptions): Tensor {
  return alpha(x, opts<DropoutOptions>(o, 'p'), false);
}

/** alphaDropout over whole channels. training defaults to false, as in PyTorch. */
export function featureAlphaDropout(x: Tensor, o?: number | DropoutOptions): Tensor {
  if (x.ndim < 2)
    throw new RangeError(`feature_alpha_dropout: expected an input of at least 2 dims, got ${shapeStr(x)}`);
  return alpha(x, opts<DropoutOptions>(o, 'p'), true);
}
