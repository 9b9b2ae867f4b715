/** Module.load_state_dict: validate everything first, then copy (so a failed load changes nothing). */
import { keep, noGrad, type Tensor } from '@kindling/tensor';
import { isTensor } from './module-attrs.js';
import type { Module } from './module.js';
import { isUninitialized, Parameter } from './parameter.js';

export type StateDictLike = Map<string, Tensor> | ReadonlyMap<string, Tensor> | Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Require the keys to match the module's stateDict() exactly (default true). */
  strict?: boolean;
  /** Use the given tensors (wrapped in new Parameters) instead of copying into the existing ones. */
  assign?: boolean;
}

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

type Step = () => void;

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Validate one module's own entries (PyTorch's _load_from_state_dict) and plan the copies. */
function planModule(
  m: Module,
  prefix: string,
  sd: Map<string, unknown>,
  assign: boolean,
  steps: Step[],
  missing: string[],
  unexpected: string[],
  errors: string[],
): void {
  const local: [string, Tensor, 'param' | 'buffer'][] = [];
  for (const [k, p] of m._parameters) if (p) local.push([k, p, 'param']);
  for (const [k, b] of m._buffers) if (b && !m._nonPersistentBuffers.has(k)) local.push([k, b, 'buffer']);
  const optional = new Set(m._optionalStateKeys());
  for (const [name, current, kind] of local) {
    const key = prefix + name;
    if (!sd.has(key)) {
      if (!optional.has(name)) missing.push(key);
      continue;
    }
    const value = sd.get(key);
    if (!isTensor(value)) {
      errors.push(
        `While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeof value}`,
      );
      continue;
    }
    if (isUninitialized(current)) {
      steps.push(() => {
        (current as Parameter)._setData(value.detach().to(current.device).to(current.dtype).clone());
        Object.setPrototypeOf(current, Parameter.prototype);
      });
      continue;
    }
    const same =
      value.shape.length === current.shape.length && value.shape.every((d, i) => d === current.shape[i]);
    if (!same) {
      errors.push(
        `size mismatch for ${key}: copying a param with shape ${fmt(value.shape)} from checkpoint, the shape in current model is ${fmt(current.shape)}.`,
      );
      continue;
    }
    if (assign) {
      steps.push(() => {
        if (kind === 'param') {
          m._parameters.set(name, new Parameter(value.detach(), current.requiresGrad));
        } else {
          m._buffers.set(name, keep(value.detach()));
        }
      });
    } else {
      steps.push(() => {
        current.copy_(value);
      });
    }
  }
  for (const key of sd.keys()) {
    if (!key.startsWith(prefix)) continue;
    const first = key.slice(prefix.length).split('.', 1)[0];
    if (!m._modules.has(first) && !local.some(([k]) => k === first)) unexpected.push(key);
  }
}

function walk(m: Module, prefix: string, visit: (m: Module, prefix: string) => void): void {
  visit(m, prefix);
  for (const [name, child] of m._modules) if (child) walk(child as Module, `${prefix}${name}.`, visit);
}

/** Module.loadStateDict (see there). */
export function loadStateDict(
  root: Module,
  stateDict: StateDictLike,
  opts: LoadStateDictOptions = {},
): LoadResult {
  const strict = opts.strict ?? true;
  const sd: Map<string, unknown> =
    stateDict instanceof Map
      ? new Map(stateDict as Map<string, unknown>)
      : new Map(Object.entries(stateDict ?? {}));
  const steps: Step[] = [];
  const missingKeys: string[] = [];
  const unexpectedKeys: string[] = [];
  const errors: string[] = [];
  walk(root, '', (m, prefix) =>
    planModule(m, prefix, sd, !!opts.assign, steps, missingKeys, unexpectedKeys, errors),
  );
  if (strict) {
    if (unexpectedKeys.length)
      errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
    if (missingKeys.length)
      errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
  }
  if (errors.length) {
    throw new Error(`Error(s) in loading state_dict for ${root._getName()}:\n\t${errors.join('\n\t')}`);
  }
  noGrad(() => {
    for (const step of steps) step();
  });
  return { missingKeys, unexpectedKeys };
}
