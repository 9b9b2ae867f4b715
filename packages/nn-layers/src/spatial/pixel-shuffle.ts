/** Channel ↔ space rearrangement layers: PixelShuffle, PixelUnshuffle, ChannelShuffle. */
import type { Tensor } from '@kindling/tensor';
import { Module } from '../module.js';
import { channelShuffle, pixelShuffle, pixelUnshuffle } from './functional/pixel.js';
import { renamed } from './renamed-error.js';

function positiveInt(name: string, what: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0)
    throw new RangeError(`${name}: ${what} must be a positive integer, got ${v}`);
  return v;
}

/**
 * Rearranges (*, C·r², H, W) into (*, C, H·r, W·r): sub-pixel convolution upsampling (Shi et al., 2016).
 * @example
 * new PixelShuffle(3).call(randn(1, 9, 4, 4)).shape; // [1, 1, 12, 12]
 */
export class PixelShuffle extends Module {
  readonly upscaleFactor: number;

  constructor(upscaleFactor: number) {
    super();
    this.upscaleFactor = positiveInt(this._getName(), 'upscaleFactor', upscaleFactor);
  }

  override forward(input: Tensor): Tensor {
    return renamed(this._getName(), 'pixel_shuffle', () => pixelShuffle(input, this.upscaleFactor));
  }

  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/**
 * Reverses PixelShuffle: (*, C, H·r, W·r) → (*, C·r², H, W).
 * @example
 * new PixelUnshuffle(3).call(randn(1, 1, 12, 12)).shape; // [1, 9, 4, 4]
 */
export class PixelUnshuffle extends Module {
  readonly downscaleFactor: number;

  constructor(downscaleFactor: number) {
    super();
    this.downscaleFactor = positiveInt(this._getName(), 'downscaleFactor', downscaleFactor);
  }

  override forward(input: Tensor): Tensor {
    return renamed(this._getName(), 'pixel_unshuffle', () => pixelUnshuffle(input, this.downscaleFactor));
  }

  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

/**
 * Splits the channels of (N, C, *) into `groups` groups and interleaves them (ShuffleNet):
 * channel g·(C/g) + i goes to i·g + g.
 * @example
 * new ChannelShuffle(2).call(x); // channels [0, 1, 2, 3] → [0, 2, 1, 3]
 */
export class ChannelShuffle extends Module {
  readonly groups: number;

  constructor(groups: number) {
    super();
    this.groups = positiveInt(this._getName(), 'groups', groups);
  }

  override forward(input: Tensor): Tensor {
    return renamed(this._getName(), 'channel_shuffle', () => channelShuffle(input, this.groups));
  }

  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}
