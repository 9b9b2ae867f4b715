import { cat, isGradEnabled, type Tensor } from '@kindling/tensor';
import type { Module } from './module.js';

/** torch.utils.hooks.RemovableHandle: `remove()` unregisters the hook (idempotent). */
export class RemovableHandle {
  private static nextId = 0;
  readonly id = RemovableHandle.nextId++;

  constructor(private readonly hooks: Map<number, unknown>) {}

  remove(): void {
    this.hooks.delete(this.id);
  }
}

/** Add `fn` to `hooks` (first when `prepend`) and return its handle. */
export function addHook<F>(hooks: Map<number, F>, fn: F, prepend = false): RemovableHandle {
  const handle = new RemovableHandle(hooks as Map<number, unknown>);
  if (!prepend) {
    hooks.set(handle.id, fn);
  } else {
    const rest = [...hooks];
    hooks.clear();
    hooks.set(handle.id, fn);
    for (const [k, v] of rest) hooks.set(k, v);
  }
  return handle;
}

/** `hook(module, args)`: return nothing to keep the arguments, an array of new arguments, or one new argument. */
export type ForwardPreHook = (module: Module, args: unknown[]) => unknown;
/** `hook(module, args, output)`: return nothing to keep the output, or a replacement output. */
export type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;
/**
 * `hook(module, gradInput, gradOutput)`: gradients of the positional inputs (null for non-tensor
 * inputs and inputs that do not require grad) and of the outputs; return nothing, or a
 * replacement for gradInput.
 */
export type BackwardHook = (
  module: Module,
  gradInput: (Tensor | null)[],
  gradOutput: (Tensor | null)[],
) => (Tensor | null)[] | undefined | void;
/** `hook(module, gradOutput)`: return nothing, or a replacement for gradOutput. */
export type BackwardPreHook = (
  module: Module,
  gradOutput: (Tensor | null)[],
) => (Tensor | null)[] | undefined | void;

const isTensor = (x: unknown): x is Tensor =>
  !!x && typeof x === 'object' && (x as { _isTensor?: boolean })._isTensor === true;

/**
 * Route the gradients of `tensors` through one graph node, so a hook sees them all at once:
 * returns stand-ins for the tensors; `onGrads` receives the gradients (one per tensor) when they
 * are known, and may return replacements.
 */
function joinForGradients(
  tensors: readonly Tensor[],
  onGrads: (grads: (Tensor | null)[]) => (Tensor | null)[],
): Tensor[] {
  const fill = (g: Tensor | null, like: Tensor): Tensor => g ?? like.newZeros(like.shape);
  if (tensors.length === 1) {
    const t = tensors[0];
    const y = t.reshape(t.shape);
    y.registerHook((g) => fill(onGrads([g])[0], g));
    return [y];
  }
  const dtype = tensors.some((t) => t.dtype === 'float64') ? 'float64' : tensors[0].dtype;
  const joined = cat(tensors.map((t) => t.reshape([-1]).to(dtype)));
  const sizes = tensors.map((t) => t.numel());
  const split = (g: Tensor): Tensor[] => {
    let at = 0;
    return tensors.map((t, i) => {
      const part = g.narrow(0, at, sizes[i]).reshape(t.shape).to(t.dtype);
      at += sizes[i];
      return part;
    });
  };
  joined.registerHook((g) => {
    const parts = split(g);
    const out = onGrads(parts);
    return cat(out.map((r, i) => fill(r, parts[i]).reshape([-1]).to(dtype)));
  });
  return split(joined);
}

/** Tensors in a (nested array) structure, and a way to rebuild it with replacements. */
function flattenTensors(value: unknown): { tensors: Tensor[]; rebuild: (ts: Tensor[]) => unknown } {
  const tensors: Tensor[] = [];
  const walk = (v: unknown): void => {
    if (isTensor(v)) tensors.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
  };
  walk(value);
  const rebuild = (ts: Tensor[]) => {
    let i = 0;
    const re = (v: unknown): unknown => (isTensor(v) ? ts[i++] : Array.isArray(v) ? v.map(re) : v);
    return re(value);
  };
  return { tensors, rebuild };
}

/**
 * The state of one call of a module with full backward hooks (PyTorch's BackwardHook): inputs
 * and outputs go through identity nodes whose gradients trigger the module's hooks.
 */
class BackwardHookCall {
  private gradOutputs: (Tensor | null)[] | null = null;
  private nInputs = 0;
  private inputPositions: number[] = [];
  private nOutputs = 0;

  constructor(private readonly module: Module) {}

  setupInputs(args: unknown[]): unknown[] {
    this.nInputs = args.length;
    this.inputPositions = [];
    args.forEach((a, i) => {
      if (isTensor(a) && a.requiresGrad) this.inputPositions.push(i);
    });
    if (!this.inputPositions.length) return args;
    const ys = joinForGradients(
      this.inputPositions.map((i) => args[i] as Tensor),
      (grads) => this.onInputGrads(grads),
    );
    const out = [...args];
    this.inputPositions.forEach((pos, k) => {
      out[pos] = ys[k];
    });
    return out;
  }

  setupOutputs(output: unknown): unknown {
    const { tensors, rebuild } = flattenTensors(output);
    this.nOutputs = tensors.length;
    const positions = tensors.map((t, i) => (t.requiresGrad ? i : -1)).filter((i) => i >= 0);
    if (!positions.length) return output;
    const ys = joinForGradients(
      positions.map((i) => tensors[i]),
      (grads) => {
        const full: (Tensor | null)[] = tensors.map(() => null);
        positions.forEach((p, k) => {
          full[p] = grads[k];
        });
        const replaced = this.onOutputGrads(full);
        return positions.map((p) => replaced[p]);
      },
    );
    const replaced = [...tensors];
    positions.forEach((p, k) => {
      replaced[p] = ys[k];
    });
    return rebuild(replaced);
  }

  private onOutputGrads(grads: (Tensor | null)[]): (Tensor | null)[] {
    let g = grads;
    for (const hook of [...this.module._backwardPreHooks.values()]) {
      const r = hook(this.module, g);
      if (r !== undefined && r !== null) {
        if (r.length !== g.length) {
          throw new Error(
            `Backward pre hook returned an invalid number of grad_output, got ${r.length}, but expected ${g.length}`,
          );
        }
        g = r;
      }
    }
    this.gradOutputs = g;
    if (!this.inputPositions.length) {
      const none = new Array<Tensor | null>(this.nInputs).fill(null);
      for (const hook of [...this.module._backwardHooks.values()]) {
        const r = hook(this.module, none, g);
        if (r?.some((x) => x !== null)) {
          throw new Error(
            'Backward hook for Modules where no input requires gradient should always return None or None for all gradients.',
          );
        }
      }
    }
    return g;
  }

  private onInputGrads(grads: (Tensor | null)[]): (Tensor | null)[] {
    let full: (Tensor | null)[] = new Array(this.nInputs).fill(null);
    this.inputPositions.forEach((p, k) => {
      full[p] = grads[k];
    });
    const gradOutputs = this.gradOutputs ?? new Array<Tensor | null>(this.nOutputs).fill(null);
    for (const hook of [...this.module._backwardHooks.values()]) {
      const r = hook(this.module, full, gradOutputs);
      if (r !== undefined && r !== null) {
        if (r.length !== full.length) {
          throw new Error(
            `Backward hook returned an invalid number of grad_input, got ${r.length}, but expected ${full.length}`,
          );
        }
        full = r;
      }
    }
    return this.inputPositions.map((p) => full[p]);
  }
}

/** PyTorch's Module._call_impl: pre-hooks, forward, forward hooks, backward hooks. */
export function callWithHooks(m: Module, args: unknown[]): unknown {
  let a = args;
  for (const hook of [...m._forwardPreHooks.values()]) {
    const r = hook(m, a);
    if (r !== undefined) a = Array.isArray(r) ? r : [r];
  }
  const bw =
    (m._backwardHooks.size > 0 || m._backwardPreHooks.size > 0) && isGradEnabled()
      ? new BackwardHookCall(m)
      : null;
  if (bw) a = bw.setupInputs(a);
  let out: unknown;
  try {
    out = (m.forward as (...xs: unknown[]) => unknown)(...a);
  } catch (e) {
    for (const [id, hook] of [...m._forwardHooks]) {
      if (m._forwardHooksAlwaysCall.has(id)) {
        try {
          hook(m, a, undefined);
        } catch {
          // the forward error is the one reported
        }
      }
    }
    throw e;
  }
  for (const hook of [...m._forwardHooks.values()]) {
    const r = hook(m, a, out);
    if (r !== undefined) out = r;
  }
  if (bw) out = bw.setupOutputs(out);
  return out;
}
