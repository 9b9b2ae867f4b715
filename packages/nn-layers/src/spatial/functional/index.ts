/** The spatial functionals, with PyTorch's torch.nn.functional names in camelCase. */
export * from './conv.js';
export * from './distance.js';
export * from './fold.js';
export * from './fractional.js';
export * from './interpolate.js';
export * from './pad.js';
export * from './pixel.js';
export * from './pool.js';
