export { customOp, enableGrad, grad, gradcheck, isGradEnabled, noGrad } from '@kindling/autograd';
export type { Backend, Device, DType, TypedArray } from '@kindling/ops';
export {
  arange,
  bernoulli,
  empty,
  emptyLike,
  eye,
  type FromDataOptions,
  full,
  fullLike,
  linspace,
  type NestedData,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './creation.js';
export { dispatch } from './dispatch.js';
export { type FusedAttentionOptions, fusedAttention, fusedAttentionBackward } from './fns/attention.js';
export { addmm, baddbmm, bmm, dot, matmul, mm, mv, outer } from './fns/linalg.js';
export {
  fusedGruCell,
  fusedGruCellBackward,
  fusedLstmCell,
  fusedLstmCellBackward,
  fusedRnnCell,
  fusedRnnCellBackward,
} from './fns/rnn-cells.js';
export {
  type ConvOptions,
  type ConvTransposeOptions,
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
} from './fns/conv.js';
export {
  type AvgPoolOptions,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  type MaxPoolOptions,
  maxPool1d,
  maxPool2d,
  maxPool3d,
} from './fns/pool.js';
export { pad, type PadMode, type PadOptions } from './fns/pad.js';
export { cat, chunk, split, stack, unbind } from './fns/shape.js';
export type { Size } from './fns/window.js';
export { pooledSize } from './fns/window.js';
export * from './functional.js';
export { defaultGenerator, Generator, manualSeed } from './random.js';
export { getBackend, hasBackend, registerBackend, registeredDevices, unregisterBackend } from './registry.js';
export { keep, scope } from './scope.js';
export { Tensor, type TensorLike } from './tensor.js';
export { memoryStats } from './memory.js';
