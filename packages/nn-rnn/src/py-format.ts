/** How the recurrent modules print shapes and values in messages and reprs, as PyTorch does. */

/** A shape as PyTorch prints a list: `[2, 3, 5]`. */
export const list = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** A shape as PyTorch prints a tuple: `(2, 3, 5)`. */
export const tuple = (s: readonly number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`);

/** Python's repr of a bool or a float (`True`, `0.5`, `1.0`). */
export function py(v: boolean | number): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}
