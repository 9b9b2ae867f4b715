/** Size arguments of the spatial layers and their expansion to one integer per spatial dim. */

/** A kernel size, stride, padding or dilation: one number for every spatial dim, or one per dim. */
export type Size = number | readonly number[];

/** PyTorch's `_single`/`_pair`/`_triple`: a number repeated `n` times, or an array of `n` integers. */
export function ntuple(where: string, name: string, v: Size, n: number): number[] {
  const out = typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
  if (out.length !== n || out.some((x) => typeof x !== 'number' || !Number.isInteger(x))) {
    throw new RangeError(
      `${where}: ${name} must be an integer or a list of ${n} integers, got ${typeof v === 'number' ? v : `[${v.join(', ')}]`}`,
    );
  }
  return out;
}
