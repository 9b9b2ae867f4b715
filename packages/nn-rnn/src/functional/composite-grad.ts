import { grad, type Tensor } from '@kindling/tensor';

/**
 * Double backward for the hand-written nodes: the gradient of `composite(inputs)` (the same
 * computation with every op recorded) seeded with `g`, with respect to each input that needs
 * one, as differentiable tensors (createGraph).
 *
 * Each input is first aliased by a recorded view, and the composite runs on the aliases: what
 * the node must return are partial derivatives, one per input edge, and asking autograd for
 * the gradient of the inputs themselves would give total derivatives instead when one input
 * depends on another (a GRU cell's h·W_hhᵀ on h, an h0 computed from x, a tied weight), which
 * the engine would then count twice.
 */
export function compositeGrads<T extends readonly (Tensor | null)[]>(
  inputs: T,
  composite: (aliases: T) => Tensor,
  g: Tensor,
): (Tensor | null)[] {
  const need = inputs.map((t) => !!t?.requiresGrad);
  const aliases = inputs.map((t, i) => (t && need[i] ? t.view(t.shape) : t)) as unknown as T;
  const wanted = aliases.filter((t, i): t is Tensor => need[i] && !!t);
  const gs = grad([composite(aliases)], wanted, { gradOutputs: [g], createGraph: true, allowUnused: true });
  let k = 0;
  return inputs.map((_, i) => (need[i] ? gs[k++] : null));
}
