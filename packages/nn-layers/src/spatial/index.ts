/**
 * The spatial layers of @kindling/nn-layers: convolution, pooling, padding, upsampling, pixel
 * shuffles, fold/unfold and distances, with their torch.nn.functional twins.
 */
export * from './adaptive-pool.js';
export * from './conv.js';
export * from './distance.js';
export * from './fold.js';
export * from './fractional-max-pool.js';
export * from './functional/index.js';
export * from './lazy-conv.js';
export * from './padding.js';
export * from './pixel-shuffle.js';
export * from './pooling.js';
export * from './upsample.js';
export type { Size } from './ntuple.js';
