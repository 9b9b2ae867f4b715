import { type Module, Parameter } from '@kindling/nn-layers';
import { noGrad, type Tensor } from '@kindling/tensor';
import { addTaggedHook, deletePlain, findTagged, getAttr, moduleName, setPlain } from './hook-tags.js';

/**
 * The 2-norm of `v` over every dim but `dim`, kept as size-1 dims (torch.norm_except_dim); as
 * in PyTorch, dim -1 means the norm of the whole tensor (a 0-dim result), not the last dim.
 */
export function normExceptDim(v: Tensor, pow = 2, dim = 0): Tensor {
  if (dim === -1) return v.norm(pow);
  const d = dim < 0 ? dim + v.ndim : dim;
  const dims = v.shape.map((_, i) => i).filter((i) => i !== d);
  return dims.length ? v.norm(pow, dims, true) : v.abs();
}

/** weight = v · g / ‖v‖ (torch._weight_norm), differentiable in g and v. */
export function weightNormOf(v: Tensor, g: Tensor, dim: number): Tensor {
  return v.mul(g.div(normExceptDim(v, 2, dim)));
}

/**
 * Reparametrize `module[name]` as g · v / ‖v‖ (torch.nn.utils.weight_norm): the parameter is
 * replaced by `${name}_g` (the norms, over every dim but `dim`) and `${name}_v` (the direction),
 * and the weight is recomputed from them before every `module.call(...)`. dim null normalises the
 * whole tensor. State-dict keys are PyTorch's (`weight_g`, `weight_v`).
 *
 * @example
 * const m = weightNorm(new Linear(20, 40));
 * m.weight_g.shape; // [40, 1]
 */
export function weightNorm<M extends Module>(module: M, name = 'weight', dim: number | null = 0): M {
  const fn = 'weightNorm';
  if (findTagged(module, 'weightNorm', name).length)
    throw new Error(`${fn}: Cannot register two weight_norm hooks on the same parameter ${name}`);
  const weight = module._parameters.get(name);
  if (!weight) throw new Error(`${fn}: ${moduleName(module)} has no parameter '${name}' (name)`);
  const d = dim === null ? -1 : dim;
  if (d !== -1 && (d < -weight.ndim || d >= weight.ndim))
    throw new RangeError(`${fn}: dim ${d} is out of range for a ${weight.ndim}-D parameter (dim)`);
  const compute = () =>
    weightNormOf(getAttr<Tensor>(module, `${name}_v`), getAttr<Tensor>(module, `${name}_g`), d);
  module._parameters.delete(name);
  module.registerParameter(`${name}_g`, new Parameter(noGrad(() => normExceptDim(weight.detach(), 2, d))));
  module.registerParameter(`${name}_v`, new Parameter(weight.detach()));
  setPlain(module, name, compute());
  addTaggedHook(
    module,
    {
      kind: 'weightNorm',
      name,
      remove(m) {
        const w = compute();
        deletePlain(m, name);
        m._parameters.delete(`${name}_g`);
        m._parameters.delete(`${name}_v`);
        m.registerParameter(name, new Parameter(w.detach()));
      },
    },
    () => {
      setPlain(module, name, compute());
    },
  );
  return module;
}

/**
 * Undo `weightNorm`: `module[name]` becomes a plain parameter again, holding the current g · v / ‖v‖
 * (torch.nn.utils.remove_weight_norm).
 */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  const found = findTagged(module, 'weightNorm', name);
  if (!found.length)
    throw new Error(`removeWeightNorm: weight_norm of '${name}' not found in ${moduleName(module)}`);
  const [id, tag] = found[0];
  tag.remove(module);
  module._forwardPreHooks.delete(id);
  return module;
}
