import { fmtShape } from '@kindling/ops';
import { noGrad, enableGrad } from './grad-mode.js';
import { AccumulateGrad, type Node } from './node.js';
import { gradientEdge } from './op-node.js';
import type { AutogradTensor } from './types.js';

export interface RunOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  /** When given, gradients for these are returned instead of accumulated into leaves. */
  inputs?: readonly AutogradTensor[];
  allowUnused?: boolean;
}

function applyHooks(
  g: AutogradTensor,
  hooks: readonly ((g: AutogradTensor) => AutogradTensor | undefined | void)[],
) {
  let out = g;
  for (const h of hooks) {
    const r = h(out);
    if (r) out = r;
  }
  return out;
}

/**
 * Run the graph backward from `roots` seeded with `seeds`. Nodes run once every gradient
 * flowing into them has arrived (dependency counting), latest-created first among ready ones.
 */
export function runBackward(
  roots: readonly AutogradTensor[],
  seeds: readonly AutogradTensor[],
  opts: RunOptions = {},
): (AutogradTensor | null)[] {
  const retain = opts.retainGraph ?? opts.createGraph ?? false;
  const run = () => execute(roots, seeds, opts, retain);
  return opts.createGraph ? enableGrad(run) : noGrad(run);
}

function execute(
  roots: readonly AutogradTensor[],
  seeds: readonly AutogradTensor[],
  opts: RunOptions,
  retain: boolean,
): (AutogradTensor | null)[] {
  const inputs = opts.inputs;
  // where the gradient of each requested input is read: at its node (grad_fn or accumulator)
  const captureAt = new Map<Node, number[]>();
  if (inputs) {
    inputs.forEach((t, i) => {
      if (!t.requiresGrad)
        throw new Error(`grad: input ${i} (shape ${fmtShape(t.shape)}) does not require grad`);
      const node = gradientEdge(t).node;
      const list = captureAt.get(node) ?? [];
      list.push(i);
      captureAt.set(node, list);
    });
  }
  const rootNodes: Node[] = [];
  roots.forEach((r) => {
    if (!r.requiresGrad)
      throw new Error('element 0 of tensors does not require grad and does not have a grad_fn');
    rootNodes.push(gradientEdge(r).node);
  });

  // dependency counts over the reachable graph
  const deps = new Map<Node, number>();
  const seen = new Set<Node>();
  const stack = [...rootNodes];
  for (const n of rootNodes) seen.add(n);
  const order: Node[] = [];
  while (stack.length) {
    const n = stack.pop() as Node;
    order.push(n);
    for (const e of n.next) {
      if (!e) continue;
      deps.set(e.node, (deps.get(e.node) ?? 0) + 1);
      if (!seen.has(e.node)) {
        seen.add(e.node);
        stack.push(e.node);
      }
    }
  }
  // with `inputs`, only nodes that lead to one of them need to run
  let needed: Set<Node> | null = null;
  if (inputs) {
    needed = new Set(captureAt.keys());
    let changed = true;
    while (changed) {
      changed = false;
      for (const n of order) {
        if (needed.has(n)) continue;
        if (n.next.some((e) => e && needed?.has(e.node))) {
          needed.add(n);
          changed = true;
        }
      }
    }
  }

  const pending = new Map<Node, AutogradTensor>();
  const add = (n: Node, g: AutogradTensor) => {
    const prev = pending.get(n);
    pending.set(n, prev ? prev.add(g) : g);
  };
  for (let i = 0; i < rootNodes.length; i++) add(rootNodes[i], seeds[i]);

  const results: (AutogradTensor | null)[] = inputs ? inputs.map(() => null) : [];
  const ready: Node[] = rootNodes.filter((n, i) => rootNodes.indexOf(n) === i && !deps.get(n));
  while (ready.length) {
    // latest-created first (PyTorch runs by descending sequence number)
    let bi = 0;
    for (let i = 1; i < ready.length; i++) if (ready[i].seq > ready[bi].seq) bi = i;
    const node = ready.splice(bi, 1)[0];
    let g = pending.get(node);
    pending.delete(node);
    const skip = needed !== null && !needed.has(node);
    if (g && !skip) {
      g = applyHooks(g, node.preHooks);
      for (const t of node.retained) t.grad = opts.createGraph ? g : g.detach();
      const cap = captureAt.get(node);
      if (cap) for (const i of cap) results[i] = g;
      if (node instanceof AccumulateGrad) {
        if (!inputs) accumulate(node.variable, g, !!opts.createGraph);
      } else if (!cap || node.next.some((e) => e && needed?.has(e.node))) {
        const grads = node.apply(g);
        node.next.forEach((e, i) => {
          const gi = grads[i];
          if (e && gi) add(e.node, gi);
        });
      }
    }
    if (!retain) node.release();
    for (const e of node.next) {
      if (!e) continue;
      const left = (deps.get(e.node) ?? 0) - 1;
      deps.set(e.node, left);
      if (left === 0) ready.push(e.node);
    }
  }
  if (inputs && !opts.allowUnused) {
    results.forEach((r, i) => {
      if (r === null) {
        throw new Error(
          `One of the differentiated Tensors (input ${i}) appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.`,
        );
      }
    });
  }
  return results;
}

function accumulate(leaf: AutogradTensor, g: AutogradTensor, createGraph: boolean) {
  let grad = g;
  if (leaf._hooks) grad = applyHooks(grad, leaf._hooks);
  // a fresh contiguous copy: the incoming gradient may be a broadcast view or shared with another leaf
  const value = createGraph ? grad : grad.detach().clone();
  leaf.grad = leaf.grad ? (createGraph ? leaf.grad.add(value) : leaf.grad.add(value).detach()) : value;
}
