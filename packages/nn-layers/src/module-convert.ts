/** Module.to / cpu / double / float / half: PyTorch's Module._apply. */
import { type Device, type DType, keep, noGrad, type Tensor } from '@kindling/tensor';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';

const DTYPES = new Set(['float32', 'float64', 'float16', 'int32', 'bool']);

type Target = Device | DType | { device?: Device; dtype?: DType };

function parse(target: Target): { device?: Device; dtype?: DType } {
  const t =
    typeof target === 'string'
      ? DTYPES.has(target)
        ? { dtype: target as DType }
        : { device: target as Device }
      : target;
  if (t.dtype && t.dtype !== 'float32' && t.dtype !== 'float64' && t.dtype !== 'float16') {
    throw new TypeError(
      `nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${t.dtype}`,
    );
  }
  return t;
}

/** Apply `fn` to every parameter (in place), gradient and buffer, children first. */
function applyAll(m: Module, fn: (t: Tensor) => Tensor): void {
  for (const child of m.children()) applyAll(child, fn);
  noGrad(() => {
    for (const [, p] of m._parameters) {
      if (!p) continue;
      const next = fn(p);
      if (next !== p) p._setData(next);
      if (p.grad) {
        const g = fn(p.grad);
        if (g !== p.grad) p.grad = keep(g);
      }
    }
    for (const [k, b] of m._buffers) {
      if (b) m._buffers.set(k, keep(fn(b)));
    }
  });
}

function converter(t: { device?: Device; dtype?: DType }) {
  return (x: Tensor): Tensor => {
    let y = x;
    // like PyTorch, only floating-point tensors change dtype
    if (t.dtype && x.isFloatingPoint() && x.dtype !== t.dtype) y = y.to(t.dtype);
    if (t.device && y.device !== t.device) y = y.to(t.device);
    if (y !== x && y.requiresGrad && !(x instanceof Parameter)) y = y.detach();
    return y;
  };
}

export function convertTensors(m: Module, target: Target): void {
  applyAll(m, converter(parse(target)));
}

/** Module.toAsync: reads each tensor asynchronously, then applies the moves synchronously. */
export async function convertTensorsAsync(m: Module, device: Device): Promise<void> {
  const moved = new Map<Tensor, Tensor>();
  const all: Tensor[] = [];
  for (const mod of m.modules()) {
    for (const [, p] of mod._parameters) if (p) all.push(p, ...(p.grad ? [p.grad] : []));
    for (const [, b] of mod._buffers) if (b) all.push(b);
  }
  for (const t of all) if (!moved.has(t)) moved.set(t, t.device === device ? t : await t.toAsync(device));
  applyAll(m, (t) => moved.get(t) ?? t);
}
