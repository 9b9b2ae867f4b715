/** The feed-forward activation of the Transformer layers: 'relu', 'gelu', a function or a module. */
import { F, GELU, Module, ReLU } from '@kindling/nn-layers';
import { customOp, type Tensor } from '@kindling/tensor';

export type ActivationFn = (x: Tensor) => Tensor;
/** 'relu' (default), 'gelu', a unary function of a tensor, or a module (e.g. `new GELU({ approximate: 'tanh' })`). */
export type Activation = 'relu' | 'gelu' | ActivationFn | Module;

/**
 * relu whose gradient passes NaN through as PyTorch's threshold_backward does (g where the
 * output is not ≤ 0). Works around @kindling/ops' relu gradient, which is 0 at NaN inputs, so
 * that fully masked rows give PyTorch's NaN gradients.
 */
const relu: ActivationFn = (x) => {
  let out: Tensor | null = null;
  return customOp(
    'ReluBackward',
    [x],
    () => {
      out = x.relu();
      return out;
    },
    (g) => [g.where((out as unknown as Tensor).le(0).logicalNot(), 0)],
  );
};
const gelu: ActivationFn = (x) => F.gelu(x);

/** PyTorch's _get_activation_fn for strings; functions and modules pass through. */
export function resolveActivation(a: Activation | undefined): ActivationFn | Module {
  if (a === undefined || a === 'relu') return relu;
  if (a === 'gelu') return gelu;
  if (typeof a === 'function' || a instanceof Module) return a;
  throw new Error(`activation should be relu/gelu, not ${String(a)}`);
}

/** PyTorch's activation_relu_or_gelu: 1 for relu, 2 for gelu, 0 for anything else. */
export function reluOrGelu(a: ActivationFn | Module): 0 | 1 | 2 {
  if (a === relu || a === F.relu || a instanceof ReLU) return 1;
  if (a === gelu || a === F.gelu || a instanceof GELU) return 2;
  return 0;
}

export function applyActivation(a: ActivationFn | Module, x: Tensor): Tensor {
  return a instanceof Module ? (a.call(x) as Tensor) : a(x);
}
