/** flatten / unflatten as functions (torch.flatten, torch.unflatten). */
import type { Tensor } from '@kindling/tensor';

export function flatten(input: Tensor, startDim = 0, endDim = -1): Tensor {
  return input.flatten(startDim, endDim);
}

export function unflatten(input: Tensor, dim: number, sizes: readonly number[]): Tensor {
  return input.unflatten(dim, sizes);
}
