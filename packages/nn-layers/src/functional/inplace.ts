/** The `inplace` flag of PyTorch's activations and dropouts: run an op out of place or into its input. */
import { isGradEnabled, type Tensor } from '@kindling/tensor';

/**
 * Run `f` out of place, or (inplace) write its result into `x` as PyTorch's `op_` does. The
 * computation sees a copy of `x` when autograd records, so the gradient stays right.
 */
export function maybeInplace(x: Tensor, inplace: boolean | undefined, f: (x: Tensor) => Tensor): Tensor {
  if (!inplace) return f(x);
  const src = x.requiresGrad && isGradEnabled() ? x.clone() : x;
  return x.copy_(f(src));
}
