/** Channel ↔ space rearrangements: pixel shuffle/unshuffle and channel shuffle (pure views and copies). */
import { fmtShape } from '@kindling/ops';
import type { Tensor } from '@kindling/tensor';

function checkFactor(where: string, name: string, r: number) {
  if (!Number.isInteger(r) || r <= 0)
    throw new RangeError(`${where}: ${name} must be a positive integer, got ${r}`);
}

/**
 * F.pixel_shuffle: (*, C·r², H, W) → (*, C, H·r, W·r).
 * @example pixelShuffle(x, 3) // [1, 9, 4, 4] → [1, 1, 12, 12]
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  const where = 'pixel_shuffle';
  checkFactor(where, 'upscale_factor', upscaleFactor);
  if (x.ndim < 3) {
    throw new RangeError(
      `${where}: expected input to have at least 3 dimensions (*, C·r², H, W), but got input of shape ${fmtShape(x.shape)}`,
    );
  }
  const r = upscaleFactor;
  const nd = x.ndim;
  const [c, h, w] = x.shape.slice(nd - 3);
  if (c % (r * r) !== 0) {
    throw new RangeError(
      `${where}: expected the channel dimension (size(-3) = ${c}) to be divisible by upscale_factor² = ${r * r}, but got input of shape ${fmtShape(x.shape)}`,
    );
  }
  const batch = x.shape.slice(0, nd - 3);
  const b = batch.length;
  const oc = c / (r * r);
  // [*, oc, r, r, h, w] → [*, oc, h, r, w, r]
  const perm = [...batch.map((_, i) => i), b, b + 3, b + 1, b + 4, b + 2];
  return x
    .reshape([...batch, oc, r, r, h, w])
    .permute(perm)
    .reshape([...batch, oc, h * r, w * r]);
}

/**
 * F.pixel_unshuffle: (*, C, H·r, W·r) → (*, C·r², H, W), the inverse of pixel_shuffle.
 * @example pixelUnshuffle(x, 2) // [2, 2, 4, 6] → [2, 8, 2, 3]
 */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  const where = 'pixel_unshuffle';
  checkFactor(where, 'downscale_factor', downscaleFactor);
  if (x.ndim < 3) {
    throw new RangeError(
      `${where}: expected input to have at least 3 dimensions (*, C, H·r, W·r), but got input of shape ${fmtShape(x.shape)}`,
    );
  }
  const r = downscaleFactor;
  const nd = x.ndim;
  const [c, h, w] = x.shape.slice(nd - 3);
  if (h % r !== 0 || w % r !== 0) {
    throw new RangeError(
      `${where}: expected height (${h}) and width (${w}) to be divisible by downscale_factor = ${r}, but got input of shape ${fmtShape(x.shape)}`,
    );
  }
  const batch = x.shape.slice(0, nd - 3);
  const b = batch.length;
  const oh = h / r;
  const ow = w / r;
  // [*, c, oh, r, ow, r] → [*, c, r, r, oh, ow]
  const perm = [...batch.map((_, i) => i), b, b + 2, b + 4, b + 1, b + 3];
  return x
    .reshape([...batch, c, oh, r, ow, r])
    .permute(perm)
    .reshape([...batch, c * r * r, oh, ow]);
}

/**
 * F.channel_shuffle: (N, C, *) → (N, C, *), channels regrouped as [g, C/g] → [C/g, g] (ShuffleNet).
 * @example channelShuffle(x, 2) // channels 0 1 2 3 → 0 2 1 3
 */
export function channelShuffle(x: Tensor, groups: number): Tensor {
  const where = 'channel_shuffle';
  if (!Number.isInteger(groups) || groups <= 0)
    throw new RangeError(`${where}: number of groups must be a positive integer, got ${groups}`);
  if (x.ndim < 3) {
    throw new RangeError(
      `${where}: expected input to have at least 3 dimensions (N, C, *), but got input of shape ${fmtShape(x.shape)}`,
    );
  }
  const c = x.shape[1];
  if (c % groups !== 0) {
    throw new RangeError(
      `${where}: number of channels (${c}) must be divisible by groups (${groups}), input of shape ${fmtShape(x.shape)}`,
    );
  }
  const rest = x.shape.slice(2);
  return x
    .reshape([x.shape[0], groups, c / groups, ...rest])
    .transpose(1, 2)
    .reshape(x.shape);
}

/** F.native_channel_shuffle: the same as channelShuffle. */
export const nativeChannelShuffle = channelShuffle;
