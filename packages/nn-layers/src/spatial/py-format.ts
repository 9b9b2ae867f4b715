/** How the spatial layers print tuples in reprs and messages, as PyTorch does. */

/** Python's repr of a tuple of numbers: `(3,)`, `(3, 3)`. */
export function pyTuple(v: readonly (number | null)[]): string {
  const items = v.map((x) => (x === null ? 'None' : String(x)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}
