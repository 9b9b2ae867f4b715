/**
 * @kindling/nn-transformer: scaledDotProductAttention, MultiheadAttention and the Transformer
 * encoder/decoder stack (torch.nn's attention area), with PyTorch's parameter names, defaults
 * and call conventions.
 */
export type { Activation, ActivationFn } from './activation.js';
export { cloneModule } from './clone.js';
export {
  TransformerDecoder,
  TransformerDecoderLayer,
  type TransformerDecoderLayerForwardOptions,
  type TransformerDecoderOptions,
} from './decoder.js';
export {
  TransformerEncoder,
  TransformerEncoderLayer,
  type TransformerEncoderLayerForwardOptions,
  type TransformerEncoderOptions,
  type TransformerLayerOptions,
} from './encoder.js';
export { canonicalMask, generateSquareSubsequentMask } from './mask.js';
export { type MultiHeadAttentionForwardOptions, multiHeadAttentionForward } from './mha-forward.js';
export {
  MultiheadAttention,
  type MultiheadAttentionForwardOptions,
  type MultiheadAttentionOptions,
  NonDynamicallyQuantizableLinear,
} from './multihead-attention.js';
export { type ScaledDotProductAttentionOptions, scaledDotProductAttention } from './sdpa.js';
export { Transformer, type TransformerForwardOptions, type TransformerOptions } from './transformer.js';
