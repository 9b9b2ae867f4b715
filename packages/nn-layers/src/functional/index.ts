/** torch.nn.functional for the non-spatial layers (names in camelCase). */
export * from './activation.js';
export * from './dropout.js';
export * from './embedding.js';
export * from './linear.js';
export * from './normalization.js';
export * from './shape.js';
export * from './softmax.js';
export { maybeInplace } from './inplace.js';
