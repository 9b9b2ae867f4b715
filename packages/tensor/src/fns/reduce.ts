import { fmtShape, isFloating, normDim } from '@kindling/ops';
import { dispatch } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { cast } from './scalars.js';

export type Dims = number | readonly number[] | null | undefined;

/** Normalised, sorted, unique reduction dims (all dims when none are given). */
export function reduceDims(op: string, x: Tensor, dim: Dims): number[] {
  if (dim === null || dim === undefined) return x.shape.map((_, i) => i);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  if (list.length === 0) return x.shape.map((_, i) => i);
  const norm = list.map((d) => normDim(d, x.ndim, op));
  norm.forEach((d, i) => {
    if (norm.indexOf(d) !== i)
      throw new RangeError(`${op}: dim ${d} appears multiple times in the list of dims`);
  });
  const out = [...norm].sort((a, b) => a - b);
  if (x.ndim === 0) return [];
  return out;
}

/** Drop kept size-1 dims when keepdim is false. */
function finish(r: Tensor, x: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  if (keepdim || x.ndim === 0) return r;
  const shape = x.shape.filter((_, i) => !dims.includes(i));
  return r.reshape(shape);
}

function reduceOp(op: 'sum' | 'prod' | 'amax' | 'amin', x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  return dispatch(op, [x], { dims: reduceDims(op, x, dim), keepdim });
}

export function sum(x: Tensor, dim?: Dims, keepdim = false, dtype?: Tensor['dtype']): Tensor {
  return reduceOp('sum', dtype ? cast(x, dtype) : x, dim, keepdim);
}

export function prod(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduceOp('prod', x, dim, keepdim);
}

/** Tensor.max() / min() over every element. */
export function maxAll(which: 'max' | 'min', x: Tensor): Tensor {
  needDim(which, x);
  return reduceOp(which === 'max' ? 'amax' : 'amin', x, null, false);
}

export function amax(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduceOp('amax', x, dim, keepdim);
}

export function amin(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduceOp('amin', x, dim, keepdim);
}

function count(x: Tensor, dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= x.shape[d];
  return n;
}

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (!isFloating(x.dtype)) {
    throw new TypeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`,
    );
  }
  const dims = reduceDims('mean', x, dim);
  return sum(x, dims, keepdim).div(count(x, dims));
}

export interface VarOptions {
  correction?: number;
  /** torch's legacy flag: unbiased=false is correction=0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

export function variance(x: Tensor, dim?: Dims | VarOptions, opts: VarOptions = {}): Tensor {
  if (dim !== null && typeof dim === 'object' && !Array.isArray(dim))
    return variance(x, null, dim as VarOptions);
  if (!isFloating(x.dtype)) {
    throw new TypeError(`std and var only support floating point and complex dtypes (got ${x.dtype})`);
  }
  const dims = reduceDims('var', x, dim as Dims);
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  const keepdim = opts.keepdim ?? false;
  const n = count(x, dims);
  const mu = mean(x, dims, true);
  const d = x.sub(mu);
  const ss = sum(d.mul(d), dims, keepdim);
  return ss.div(Math.max(0, n - correction));
}

export function std(x: Tensor, dim?: Dims | VarOptions, opts: VarOptions = {}): Tensor {
  return variance(x, dim, opts).sqrt();
}

/** torch.var_mean / std_mean. */
export function varMean(x: Tensor, dim?: Dims, opts: VarOptions = {}): [Tensor, Tensor] {
  return [variance(x, dim, opts), mean(x, dim, opts.keepdim ?? false)];
}

export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  const xf = isFloating(x.dtype) ? x : cast(x, 'float32');
  const dims = reduceDims('logsumexp', xf, dim);
  if (xf.numel() === 0) return sum(xf, dims, keepdim).log();
  const m = amax(xf, dims, true).detach();
  // an all -inf (or inf) group keeps its max instead of producing NaN
  const safe = m.where(m.isfinite(), 0);
  const r = xf.sub(safe).exp().sum(dims, true).log().add(safe);
  return finish(r, xf, dims, keepdim);
}

/** max/min over a dim: [values, indices]; the values' gradient flows to the chosen index. */
export function maxMin(which: 'max' | 'min', x: Tensor, dim: number, keepdim = false): [Tensor, Tensor] {
  const d = normDim(dim, x.ndim, which);
  if (x.ndim > 0 && x.shape[d] === 0) {
    throw new RangeError(
      `${which}(): Expected reduction dim ${dim} to have non-zero size (input shape ${fmtShape(x.shape)})`,
    );
  }
  const dims = x.ndim === 0 ? [] : [d];
  const idx = dispatch(which === 'max' ? 'argmax' : 'argmin', [x], { dims, keepdim: true });
  const values = x.ndim === 0 ? x.clone() : x.gather(d, idx);
  return [finish(values, x, dims, keepdim), finish(idx, x, dims, keepdim)];
}

function needDim(op: string, x: Tensor) {
  if (x.numel() === 0) {
    throw new RangeError(
      `${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
    );
  }
}

export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  if (dim == null) needDim('argmax', x);
  const dims = dim == null ? x.shape.map((_, i) => i) : [normDim(dim, x.ndim, 'argmax')];
  return dispatch('argmax', [x], { dims, keepdim: dim == null ? false : keepdim });
}

export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  if (dim == null) needDim('argmin', x);
  const dims = dim == null ? x.shape.map((_, i) => i) : [normDim(dim, x.ndim, 'argmin')];
  return dispatch('argmin', [x], { dims, keepdim: dim == null ? false : keepdim });
}

/** all/any count the zeros / non-zeros, so empty reductions give True / False as in PyTorch. */
export function all(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return sum(x.eq(0), dim, keepdim).eq(0);
}

export function any(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return sum(x.ne(0), dim, keepdim).gt(0);
}

export type NormOrd = number | 'fro';

/** torch.norm / torch.linalg.vector_norm over dims. */
export function norm(x: Tensor, p: NormOrd = 2, dim?: Dims, keepdim = false): Tensor {
  const xf = isFloating(x.dtype) ? x : cast(x, 'float32');
  const dims = reduceDims('norm', xf, dim);
  const ord = p === 'fro' ? 2 : p;
  const a = xf.abs();
  if (ord === Number.POSITIVE_INFINITY) return amax(a, dims, keepdim);
  if (ord === Number.NEGATIVE_INFINITY) return amin(a, dims, keepdim);
  if (ord === 0) {
    // a count of nonzeros; like PyTorch it stays in the graph with a zero gradient
    // (a.where(never, 0) is 0 everywhere, even for inf/NaN entries)
    const count = a
      .ne(0)
      .to(xf.dtype)
      .add(a.where(a.lt(-1), 0));
    return sum(count, dims, keepdim);
  }
  if (ord === 1) return sum(a, dims, keepdim);
  if (ord === 2) {
    // sqrt(sum x^2) with PyTorch's gradient at 0 (0, not NaN)
    const s = sum(xf.mul(xf), dims, keepdim);
    const nz = s.ne(0);
    return s.where(nz, 1).sqrt().where(nz, 0);
  }
  const s = sum(a.pow(ord), dims, keepdim);
  return s.pow(1 / ord);
}

export function cumsum(x: Tensor, dim: number): Tensor {
  return dispatch('cumsum', [x], { dim });
}

export function cumprod(x: Tensor, dim: number): Tensor {
  return dispatch('cumprod', [x], { dim });
}
