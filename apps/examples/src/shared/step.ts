import { scope, type Tensor, type TypedArray } from '@kindling/tensor';

/**
 * Runs `fn` (a training or evaluation step) in a memory scope, so every temporary it makes is
 * freed, reads back the tensors it returns (detached) and frees them too.
 */
export async function stepData(fn: () => Tensor[]): Promise<TypedArray[]> {
  const outs = scope(fn);
  try {
    return await Promise.all(outs.map((t) => t.data()));
  } finally {
    for (const t of outs) t.dispose();
  }
}

/** stepData for one-element results (loss, count of correct, ...). */
export async function runStep(fn: () => Tensor[]): Promise<number[]> {
  return (await stepData(fn)).map((a) => Number(a[0]));
}

/** Wall-clock seconds since `t0` (a performance.now() value). */
export const secondsSince = (t0: number) => (performance.now() - t0) / 1000;
