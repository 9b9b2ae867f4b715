import type { Module } from '@kindling/nn-layers';

/** What a forward pre-hook installed by nn-utils is for (weight norm, spectral norm, pruning). */
export interface HookTag {
  kind: 'weightNorm' | 'spectralNorm' | 'prune';
  name: string;
  /** Undo: restore a plain parameter named `name`. */
  remove(module: Module): void;
}

type Tagged = ((m: Module, args: unknown[]) => unknown) & { _nnUtils?: HookTag };

/** Register `hook` as a forward pre-hook of `module`, tagged so it can be found again. */
export function addTaggedHook(
  module: Module,
  tag: HookTag,
  hook: (m: Module, args: unknown[]) => unknown,
): void {
  const fn = hook as Tagged;
  fn._nnUtils = tag;
  module.registerForwardPreHook(fn);
}

/** The [hook id, tag] pairs of `module` of a kind (and name). */
export function findTagged(module: Module, kind: HookTag['kind'], name?: string): [number, HookTag][] {
  const out: [number, HookTag][] = [];
  for (const [id, h] of module._forwardPreHooks) {
    const tag = (h as Tagged)._nnUtils;
    if (tag && tag.kind === kind && (name === undefined || tag.name === name)) out.push([id, tag]);
  }
  return out;
}

/** Set a plain (unregistered) attribute, as PyTorch's setattr of a non-Parameter tensor does. */
export function setPlain(module: Module, name: string, value: unknown): void {
  (module as unknown as Record<string, unknown>)[name] = value;
}

export function getAttr<T = unknown>(module: Module, name: string): T {
  return (module as unknown as Record<string, unknown>)[name] as T;
}

export function deletePlain(module: Module, name: string): void {
  delete (module as unknown as Record<string, unknown>)[name];
}

/** `Linear(in_features=...)` style name of a module, for errors. */
export const moduleName = (m: Module) => m._getName();
