/**
 * Whether ops record the graph. A module-level flag: the dispatcher reads it on every op, so it
 * must be cheap. For an async `fn` the mode holds until its promise settles.
 */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

export function setGradEnabled(on: boolean): void {
  enabled = on;
}

function withMode<R>(on: boolean, fn: () => R): R {
  const prev = enabled;
  enabled = on;
  let result: R;
  try {
    result = fn();
  } catch (e) {
    enabled = prev;
    throw e;
  }
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    return (result as unknown as Promise<unknown>).finally(() => {
      enabled = prev;
    }) as unknown as R;
  }
  enabled = prev;
  return result;
}

/** Run `fn` without recording gradients (torch.no_grad). */
export function noGrad<R>(fn: () => R): R {
  return withMode(false, fn);
}

/** Run `fn` with gradient recording on (torch.enable_grad). */
export function enableGrad<R>(fn: () => R): R {
  return withMode(true, fn);
}
