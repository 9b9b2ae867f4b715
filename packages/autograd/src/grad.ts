import { fmtShape } from '@kindling/ops';
import { runBackward } from './engine.js';
import type { AutogradTensor } from './types.js';

export interface GradOptions<T> {
  gradOutputs?: readonly (T | null)[] | T | null;
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
}

function seedFor(
  out: AutogradTensor,
  given: AutogradTensor | null | undefined,
  what: string,
): AutogradTensor {
  if (given) {
    if (given.shape.length !== out.shape.length || given.shape.some((d, i) => d !== out.shape[i])) {
      throw new RangeError(
        `${what}: Mismatch in shape: grad_output[0] has a shape of ${fmtShape(given.shape)} and output[0] has a shape of ${fmtShape(out.shape)}.`,
      );
    }
    return given;
  }
  if (out.shape.length !== 0 && out.shape.some((d) => d !== 1)) {
    throw new Error('grad can be implicitly created only for scalar outputs');
  }
  return out.newOnes(out.shape);
}

/** torch.autograd.grad: gradients of `outputs` with respect to `inputs`, without touching `.grad`. */
export function grad<T extends AutogradTensor>(
  outputs: T | readonly T[],
  inputs: T | readonly T[],
  opts: GradOptions<T> = {},
): (T | null)[] {
  const outs = (Array.isArray(outputs) ? outputs : [outputs]) as T[];
  const ins = (Array.isArray(inputs) ? inputs : [inputs]) as T[];
  const g = opts.gradOutputs;
  const gs = (g == null ? [] : Array.isArray(g) ? g : [g]) as (T | null)[];
  const seeds = outs.map((o, i) => seedFor(o, gs[i], 'grad'));
  return runBackward(outs, seeds, {
    retainGraph: opts.retainGraph,
    createGraph: opts.createGraph,
    inputs: ins,
    allowUnused: opts.allowUnused,
  }) as (T | null)[];
}

/** Tensor.backward: accumulate gradients of `root` into the leaves' `.grad`. */
export function backward<T extends AutogradTensor>(
  root: T,
  gradient?: T | null,
  opts: { retainGraph?: boolean; createGraph?: boolean } = {},
): void {
  if (!root.requiresGrad)
    throw new Error('element 0 of tensors does not require grad and does not have a grad_fn');
  const seed = seedFor(root, gradient ?? null, 'backward');
  runBackward([root], [seed], opts);
}
