import type { DType, GradCtx, GT, OpRow } from '@kindling/ops';
import { isGradEnabled } from './grad-mode.js';
import { AccumulateGrad, type Edge, fitGradient, Node, SavedTensor } from './node.js';
import type { AutogradTensor } from './types.js';

const FREED =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/** The node of one op-table row: its gradient formula over the values the row saves. */
export class OpNode<A> extends Node {
  private saved: (SavedTensor | null)[] | null;
  private savedOutput: SavedTensor | null;

  constructor(
    name: string,
    next: readonly (Edge | null)[],
    private readonly row: OpRow<A>,
    private readonly attrs: A,
    saved: (SavedTensor | null)[],
    private readonly inputShapes: readonly (readonly number[])[],
    private readonly inputDtypes: readonly DType[],
  ) {
    super(name, next);
    this.saved = saved;
    this.savedOutput = null;
  }

  saveOutput(out: AutogradTensor): void {
    this.savedOutput = new SavedTensor(out, out._version, true);
  }

  apply(grad: AutogradTensor): (AutogradTensor | null)[] {
    if (this.saved === null) throw new Error(FREED);
    const saved = this.saved;
    const ctx: GradCtx<A> = {
      inputs: saved.map((s) => (s ? s.unpack(this) : null)),
      out: this.savedOutput ? this.savedOutput.unpack(this) : null,
      attrs: this.attrs,
      inputShapes: this.inputShapes,
      inputDtypes: this.inputDtypes,
      needs: this.next.map((e) => e !== null),
    };
    const grads = (this.row.grad as NonNullable<OpRow<A>['grad']>)(grad, ctx);
    return this.next.map((e, i) => {
      const g = grads[i];
      if (!e || !g) return null;
      return fitGradient(g, this.inputShapes[i], this.inputDtypes[i]);
    });
  }

  override release(): void {
    this.saved = null;
    this.savedOutput = null;
  }
}

/** The edge a tensor's gradient flows along: its grad_fn, or its leaf accumulator. */
export function gradientEdge(t: AutogradTensor): Edge {
  if (t.gradFn) return { node: t.gradFn };
  if (!t._gradAccumulator) t._gradAccumulator = new AccumulateGrad(t);
  return { node: t._gradAccumulator };
}

export function backwardName(op: string): string {
  return `${op[0].toUpperCase()}${op.slice(1)}Backward0`;
}

/**
 * Called by the dispatcher after every op: when recording is on and an input requires grad,
 * attach a node holding what the row's gradient needs.
 */
export function record<A>(
  op: string,
  row: OpRow<A>,
  attrs: A,
  inputs: readonly AutogradTensor[],
  out: AutogradTensor,
): void {
  if (!isGradEnabled() || row.grad === null) return;
  let any = false;
  const next = inputs.map((t) => {
    if (!t.requiresGrad) return null;
    any = true;
    return gradientEdge(t);
  });
  if (!any) return;
  const saved = inputs.map((t, i) =>
    row.saves.inputs.includes(i) ? new SavedTensor(t, t._version, false) : null,
  );
  const node = new OpNode(
    backwardName(op),
    next,
    row,
    attrs,
    saved,
    inputs.map((t) => t.shape),
    inputs.map((t) => t.dtype),
  );
  out.gradFn = node;
  out.requiresGrad = true;
  if (row.saves.out) node.saveOutput(out);
}

export function asGT(t: AutogradTensor): GT {
  return t;
}
