/** The spatial functionals, with torch.nn.functional's names in camelCase. */
export {
  type ConvOptions,
  type ConvTransposeOptions,
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  convTransposeOutputPadding,
} from './conv.js';
export {
  type CosineSimilarityOptions,
  cosineSimilarity,
  type PairwiseDistanceOptions,
  pairwiseDistance,
} from './distance.js';
export { type FoldOptions, fold, unfold } from './fold.js';
export {
  type FractionalMaxPoolOptions,
  fractionalIntervals,
  fractionalMaxPool2d,
  fractionalMaxPool3d,
} from './fractional.js';
export {
  type InterpolateMode,
  type InterpolateOptions,
  interpolate,
  upsample,
  upsampleBilinear,
  upsampleNearest,
} from './interpolate.js';
export { type PadMode, type PadOptions, pad } from './pad.js';
export { channelShuffle, nativeChannelShuffle, pixelShuffle, pixelUnshuffle } from './pixel.js';
export {
  type AdaptiveMaxPoolOptions,
  type AdaptiveSize,
  type AvgPoolOptions,
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveAvgPool3d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  adaptiveMaxPool3d,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  type LPPoolOptions,
  lpPool1d,
  lpPool2d,
  lpPool3d,
  type MaxPoolOptions,
  type MaxUnpoolOptions,
  maxPool1d,
  maxPool2d,
  maxPool3d,
  maxUnpool1d,
  maxUnpool2d,
  maxUnpool3d,
} from './pool.js';
