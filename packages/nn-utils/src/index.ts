/**
 * @kindling/nn-utils: torch.nn.utils for Kindling: gradient clipping, parameter vectors,
 * weight / spectral normalisation, parametrizations, pruning, functionalCall and conv-bn fusion.
 */
export { type ClipGradNormOptions, clipGradNorm_, clipGradNormAsync_, clipGradValue_ } from './clip-grad.js';
export { parametersToVector, vectorToParameters } from './convert-parameters.js';
export { type FunctionalCallOptions, functionalCall } from './functional-call.js';
export { fuseConvBnEval, fuseConvBnWeights, fuseLinearBnEval, fuseLinearBnWeights } from './fusion.js';
export { householderProduct, matrixExp } from './linalg.js';
export type { TensorOrTensors } from './params.js';
export {
  cached,
  isParametrized,
  type Parametrization,
  ParametrizationList,
  type RegisterParametrizationOptions,
  registerParametrization,
  removeParametrizations,
} from './parametrize.js';
export * as parametrize from './parametrize.js';
export { orthogonal, type OrthogonalMap, type OrthogonalOptions } from './parametrizations.js';
export * as parametrizations from './parametrizations.js';
export * as prune from './prune.js';
export { removeSpectralNorm, spectralNorm, type SpectralNormOptions } from './spectral-norm.js';
export { normExceptDim, removeWeightNorm, weightNorm } from './weight-norm.js';
