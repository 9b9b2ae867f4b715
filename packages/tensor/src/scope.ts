import type { Tensor } from './tensor.js';

/**
 * Memory scopes: tensors created while a scope runs are disposed when it ends, except those it
 * returns (found in arrays, Maps, and the own fields of objects) or marks with `keep`. An async scope ends when
 * its promise settles, so it spans awaits; tensors that other concurrent code creates meanwhile
 * are tracked too, so keep what must outlive it.
 */
const stack: Set<Tensor>[] = [];

export function trackTensor(t: Tensor): void {
  if (stack.length) stack[stack.length - 1].add(t);
}

export function keep<T>(value: T): T {
  visit(value, (t) => {
    for (const s of stack) s.delete(t);
  });
  return value;
}

function visit(value: unknown, fn: (t: Tensor) => void, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if ((value as { _isTensor?: boolean })._isTensor) {
    fn(value as Tensor);
    return;
  }
  if (Array.isArray(value)) for (const v of value) visit(v, fn, seen);
  else if (value instanceof Map) for (const v of value.values()) visit(v, fn, seen);
  else if (typeof (value as { then?: unknown }).then !== 'function') {
    // plain objects and class instances (a returned PackedSequence, a module): their own fields
    for (const v of Object.values(value)) visit(v, fn, seen);
  }
}

function close<R>(set: Set<Tensor>, result: R): R {
  const idx = stack.lastIndexOf(set);
  if (idx >= 0) stack.splice(idx, 1);
  const kept = new Set<Tensor>();
  visit(result, (t) => kept.add(t));
  const outer = stack[stack.length - 1];
  for (const t of set) {
    if (kept.has(t)) outer?.add(t);
    else t.dispose();
  }
  return result;
}

/** Run `fn`, then dispose every tensor it created that it does not return. */
export function scope<R>(fn: () => R): R {
  const set = new Set<Tensor>();
  stack.push(set);
  let result: R;
  try {
    result = fn();
  } catch (e) {
    close(set, undefined);
    throw e;
  }
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    return (result as unknown as Promise<unknown>).then(
      (r) => close(set, r),
      (e) => {
        close(set, undefined);
        throw e;
      },
    ) as unknown as R;
  }
  return close(set, result);
}
