/** softmax, logSoftmax, softmin (torch.nn.functional). */
import type { DType, Tensor } from '@kindling/tensor';

export interface SoftmaxOptions {
  dim?: number | null;
  dtype?: DType;
}

/** PyTorch's legacy implicit dim: 0 for 0-, 1- and 3-D inputs, else 1. */
export function softmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

function resolve(x: Tensor, o: number | null | SoftmaxOptions | undefined): [Tensor, number] {
  const opt: SoftmaxOptions = typeof o === 'number' || o === null || o === undefined ? { dim: o } : o;
  const t = opt.dtype ? x.to(opt.dtype) : x;
  return [t, opt.dim ?? softmaxDim(x.ndim)];
}

/** exp(x) / Σ exp(x) along `dim`. */
export function softmax(x: Tensor, dim?: number | null | SoftmaxOptions): Tensor {
  const [t, d] = resolve(x, dim);
  return t.softmax(d);
}

/** log(softmax(x)) along `dim`, computed stably. */
export function logSoftmax(x: Tensor, dim?: number | null | SoftmaxOptions): Tensor {
  const [t, d] = resolve(x, dim);
  return t.logSoftmax(d);
}

/** softmax(−x) along `dim`. */
export function softmin(x: Tensor, dim?: number | null | SoftmaxOptions): Tensor {
  const [t, d] = resolve(x, dim);
  return t.neg().softmax(d);
}
