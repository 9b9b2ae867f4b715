export {
  type AdaptiveLogSoftmaxWithLossOptions,
  AdaptiveLogSoftmaxWithLoss,
  type ASMOutput,
} from './adaptive.js';
export { straightThrough } from './custom-grad.js';
export {
  type BCEOptions,
  type BCEWithLogitsOptions,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
} from './functional/binary.js';
export {
  type CrossEntropyOptions,
  crossEntropy,
  type NLLLossOptions,
  nllLoss,
} from './functional/classification.js';
export { type CTCLossOptions, ctcLoss, type Lengths } from './functional/ctc.js';
export {
  cosineEmbeddingLoss,
  type DistanceFunction,
  hingeEmbeddingLoss,
  type MarginOptions,
  marginRankingLoss,
  type MultiMarginOptions,
  multilabelMarginLoss,
  multilabelSoftMarginLoss,
  multiMarginLoss,
  softMarginLoss,
  type TripletMarginOptions,
  type TripletMarginWithDistanceOptions,
  tripletMarginLoss,
  tripletMarginWithDistanceLoss,
  type WeightedOptions,
} from './functional/margin.js';
export {
  type GaussianNLLOptions,
  gaussianNllLoss,
  type KLDivOptions,
  klDiv,
  type PoissonNLLOptions,
  poissonNllLoss,
} from './functional/probabilistic.js';
export {
  type HuberOptions,
  huberLoss,
  l1Loss,
  mseLoss,
  type SmoothL1Options,
  smoothL1Loss,
} from './functional/regression.js';
export * from './modules.js';
export type { Reduction, ReductionOptions } from './reduction.js';
