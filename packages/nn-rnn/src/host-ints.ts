/** Reading lengths and batch sizes back to the host as plain integers. */
import type { Tensor } from '@kindling/tensor';

/** The host values of a 1-D integer tensor or a number list (lengths, batch sizes). */
export function hostInts(t: Tensor | readonly number[]): number[] {
  if (Array.isArray(t)) return (t as readonly number[]).map((v) => Math.trunc(v));
  return Array.from((t as Tensor).dataSync(), (v) => Math.trunc(Number(v)));
}
