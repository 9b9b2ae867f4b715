import { gradientEdge } from './op-node.js';
import type { AutogradTensor, RemovableHandle } from './types.js';

type Hook = (g: AutogradTensor) => AutogradTensor | undefined | void;

/** Tensor.register_hook: `fn` sees (and may replace) the gradient of `t`. */
export function registerHook(t: AutogradTensor, fn: Hook): RemovableHandle {
  if (!t.requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
  if (t.gradFn) {
    return t.gradFn.registerPrehook(fn);
  }
  t._hooks = [...(t._hooks ?? []), fn];
  return {
    remove: () => {
      t._hooks = (t._hooks ?? []).filter((h) => h !== fn);
    },
  };
}

/** Tensor.retain_grad: keep the gradient of a non-leaf in `.grad`. */
export function retainGrad(t: AutogradTensor): void {
  if (!t.requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
  if (t.isLeaf || t._retainsGrad) return;
  t._retainsGrad = true;
  gradientEdge(t).node.retained.push(t);
}
