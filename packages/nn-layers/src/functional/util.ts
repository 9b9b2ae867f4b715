import { fmtShape } from '@kindling/ops';
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

/** Accept PyTorch's first keyword argument positionally as a number, or all of them as an object. */
export function opts<O extends object>(arg: number | O | undefined, key: keyof O): O {
  if (typeof arg === 'number') return { [key]: arg } as O;
  return arg ?? ({} as O);
}

export { fmtShape };

/** Shape as PyTorch prints it in errors: [2, 3]. */
export const shapeStr = (t: Tensor | readonly number[]) =>
  fmtShape(Array.isArray(t) ? t : (t as Tensor).shape);

/** Require a floating-point input. */
export function checkFloat(where: string, x: Tensor): void {
  if (!x.isFloatingPoint()) {
    throw new TypeError(
      `${where}: expected a floating-point input, got ${x.dtype} (shape ${fmtShape(x.shape)})`,
    );
  }
}
