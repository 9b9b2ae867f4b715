/**
 * A small custom-function helper (torch.autograd.Function's job): a result tensor whose backward
 * is a given closure instead of the recorded graph of the ops that computed it. Used for CTC (its
 * own alpha-beta gradient), for the BCE family (PyTorch's closed-form gradients) and for
 * straight-through clamps.
 */
import {
  type AutogradTensor,
  type Edge,
  fitGradient,
  gradientEdge,
  isGradEnabled,
  Node,
} from '@kindling/autograd';
import { noGrad, type Tensor } from '@kindling/tensor';

const FREED =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** Maps the gradient of the output to one gradient (or null) per input. */
export type BackwardFn = (grad: Tensor) => readonly (Tensor | null)[];

class FunctionNode extends Node {
  private fn: BackwardFn | null;

  constructor(
    name: string,
    next: readonly (Edge | null)[],
    fn: BackwardFn,
    private readonly shapes: readonly (readonly number[])[],
    private readonly dtypes: readonly Tensor['dtype'][],
  ) {
    super(name, next);
    this.fn = fn;
  }

  apply(grad: AutogradTensor): (AutogradTensor | null)[] {
    if (this.fn === null) throw new Error(FREED);
    const grads = this.fn(grad as unknown as Tensor);
    return this.next.map((e, i) => {
      const g = grads[i];
      if (!e || !g) return null;
      return fitGradient(g as unknown as AutogradTensor, this.shapes[i], this.dtypes[i]);
    });
  }

  override release(): void {
    this.fn = null;
  }
}

/**
 * Run `forward` without recording, then attach `backward` as the result's grad_fn when grad mode
 * is on and some input requires grad. `forward` must return a fresh tensor (not an input or a
 * view of one); `backward` receives the output's gradient and returns one gradient per input,
 * shaped like the output or like that input (broadcast gradients are summed back).
 */
export function customOp(
  name: string,
  inputs: readonly (Tensor | null | undefined)[],
  forward: () => Tensor,
  backward: BackwardFn,
): Tensor {
  const out = noGrad(forward);
  const needs = isGradEnabled() && inputs.some((t) => t?.requiresGrad);
  if (!needs) return out;
  const next = inputs.map((t) => (t?.requiresGrad ? gradientEdge(t as unknown as AutogradTensor) : null));
  const node = new FunctionNode(
    name,
    next,
    backward,
    inputs.map((t) => (t ? t.shape : [])),
    inputs.map((t) => (t ? t.dtype : 'float32')),
  );
  // a fresh object even when forward handed back a tensor that is used elsewhere
  const result = out.detach();
  result.gradFn = node as unknown as Tensor['gradFn'];
  result.requiresGrad = true;
  return result;
}

/**
 * `value` in the forward pass, identity gradient into `x` (PyTorch's pattern of modifying a
 * clone in place under no_grad, e.g. GaussianNLLLoss's clamp of var).
 */
export function straightThrough(x: Tensor, value: (x: Tensor) => Tensor): Tensor {
  return customOp(
    'StraightThroughBackward',
    [x],
    () => value(x.detach()),
    (g) => [g],
  );
}
