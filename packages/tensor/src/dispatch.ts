import { isGradEnabled, record } from '@kindling/autograd';
import {
  type Backend,
  type BinaryRow,
  contiguousStrides,
  type DType,
  fmtShape,
  type KernelAttrs,
  type KernelName,
  keptShape,
  numel,
  OP_LABEL,
  type OpAttrs,
  type OpName,
  OPS,
  type OpRow,
  type View,
  type ViewRow,
} from '@kindling/ops';
import { Storage } from './storage.js';
import { Tensor } from './tensor.js';

/** A kernel view of a tensor, optionally broadcast to `shape` (stride 0 on new and size-1 dims). */
export function viewOf(t: Tensor, shape?: readonly number[]): View {
  t._checkAlive();
  if (!shape || (shape.length === t.shape.length && shape.every((d, i) => d === t.shape[i]))) {
    return {
      buffer: t._storage.buffer,
      dtype: t.dtype,
      shape: t.shape,
      strides: t.strides,
      offset: t.offset,
    };
  }
  const off = shape.length - t.shape.length;
  const strides = shape.map((d, i) => {
    const k = i - off;
    if (k < 0) return 0;
    return t.shape[k] === 1 && d !== 1 ? 0 : t.strides[k];
  });
  return { buffer: t._storage.buffer, dtype: t.dtype, shape, strides, offset: t.offset };
}

/** A new contiguous tensor on `backend` (contents unspecified until a kernel writes it). */
export function allocTensor(backend: Backend, shape: readonly number[], dtype: DType): Tensor {
  const n = numel(shape);
  const storage = new Storage(backend, backend.alloc(dtype, n), dtype, n);
  return new Tensor(storage, shape, contiguousStrides(shape), 0, dtype);
}

export function runKernel<K extends KernelName>(
  backend: Backend,
  kernel: K,
  outs: readonly Tensor[],
  ins: readonly View[],
  attrs: KernelAttrs[K],
): void {
  backend.run(
    kernel,
    outs.map((o) => viewOf(o)),
    ins,
    attrs,
  );
}

/** The backend all inputs live on, or PyTorch's error naming two devices. */
export function sameDevice(op: string, inputs: readonly Tensor[]): Backend {
  const b = inputs[0]._storage.backend;
  for (let i = 1; i < inputs.length; i++) {
    const o = inputs[i]._storage.backend;
    if (o !== b) {
      throw new Error(
        `${op}: Expected all tensors to be on the same device, but found at least two devices, ${b.device} and ${o.device}!`,
      );
    }
  }
  return b;
}

/** Convert for a kernel that wants `dtype` (no autograd: the node records the original inputs). */
export function castForKernel(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const out = allocTensor(t._storage.backend, t.shape, dtype);
  runKernel(t._storage.backend, 'copy', [out], [viewOf(t)], {});
  return out;
}

/** The float dtype a backend computes a storage-only dtype in (float16 -> float32). */
export function computeIn(backend: Backend, dtype: DType): DType {
  return backend.supportsDType(dtype) ? dtype : 'float32';
}

/**
 * Run one op of the table: shape and dtype rules, device check, kernel, and the autograd record.
 * This is the single path every primitive op takes.
 */
export function dispatch<K extends OpName>(op: K, inputs: readonly Tensor[], attrs: OpAttrs[K]): Tensor {
  const row = OPS[op] as unknown as OpRow<OpAttrs[K]>;
  const backend = sameDevice(op, inputs);
  OP_LABEL.current = op;
  const shapes = inputs.map((t) => t.shape);
  const shape = row.shape(shapes, attrs);
  const dtype = row.dtype(
    inputs.map((t) => t.dtype),
    attrs,
  );
  const out = execute(op, row, backend, inputs, shape, dtype, attrs);
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) record(op, row, attrs, inputs, out);
  return out;
}

function execute<K extends OpName>(
  op: K,
  row: OpRow<OpAttrs[K]>,
  backend: Backend,
  inputs: readonly Tensor[],
  shape: number[],
  dtype: DType,
  attrs: OpAttrs[K],
): Tensor {
  const kind = row.kind;
  switch (kind) {
    case 'view': {
      const x = inputs[0];
      const layout = (row as unknown as ViewRow<OpAttrs[K]>).view(x, attrs);
      if (layout) return x._viewAs(layout.shape, layout.strides, layout.offset);
      // not expressible as a view of this layout: reshape copies (PyTorch's reshape semantics)
      const c = allocTensor(backend, x.shape, x.dtype);
      runKernel(backend, 'copy', [c], [viewOf(x)], {});
      const again = (row as unknown as ViewRow<OpAttrs[K]>).view(c, attrs);
      return again
        ? c._viewAs(again.shape, again.strides, again.offset)
        : c._viewAs(shape, contiguousStrides(shape), 0);
    }
    case 'unary': {
      const ct = computeIn(backend, inputs[0].dtype);
      const x = castForKernel(inputs[0], ct);
      const outDt = computeIn(backend, dtype);
      const out = allocTensor(backend, shape, outDt);
      const params = (attrs as { params?: readonly number[] }).params ?? [];
      runKernel(backend, 'unary', [out], [viewOf(x)], { op: op as never, params });
      return outDt === dtype ? out : castForKernel(out, dtype);
    }
    case 'binary': {
      const r = row as unknown as BinaryRow;
      const ct = computeIn(backend, r.computeDType(inputs[0].dtype, inputs[1].dtype));
      const a = castForKernel(inputs[0], ct);
      const b = castForKernel(inputs[1], ct);
      const outDt = computeIn(backend, dtype);
      const out = allocTensor(backend, shape, outDt);
      runKernel(backend, 'binary', [out], [viewOf(a, shape), viewOf(b, shape)], { op: op as never });
      return outDt === dtype ? out : castForKernel(out, dtype);
    }
    case 'where': {
      const cond = castForKernel(inputs[0], 'bool');
      const ct = computeIn(backend, dtype);
      const a = castForKernel(inputs[1], ct);
      const b = castForKernel(inputs[2], ct);
      const out = allocTensor(backend, shape, ct);
      runKernel(backend, 'where', [out], [viewOf(cond, shape), viewOf(a, shape), viewOf(b, shape)], {});
      return ct === dtype ? out : castForKernel(out, dtype);
    }
    case 'reduce': {
      const r = row as unknown as { op: KernelAttrs['reduce']['op'] };
      const arg = r.op === 'argmax' || r.op === 'argmin';
      const x = castForKernel(
        inputs[0],
        computeIn(
          backend,
          inputs[0].dtype === 'bool' && (r.op === 'sum' || r.op === 'prod') ? 'int32' : inputs[0].dtype,
        ),
      );
      const out = allocTensor(backend, shape, arg ? 'int32' : x.dtype);
      const dims = (attrs as unknown as OpAttrs['sum']).dims;
      // kernels write the kept-dims layout; dropping size-1 dims leaves a contiguous buffer as is
      const kept = keptShape(x.shape, dims);
      backend.run(
        'reduce',
        [{ ...viewOf(out), shape: kept, strides: contiguousStrides(kept) }],
        [viewOf(x)],
        { op: r.op, dims },
      );
      return castForKernel(out, dtype);
    }
    case 'scan': {
      const r = row as unknown as { op: KernelAttrs['scan']['op'] };
      const x = castForKernel(inputs[0], computeIn(backend, dtype));
      const out = allocTensor(backend, shape, x.dtype);
      const a = attrs as unknown as { dim: number };
      const dim = x.ndim === 0 ? 0 : a.dim < 0 ? a.dim + x.ndim : a.dim;
      if (x.ndim === 0) {
        runKernel(backend, 'copy', [out], [viewOf(x)], {});
      } else {
        runKernel(backend, 'scan', [out], [viewOf(x)], { op: r.op, dim });
      }
      return castForKernel(out, dtype);
    }
    case 'matmul': {
      const ct = computeIn(backend, dtype);
      const a = castForKernel(inputs[0], ct);
      const b = castForKernel(inputs[1], ct);
      const batch = shape.slice(0, -2);
      const aShape = [...batch, ...a.shape.slice(-2)];
      const bShape = [...batch, ...b.shape.slice(-2)];
      const out = allocTensor(backend, shape, ct);
      runKernel(backend, 'matmul', [out], [viewOf(a, aShape), viewOf(b, bShape)], {});
      return castForKernel(out, dtype);
    }
    case 'softmax': {
      const ct = computeIn(backend, dtype);
      const x = castForKernel(inputs[0], ct);
      const out = allocTensor(backend, shape, ct);
      const a = attrs as unknown as { dim: number };
      const nd = Math.max(1, x.ndim);
      const dim = a.dim < 0 ? a.dim + nd : a.dim;
      if (x.ndim === 0) {
        runKernel(backend, 'fill', [out], [], { value: op === 'logSoftmax' ? 0 : 1 });
      } else {
        runKernel(backend, 'softmax', [out], [viewOf(x)], { dim, log: op === 'logSoftmax' });
      }
      return castForKernel(out, dtype);
    }
    case 'gather': {
      const [x, index] = inputs;
      checkIndexDType(op, index);
      const out = allocTensor(backend, shape, computeIn(backend, x.dtype));
      const nd = Math.max(1, x.ndim);
      const a = attrs as unknown as { dim: number };
      const dim = a.dim < 0 ? a.dim + nd : a.dim;
      runKernel(backend, 'gather', [out], [viewOf(castForKernel(x, out.dtype)), viewOf(index)], { dim });
      return castForKernel(out, dtype);
    }
    case 'scatter': {
      const [self, index, src] = inputs;
      checkIndexDType(op, index);
      const ct = computeIn(backend, self.dtype);
      const out = allocTensor(backend, shape, ct);
      runKernel(backend, 'copy', [out], [viewOf(self)], {});
      const nd = Math.max(1, self.ndim);
      const a = attrs as unknown as { dim: number };
      const dim = a.dim < 0 ? a.dim + nd : a.dim;
      runKernel(backend, 'scatter', [out], [viewOf(castForKernel(src, ct)), viewOf(index)], {
        dim,
        accumulate: op === 'scatterAdd',
      });
      return castForKernel(out, dtype);
    }
    case 'im2col': {
      const ct = computeIn(backend, dtype);
      const out = allocTensor(backend, shape, ct);
      runKernel(
        backend,
        'im2col',
        [out],
        [viewOf(castForKernel(inputs[0], ct))],
        attrs as unknown as KernelAttrs['im2col'],
      );
      return castForKernel(out, dtype);
    }
    case 'col2im': {
      const ct = computeIn(backend, dtype);
      const out = allocTensor(backend, shape, ct);
      runKernel(
        backend,
        'col2im',
        [out],
        [viewOf(castForKernel(inputs[0], ct))],
        attrs as unknown as KernelAttrs['col2im'],
      );
      return castForKernel(out, dtype);
    }
    case 'cast':
    case 'clone': {
      const out = allocTensor(backend, shape, dtype);
      runKernel(backend, 'copy', [out], [viewOf(inputs[0])], {});
      return out;
    }
    case 'stridedScatter': {
      const { layout } = attrs as unknown as OpAttrs['stridedScatter'];
      const out = allocTensor(backend, shape, dtype);
      runKernel(backend, 'fill', [out], [], { value: 0 });
      backend.run('copy', [{ ...viewOf(out), ...layout }], [viewOf(inputs[0])], {});
      return out;
    }
    case 'cat': {
      const out = allocTensor(backend, shape, dtype);
      const a = attrs as unknown as OpAttrs['cat'];
      const dim = a.dim < 0 ? a.dim + shape.length : a.dim;
      let at = 0;
      for (const t of inputs) {
        if (t.ndim === 1 && t.shape[0] === 0 && shape.length !== 1) continue;
        const len = t.shape[dim];
        if (len === 0) continue;
        const dst = OPS.slice.view(out, { dim, start: at, end: at + len, step: 1 });
        backend.run(
          'copy',
          [{ ...viewOf(out), shape: dst.shape, strides: dst.strides, offset: dst.offset }],
          [viewOf(t)],
          {},
        );
        at += len;
      }
      return out;
    }
    case 'constantPad': {
      const a = attrs as unknown as OpAttrs['constantPad'];
      const x = inputs[0];
      const out = allocTensor(backend, shape, dtype);
      runKernel(backend, 'fill', [out], [], { value: a.value });
      // the overlap of input and output, per padded dim (negative pads crop the input)
      let src: View = viewOf(x);
      let dst: View = viewOf(out);
      const nd = shape.length;
      let empty = false;
      for (let i = 0; i < a.pad.length / 2; i++) {
        const d = nd - 1 - i;
        const before = a.pad[2 * i];
        const after = a.pad[2 * i + 1];
        const srcStart = Math.max(0, -before);
        const srcEnd = x.shape[d] - Math.max(0, -after);
        const len = srcEnd - srcStart;
        if (len <= 0) {
          empty = true;
          break;
        }
        const dstStart = Math.max(0, before);
        src = { ...src, ...OPS.slice.view(src, { dim: d, start: srcStart, end: srcEnd, step: 1 }) };
        dst = { ...dst, ...OPS.slice.view(dst, { dim: d, start: dstStart, end: dstStart + len, step: 1 }) };
      }
      if (!empty && numel(src.shape) > 0) backend.run('copy', [dst], [src], {});
      return out;
    }
    default:
      return kind satisfies never;
  }
}

function checkIndexDType(op: string, index: Tensor) {
  if (index.dtype !== 'int32') {
    throw new TypeError(
      `${op}(): Expected dtype int32 for index, got ${index.dtype} (index shape ${fmtShape(index.shape)})`,
    );
  }
}
