/**
 * Custom gradients: the public `customOp` (torch.autograd.Function in one call, from
 * @kindling/autograd via @kindling/tensor) gives a result whose grad_fn is a closure instead of
 * the graph of the ops that computed it. CTC (its own alpha-beta gradient) and the BCE family
 * (PyTorch's closed-form gradients) are built on it; `straightThrough` is the pattern of
 * modifying a clone in place under no_grad.
 */
import { customOp, type Tensor } from '@kindling/tensor';

export { customOp };

/** Maps the gradient of the output to one gradient (or null) per input. */
export type BackwardFn = (grad: Tensor) => readonly (Tensor | null)[];

/** `value(x)` in the forward pass, identity gradient into `x` (e.g. GaussianNLLLoss's clamp of var). */
export function straightThrough(x: Tensor, value: (x: Tensor) => Tensor): Tensor {
  return customOp<Tensor>(
    'StraightThroughBackward',
    [x],
    () => value(x.detach()),
    (g) => [g],
  );
}
