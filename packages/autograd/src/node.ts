import type { GT } from '@kindling/ops';
import { TORCH_NAME } from '@kindling/ops';
import type { AutogradTensor } from './types.js';

/** An edge of the graph: the node that produced an input, and which of its outputs it was. */
export interface Edge {
  readonly node: Node;
}

/** A value kept for backward, with the version it had, so in-place changes are caught. */
export class SavedTensor {
  constructor(
    readonly tensor: AutogradTensor,
    readonly version: number,
    readonly isOutput: boolean,
  ) {}

  unpack(owner: Node): AutogradTensor {
    if (this.tensor._version !== this.version) {
      const t = this.tensor;
      const kind = `torch.${TORCH_NAME[t.dtype]}Tensor [${t.shape.join(', ')}]`;
      const what = this.isOutput
        ? `output 0 of ${owner.name}`
        : t.gradFn
          ? `output 0 of ${t.gradFn.name}`
          : 'a leaf tensor';
      throw new Error(
        `one of the variables needed for gradient computation has been modified by an inplace operation: [${kind}], which is ${what}, is at version ${t._version}; expected version ${this.version} instead. Hint: the backtrace further above shows the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!`,
      );
    }
    return this.tensor;
  }
}

let nextSeq = 0;

/**
 * A backward function in the graph (PyTorch's grad_fn). `apply` maps the gradient of the output
 * to gradients of the inputs; `next[i]` is where input i's gradient goes (null: nowhere).
 */
export abstract class Node {
  /** Creation order: the engine runs later nodes first, as PyTorch does. */
  readonly seq = nextSeq++;
  preHooks: ((g: AutogradTensor) => AutogradTensor | undefined | void)[] = [];
  /** Tensors whose .grad should be set when this node's output gradient is known (retainGrad). */
  retained: AutogradTensor[] = [];

  constructor(
    readonly name: string,
    readonly next: readonly (Edge | null)[],
  ) {}

  abstract apply(grad: AutogradTensor): (AutogradTensor | null)[];

  /** Free saved values after a backward without retainGraph. */
  release(): void {}

  /** PyTorch's next_functions: [(node, 0)] per input. */
  get nextFunctions(): [Node | null, number][] {
    return this.next.map((e) => [e ? e.node : null, 0]);
  }

  registerPrehook(fn: (g: AutogradTensor) => AutogradTensor | undefined | void) {
    this.preHooks.push(fn);
    return { remove: () => void (this.preHooks = this.preHooks.filter((h) => h !== fn)) };
  }
}

/** The sink of a leaf's gradient: accumulates into `leaf.grad`. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: AutogradTensor) {
    super('AccumulateGrad', []);
  }

  apply(): (AutogradTensor | null)[] {
    return [];
  }
}

/** Fit a gradient to the input it flows into: undo broadcasting, restore the dtype. */
export function fitGradient(g: GT, shape: readonly number[], dtype: GT['dtype']): AutogradTensor {
  let out = g as AutogradTensor;
  if (out.shape.length !== shape.length || out.shape.some((d, i) => d !== shape[i]))
    out = out.sumToShape(shape);
  if (out.dtype !== dtype) out = out.to(dtype);
  return out;
}
