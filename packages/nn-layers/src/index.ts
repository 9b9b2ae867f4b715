/**
 * @kindling/nn-layers: Module, Parameter, the containers, nn.init, the functional twins and the
 * torch.nn layers (the spatial ones live in ./spatial).
 */
export { Module, type NamedOptions, type StateDictOptions } from './module.js';
export { Parameter, UninitializedParameter, isUninitialized } from './parameter.js';
export {
  RemovableHandle,
  type BackwardHook,
  type BackwardPreHook,
  type ForwardHook,
  type ForwardPreHook,
} from './hooks.js';
export type { LoadResult, LoadStateDictOptions, StateDictLike } from './state-dict.js';

export { Sequential } from './containers/sequential.js';
export { ModuleList } from './containers/module-list.js';
export { ModuleDict } from './containers/module-dict.js';
export { ParameterList } from './containers/parameter-list.js';
export { ParameterDict } from './containers/parameter-dict.js';

export * as init from './init.js';
export * from './init.js';

export * as F from './functional/index.js';
export * as functional from './functional/index.js';
export {
  alphaDropout,
  bilinear,
  celu,
  dropout,
  dropout1d,
  dropout2d,
  dropout3d,
  elu,
  embedding,
  embeddingBag,
  featureAlphaDropout,
  gelu,
  glu,
  groupNorm,
  hardshrink,
  hardsigmoid,
  hardswish,
  hardtanh,
  instanceNorm,
  layerNorm,
  leakyRelu,
  linear,
  localResponseNorm,
  logsigmoid,
  mish,
  normalize,
  prelu,
  relu6,
  rmsNorm,
  rrelu,
  selu,
  silu,
  softmin,
  softplus,
  softshrink,
  softsign,
  tanhshrink,
  threshold,
  batchNorm,
} from './functional/index.js';

export { Bilinear, Identity, Linear, type LinearOptions } from './layers/linear.js';
export { LazyLinear } from './layers/lazy-linear.js';
export { Hardtanh, LeakyReLU, PReLU, ReLU, ReLU6, RReLU, Threshold } from './layers/activation-rectifier.js';
export { CELU, ELU, GELU, Mish, SELU, SiLU, Softplus } from './layers/activation-smooth.js';
export {
  Hardshrink,
  Hardsigmoid,
  Hardswish,
  LogSigmoid,
  Sigmoid,
  Softshrink,
  Softsign,
  Tanh,
  Tanhshrink,
} from './layers/activation-squash.js';
export { GLU, LogSoftmax, Softmax, Softmax2d, Softmin } from './layers/activation-softmax.js';
export { NormBase, type NormOptions } from './layers/norm-base.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d } from './layers/batch-norm.js';
export { InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from './layers/instance-norm.js';
export { LayerNorm, RMSNorm } from './layers/layer-norm.js';
export { GroupNorm, LocalResponseNorm } from './layers/group-norm.js';
export {
  AlphaDropout,
  Dropout,
  Dropout1d,
  Dropout2d,
  Dropout3d,
  FeatureAlphaDropout,
} from './layers/dropout.js';
export { Embedding, type EmbeddingOptions } from './layers/embedding.js';
export { EmbeddingBag, type EmbeddingBagOptions } from './layers/embedding-bag.js';
export { Flatten, Unflatten } from './layers/flatten.js';
export type { FactoryOptions } from './layers/factory.js';

export * from './spatial/index.js';
