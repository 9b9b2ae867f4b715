import { fmtShape, normDim, numel } from '@kindling/ops';
import { dispatch } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { cast } from './scalars.js';

/** Resolve one -1 in a requested shape. */
export function inferShape(op: string, shape: readonly number[], n: number): number[] {
  const out = [...shape];
  const neg = out.indexOf(-1);
  if (neg >= 0) {
    if (out.indexOf(-1, neg + 1) >= 0) throw new RangeError(`${op}: only one dimension can be inferred`);
    const rest = out.reduce((a, d, i) => (i === neg ? a : a * d), 1);
    if (rest === 0 || n % rest !== 0)
      throw new RangeError(`${op}: shape ${fmtShape(shape)} is invalid for input of size ${n}`);
    out[neg] = n / rest;
  }
  if (numel(out) !== n)
    throw new RangeError(`${op}: shape ${fmtShape(shape)} is invalid for input of size ${n}`);
  return out;
}

/** torch.reshape: a view when the strides allow, else a copy. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return dispatch('reshape', [x], { shape: inferShape('reshape', shape, x.numel()) });
}

/** Tensor.view: like reshape, but never copies. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape('view', shape, x.numel());
  const out = dispatch('reshape', [x], { shape: s });
  if (out._storage !== x._storage) {
    throw new RangeError(
      `view: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces) (input ${fmtShape(x.shape)} strides ${fmtShape(x.strides)}, requested ${fmtShape(s)}). Use .reshape(...) instead.`,
    );
  }
  return out;
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  return dispatch('permute', [x], { dims });
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.ndim === 0) return x;
  const a = normDim(dim0, x.ndim, 'transpose');
  const b = normDim(dim1, x.ndim, 'transpose');
  if (a === b) return x;
  const dims = x.shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
}

export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new RangeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return dispatch('expand', [x], { shape });
}

/** Python-style slice bounds, clamped. */
export function slice(x: Tensor, dim: number, start = 0, end = Number.POSITIVE_INFINITY, step = 1): Tensor {
  const d = normDim(dim, x.ndim, 'slice');
  const n = x.shape[d];
  let s = start < 0 ? start + n : start;
  let e = end < 0 ? end + n : end;
  s = Math.min(Math.max(s, 0), n);
  e = Math.min(Math.max(e, s), n);
  return dispatch('slice', [x], { dim: d, start: s, end: e, step });
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim(dim, x.ndim, 'narrow');
  const n = x.shape[d];
  const s = start < 0 ? start + n : start;
  if (s < 0 || s > n || length < 0 || s + length > n) {
    throw new RangeError(`narrow(): start (${start}) + length (${length}) exceeds dimension size (${n}).`);
  }
  return dispatch('slice', [x], { dim: d, start: s, end: s + length, step: 1 });
}

/** x.select(dim, i) (x[..., i, ...]) */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normDim(dim, x.ndim, 'select');
  const n = x.shape[d];
  if (index < -n || index >= n) {
    throw new RangeError(
      `select(): index ${index} out of range for tensor of size ${fmtShape(x.shape)} at dimension ${d}`,
    );
  }
  const i = index < 0 ? index + n : index;
  const s = narrow(x, d, i, 1);
  return reshape(
    s,
    x.shape.filter((_, k) => k !== d),
  );
}

export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  if (dim === undefined)
    return reshape(
      x,
      x.shape.filter((s) => s !== 1),
    );
  const dims = (typeof dim === 'number' ? [dim] : dim).map((d) => normDim(d, x.ndim, 'squeeze'));
  return reshape(
    x,
    x.shape.filter((s, i) => !(s === 1 && dims.includes(i))),
  );
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim(dim, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(startDim, x.ndim, 'flatten');
  const e = normDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new RangeError('flatten() has invalid args: start_dim cannot come after end_dim');
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normDim(dim, x.ndim, 'unflatten');
  const prod = sizes.reduce((a, b) => (b === -1 ? a : a * b), 1);
  if (
    (!sizes.includes(-1) && prod !== x.shape[d]) ||
    (sizes.includes(-1) && (prod === 0 || x.shape[d] % prod !== 0))
  ) {
    throw new RangeError(
      `unflatten: Provided sizes [${sizes.join(', ')}] don't multiply up to the size of dim ${dim} (${x.shape[d]}) in the input tensor`,
    );
  }
  const inner = inferShape('unflatten', sizes, x.shape[d]);
  return reshape(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : dispatch('clone', [x], {});
}

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RangeError('cat(): expected a non-empty list of Tensors');
  const dt = tensors.map((t) => t.dtype).reduce((a, b) => (a === b ? a : promote(a, b)));
  return dispatch(
    'cat',
    tensors.map((t) => cast(t, dt)),
    { dim },
  );
}

function promote(a: Tensor['dtype'], b: Tensor['dtype']): Tensor['dtype'] {
  const order = ['bool', 'int32', 'float16', 'float32', 'float64'] as const;
  return order.indexOf(a) > order.indexOf(b) ? a : b;
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RangeError('stack expects a non-empty TensorList');
  const ref = tensors[0].shape;
  tensors.forEach((t, i) => {
    if (t.shape.length !== ref.length || t.shape.some((d, k) => d !== ref[k])) {
      throw new RangeError(
        `stack expects each tensor to be equal size, but got ${fmtShape(ref)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}`,
      );
    }
  });
  const d = normDim(dim, ref.length + 1, 'stack');
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = normDim(dim, x.ndim, 'split');
  const n = x.shape[d];
  const sizes: number[] = [];
  if (typeof splitSizeOrSections === 'number') {
    const s = splitSizeOrSections;
    if (s <= 0 && n > 0) throw new RangeError(`split(): split_size must be positive, got ${s}`);
    for (let at = 0; at < n || (n === 0 && sizes.length === 0); at += s) sizes.push(Math.min(s, n - at));
  } else {
    const total = splitSizeOrSections.reduce((a, b) => a + b, 0);
    if (total !== n) {
      throw new RangeError(
        `split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=[${splitSizeOrSections.join(', ')}]`,
      );
    }
    sizes.push(...splitSizeOrSections);
  }
  let at = 0;
  return sizes.map((len) => {
    const part = narrow(x, d, at, len);
    at += len;
    return part;
  });
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (chunks <= 0) throw new RangeError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normDim(dim, x.ndim, 'chunk');
  const size = Math.ceil(x.shape[d] / chunks);
  return split(x, Math.max(size, 1), d);
}

export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normDim(dim, x.ndim, 'unbind');
  return Array.from({ length: x.shape[d] }, (_, i) => select(x, d, i));
}

/** Tensor.repeat: tile by copying (expand + reshape). */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim) {
    throw new RangeError(
      'repeat(): Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor',
    );
  }
  const lead = sizes.length - x.ndim;
  const src = [...new Array(lead).fill(1), ...x.shape];
  const inter: number[] = [];
  const expanded: number[] = [];
  src.forEach((s, i) => {
    inter.push(1, s);
    expanded.push(sizes[i], s);
  });
  const r = reshape(x, inter);
  const e = expand(r, expanded);
  return reshape(
    contiguous(e),
    src.map((s, i) => s * sizes[i]),
  );
}

export function tile(x: Tensor, dims: readonly number[]): Tensor {
  const sizes = dims.length < x.ndim ? [...new Array(x.ndim - dims.length).fill(1), ...dims] : [...dims];
  return repeat(x, sizes);
}

export function movedim(x: Tensor, source: number, destination: number): Tensor {
  const s = normDim(source, x.ndim, 'movedim');
  const d = normDim(destination, x.ndim, 'movedim');
  const order = x.shape.map((_, i) => i).filter((i) => i !== s);
  order.splice(d, 0, s);
  return permute(x, order);
}
