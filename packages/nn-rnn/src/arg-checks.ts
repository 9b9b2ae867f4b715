/** Argument checks of the recurrent modules: shape equality and size arguments. */

/** Whether two shapes are equal. */
export const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** Require a positive integer size argument (PyTorch 2's TypeError / ValueError wording). */
export function checkSize(name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new TypeError(
      `${name} should be of type int, got: ${v === null || v === undefined ? 'NoneType' : typeof v === 'number' ? 'float' : typeof v}`,
    );
  }
  if (v <= 0) throw new RangeError(`${name} must be greater than zero`);
}
