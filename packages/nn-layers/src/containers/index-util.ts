/** Python-style index handling shared by the list-like containers. */

/** Normalise a (possibly negative) index into [0, n); throws PyTorch's IndexError text otherwise. */
export function normIndex(what: string, i: number, n: number): number {
  if (!Number.isInteger(i)) throw new TypeError(`${what} indices must be integers, not ${typeof i}`);
  if (i < -n || i >= n) throw new RangeError(`index ${i} is out of range`);
  return i < 0 ? i + n : i;
}
