/** Options objects that also accept PyTorch's first keyword argument positionally. */

/** Accept PyTorch's first keyword argument positionally as a number, or all of them as an object. */
export function opts<O extends object>(arg: number | O | undefined, key: keyof O): O {
  if (typeof arg === 'number') return { [key]: arg } as O;
  return arg ?? ({} as O);
}
