import type { Tensor } from '@kindling/tensor';

export const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;

export const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

export const isFloat = (t: Tensor): boolean =>
  t.dtype === 'float32' || t.dtype === 'float64' || t.dtype === 'float16';

export function isTensor(x: unknown): x is Tensor {
  return !!x && typeof x === 'object' && (x as { _isTensor?: boolean })._isTensor === true;
}

export function requireTensor(where: string, name: string, x: unknown): asserts x is Tensor {
  if (!isTensor(x))
    throw new TypeError(`${where}: expected ${name} to be a Tensor, got ${x === null ? 'null' : typeof x}`);
}

export function requireFloat(where: string, name: string, t: Tensor): void {
  if (!isFloat(t)) {
    throw new TypeError(
      `${where}: expected ${name} to be a floating point tensor, got ${t.dtype} (shape ${fmtShape(t.shape)})`,
    );
  }
}

/** Class-index tensors are int32 (PyTorch's int64). */
export function requireIndex(where: string, name: string, t: Tensor): void {
  if (t.dtype !== 'int32') {
    throw new TypeError(
      `${where}: expected ${name} to hold class indices (dtype int32, PyTorch's Long), but found ${t.dtype} (shape ${fmtShape(t.shape)})`,
    );
  }
}

/** The values of `t` when its device can read synchronously (cpu), else null (checks are skipped). */
export function readSync(t: Tensor): ArrayLike<number> | null {
  try {
    return t.dataSync() as ArrayLike<number>;
  } catch {
    return null;
  }
}

/** NumPy broadcasting of two shapes, with a clear error. */
export function broadcastShapes(where: string, a: readonly number[], b: readonly number[]): number[] {
  const nd = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    const x = a[i - (nd - a.length)] ?? 1;
    const y = b[i - (nd - b.length)] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new RangeError(
        `${where}: the size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${i} (shapes ${fmtShape(a)} and ${fmtShape(b)})`,
      );
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

const warned = new Set<string>();
export function warnOnce(key: string, msg: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(msg);
}

/**
 * PyTorch's elementwise losses broadcast input and target with a warning when their sizes differ.
 */
export function checkBroadcastTarget(where: string, input: Tensor, target: Tensor): void {
  if (sameShape(input.shape, target.shape)) return;
  broadcastShapes(where, input.shape, target.shape);
  warnOnce(
    `${where}:${fmtShape(input.shape)}:${fmtShape(target.shape)}`,
    `${where}: Using a target size (${fmtShape(target.shape)}) that is different to the input size (${fmtShape(input.shape)}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`,
  );
}

/** Cast a float tensor option (weight, posWeight) to the input's dtype and device. */
export function like(t: Tensor, ref: Tensor): Tensor {
  let out = t;
  if (out.device !== ref.device) out = out.to(ref.device);
  if (out.dtype !== ref.dtype) out = out.to(ref.dtype);
  return out;
}
