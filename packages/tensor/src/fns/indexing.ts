import { broadcastShapes, fmtShape, normDim } from '@kindling/ops';
import { arange, full, tensor } from '../creation.js';
import { dispatch } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { where } from './elementwise.js';
import { cast, type TensorLike } from './scalars.js';
import { reshape, unsqueeze } from './shape.js';

function asIndex(op: string, index: Tensor): Tensor {
  if (index.dtype !== 'int32') {
    throw new TypeError(
      `${op}(): Expected dtype int32 for index, got ${index.dtype} (shape ${fmtShape(index.shape)})`,
    );
  }
  return index;
}

export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  return dispatch('gather', [x, asIndex('gather', index)], { dim });
}

export function scatter(x: Tensor, dim: number, index: Tensor, src: TensorLike): Tensor {
  const s =
    typeof src === 'object'
      ? cast(src as Tensor, x.dtype)
      : full(index.shape, Number(src), { dtype: x.dtype, device: x.device });
  return dispatch('scatter', [x, asIndex('scatter', index), s], { dim });
}

export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return dispatch('scatterAdd', [x, asIndex('scatter_add', index), cast(src, x.dtype)], { dim });
}

/** An index of `index`'s values along `dim`, broadcast over the other dims of `shape`. */
function alongDim(index: Tensor, dim: number, shape: readonly number[]): Tensor {
  const view = shape.map((_, i) => (i === dim ? index.numel() : 1));
  const target = shape.map((s, i) => (i === dim ? index.numel() : s));
  return reshape(index, view).expand(target);
}

/** The kernels check index ranges; report them as the calling op, in PyTorch's words. */
function renameIndexError(op: string, fn: () => Tensor): Tensor {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError && /out of bounds/.test(e.message)) {
      throw new RangeError(`${op}(): index out of range in self (${e.message})`);
    }
    throw e;
  }
}

export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  asIndex('index_select', index);
  if (index.ndim > 1) throw new RangeError('index_select(): Index is supposed to be a vector');
  if (x.ndim === 0) return gather(x, 0, reshape(index, []));
  const d = normDim(dim, x.ndim, 'index_select');
  return renameIndexError('index_select', () => gather(x, d, alongDim(reshape(index, [-1]), d, x.shape)));
}

/** torch.index_add(x, dim, index, source, alpha). */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, alpha = 1): Tensor {
  asIndex('index_add', index);
  const d = normDim(dim, x.ndim, 'index_add');
  const src = alpha === 1 ? source : source.mul(alpha);
  if (x.ndim === 0) return scatterAdd(x, 0, reshape(index, []), src);
  return renameIndexError('index_add', () =>
    scatterAdd(x, d, alongDim(reshape(index, [-1]), d, source.shape), src),
  );
}

export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  if (mask.dtype !== 'bool') {
    throw new TypeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  }
  const v = typeof value === 'object' ? cast(value as Tensor, x.dtype) : value;
  broadcastShapes('masked_fill', x.shape, mask.shape);
  return where(mask, v, x);
}

/**
 * x[mask]: the selected elements as a 1-D tensor. The output size depends on the data, so the
 * mask is read back synchronously (cpu); use `maskedSelectAsync` on other devices.
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  if (!mask._storage.backend.canReadSync) {
    throw new Error(
      `masked_select: the output size depends on the mask, which on '${mask.device}' is read asynchronously; use await maskedSelectAsync(x, mask)`,
    );
  }
  return maskedSelectWith(x, mask, mask.expand(broadcastTo(x, mask)).dataSync());
}

export async function maskedSelectAsync(x: Tensor, mask: Tensor): Promise<Tensor> {
  return maskedSelectWith(x, mask, await mask.expand(broadcastTo(x, mask)).data());
}

function broadcastTo(x: Tensor, mask: Tensor): number[] {
  const nd = Math.max(x.ndim, mask.ndim);
  return Array.from({ length: nd }, (_, i) => {
    const a = x.shape[i - (nd - x.ndim)] ?? 1;
    const b = mask.shape[i - (nd - mask.ndim)] ?? 1;
    if (a !== b && a !== 1 && b !== 1) {
      throw new RangeError(
        `masked_select: shapes ${fmtShape(x.shape)} and ${fmtShape(mask.shape)} cannot be broadcast together`,
      );
    }
    return Math.max(a, b);
  });
}

function maskedSelectWith(x: Tensor, mask: Tensor, bits: ArrayLike<number>): Tensor {
  if (mask.dtype !== 'bool')
    throw new TypeError(`masked_select: expected BoolTensor for mask, got ${mask.dtype}`);
  const shape = broadcastTo(x, mask);
  const picks: number[] = [];
  for (let i = 0; i < bits.length; i++) if (bits[i]) picks.push(i);
  const flat = reshape(x.expand(shape), [-1]);
  const index = tensor(Int32Array.from(picks), { shape: [picks.length], dtype: 'int32', device: x.device });
  return gather(flat, 0, index);
}

/** torch.nn.functional.one_hot: int32 [..., numClasses]. */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  if (x.dtype !== 'int32') throw new TypeError('one_hot is only applicable to index tensor.');
  let n = numClasses;
  if (n < 0) {
    if (x.numel() === 0) throw new RangeError('Can not infer total number of classes from empty tensor.');
    if (!x._storage.backend.canReadSync) {
      throw new Error(
        `one_hot: pass numClasses for tensors on '${x.device}' (inferring it needs a synchronous read)`,
      );
    }
    n = Number(x.amax().dataSync()[0]) + 1;
  }
  if (x.numel() > 0 && x._storage.backend.canReadSync) {
    const v = x.dataSync();
    for (const c of v) {
      if (c < 0) throw new RangeError('one_hot: Class values must be non-negative.');
      if (c >= n)
        throw new RangeError(
          `one_hot: Class values must be smaller than num_classes. (got ${c} with num_classes ${n})`,
        );
    }
  }
  const classes = arange(0, n, { device: x.device });
  return cast(unsqueeze(x, -1).eq(classes), 'int32');
}

export function flip(x: Tensor, dims: readonly number[]): Tensor {
  let out = x;
  const norm = dims.map((d) => normDim(d, x.ndim, 'flip'));
  norm.forEach((d, i) => {
    if (norm.indexOf(d) !== i)
      throw new RangeError(`flip: dim ${d} appears multiple times in the list of dims`);
  });
  for (const dim of dims) {
    const d = normDim(dim, x.ndim, 'flip');
    const n = x.shape[d];
    const idx = arange(n - 1, -1, -1, { device: x.device });
    out = indexSelect(out, d, n === 0 ? arange(0, { device: x.device }) : idx);
  }
  return out;
}

export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Tensor {
  if (dims === undefined || dims === null) {
    const flat = reshape(x, [-1]);
    return reshape(roll(flat, typeof shifts === 'number' ? shifts : shifts[0], 0), x.shape);
  }
  const sh = typeof shifts === 'number' ? [shifts] : shifts;
  const ds = typeof dims === 'number' ? [dims] : dims;
  if (sh.length !== ds.length)
    throw new RangeError(`roll: shifts and dimensions must align. shifts: ${sh.length}, dims: ${ds.length}`);
  let out = x;
  sh.forEach((s, i) => {
    const d = normDim(ds[i], x.ndim, 'roll');
    const n = x.shape[d];
    if (n === 0) return;
    const k = ((s % n) + n) % n;
    const idx = arange(0, n, { device: x.device }).sub(k).remainder(n);
    out = indexSelect(out, d, cast(idx, 'int32'));
  });
  return out;
}

function triMask(x: Tensor, diagonal: number, upper: boolean): Tensor {
  if (x.ndim < 2)
    throw new RangeError(`${upper ? 'triu' : 'tril'}: input tensor must have at least 2 dimensions`);
  const r = x.shape[x.ndim - 2];
  const c = x.shape[x.ndim - 1];
  const rows = arange(0, r, { device: x.device }).reshape([r, 1]);
  const cols = arange(0, c, { device: x.device }).reshape([1, c]);
  const diff = cols.sub(rows);
  return upper ? diff.ge(diagonal) : diff.le(diagonal);
}

export function tril(x: Tensor, diagonal = 0): Tensor {
  return cast(where(triMask(x, diagonal, false), x, 0), x.dtype);
}

export function triu(x: Tensor, diagonal = 0): Tensor {
  return cast(where(triMask(x, diagonal, true), x, 0), x.dtype);
}
