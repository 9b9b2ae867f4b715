import { isGradEnabled, noGrad } from './grad-mode.js';
import { type Edge, fitGradient, Node } from './node.js';
import { gradientEdge } from './op-node.js';
import type { AutogradTensor } from './types.js';

const FREED =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** Maps the gradient of the output to one gradient (or null) per input. */
export type CustomBackward<T> = (grad: T) => readonly (T | null)[];

class CustomNode<T extends AutogradTensor> extends Node {
  private fn: CustomBackward<T> | null;

  constructor(
    name: string,
    next: readonly (Edge | null)[],
    fn: CustomBackward<T>,
    private readonly shapes: readonly (readonly number[])[],
    private readonly dtypes: readonly AutogradTensor['dtype'][],
  ) {
    super(name, next);
    this.fn = fn;
  }

  apply(grad: AutogradTensor): (AutogradTensor | null)[] {
    if (this.fn === null) throw new Error(FREED);
    const grads = this.fn(grad as T);
    return this.next.map((e, i) => {
      const g = grads[i];
      return e && g ? fitGradient(g, this.shapes[i], this.dtypes[i]) : null;
    });
  }

  override release(): void {
    this.fn = null;
  }
}

/**
 * torch.autograd.Function in one call: `forward` runs without recording; when grad mode is on
 * and an input requires grad, the result's grad_fn is `backward`, which maps the output's
 * gradient to one gradient per input (broadcast gradients are summed back to the input's shape).
 * Fused kernels with their own gradient (CTC, attention, recurrent gates) are built this way;
 * `backward` may itself use differentiable ops, so double backward works when it does.
 */
export function customOp<T extends AutogradTensor>(
  name: string,
  inputs: readonly (T | null | undefined)[],
  forward: () => T,
  backward: CustomBackward<T>,
): T {
  const out = noGrad(forward);
  if (!isGradEnabled() || !inputs.some((t) => t?.requiresGrad)) return out;
  const next = inputs.map((t) => (t?.requiresGrad ? gradientEdge(t) : null));
  const node = new CustomNode(
    name,
    next,
    backward,
    inputs.map((t) => (t ? t.shape : [])),
    inputs.map((t) => (t ? t.dtype : 'float32')),
  );
  // a fresh tensor object, even when forward handed back one that is used elsewhere
  const result = out.detach() as T;
  result.gradFn = node;
  result.requiresGrad = true;
  return result;
}
