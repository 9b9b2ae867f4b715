/** Re-raising a functional's error under the name of the layer that called it. */

/**
 * Run a functional on behalf of a layer: an error the functional raises under its own name
 * (`pixel_shuffle: ...`) is re-raised under the layer's (`PixelShuffle: ...`).
 */
export function renamed<T>(name: string, op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${op}: `))
      e.message = `${name}: ${e.message.slice(op.length + 2)}`;
    throw e;
  }
}
