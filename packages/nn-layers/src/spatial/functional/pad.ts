/** F.pad, re-exported from @kindling/tensor: constant, reflect, replicate and circular padding. */
export { type PadMode, type PadOptions, pad } from '@kindling/tensor';
