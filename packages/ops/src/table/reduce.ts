import { type DType, isFloating } from '../dtype.js';
import type { GT } from '../gt.js';
import type { ReduceOp, ScanOp } from '../kernels.js';
import { fmtShape, normDim } from '../shape.js';
import { type OpRow, saved, savedOut } from './row.js';

/** Reduce over `dims` (normalised, sorted); without keepdim the reduced dims are dropped. */
export interface ReduceAttrs {
  readonly dims: readonly number[];
  readonly keepdim: boolean;
}

/** The output shape with reduced dims kept as size 1 (what kernels write). */
export function keptShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

/** A gradient (or saved output) brought back to the kept-dims shape, ready to broadcast. */
const kept = (t: GT, c: { attrs: ReduceAttrs; inputShapes: readonly (readonly number[])[] }) =>
  c.attrs.keepdim ? t : t.reshape(keptShape(c.inputShapes[0], c.attrs.dims));

export interface ReduceRow extends OpRow<ReduceAttrs> {
  readonly kind: 'reduce';
  readonly op: ReduceOp;
}

function reducedShape(
  op: string,
  shape: readonly number[],
  dims: readonly number[],
  keepdim: boolean,
): number[] {
  const ks = dims.map((d) => normDim(d, shape.length, op));
  if (shape.length === 0) return [];
  return keepdim ? shape.map((s, i) => (ks.includes(i) ? 1 : s)) : shape.filter((_, i) => !ks.includes(i));
}

function reduce(
  op: ReduceOp,
  dtype: (d: DType) => DType,
  extra: Pick<OpRow<ReduceAttrs>, 'saves' | 'grad'>,
): ReduceRow {
  return {
    kind: 'reduce',
    op,
    shape: (s, a) => {
      if ((op === 'amax' || op === 'amin' || op === 'argmax' || op === 'argmin') && s[0].length > 0) {
        for (const d of a.dims) {
          const k = normDim(d, s[0].length, op);
          if (s[0][k] === 0) {
            throw new RangeError(
              `${op}(): Expected reduction dim ${d} to have non-zero size (input shape ${fmtShape(s[0])})`,
            );
          }
        }
      }
      return reducedShape(op, s[0], a.dims, a.keepdim);
    },
    dtype: (d) => dtype(d[0]),
    ...extra,
  };
}

const sumDType = (d: DType): DType => (d === 'bool' ? 'int32' : d);
const index = (): DType => 'int32';

/** amax/amin: the gradient is shared evenly between tied extrema, as torch.amax does. */
const evenlyDistributed = (g: GT, x: GT, out: GT, dims: readonly number[]) => {
  const mask = x.eq(out);
  const count = dims.length ? mask.to(g.dtype).sum(dims, true) : mask.to(g.dtype);
  return g.div(count).where(mask, 0);
};

export const REDUCE = {
  sum: reduce('sum', sumDType, {
    saves: { inputs: [], out: false },
    grad: (g, c) => [kept(g, c).expand(c.inputShapes[0])],
  }),
  prod: reduce('prod', sumDType, {
    saves: { inputs: [0], out: true },
    // Where x has no zero: out / x. Zeros are handled by recomputing the product without them.
    grad: (grad, c) => {
      const x = saved(c, 0);
      const out = kept(savedOut(c), c);
      const g = kept(grad, c);
      const zero = x.eq(0);
      const safe = x.where(zero.logicalNot(), 1);
      const dims = c.attrs.dims;
      // how many zeros each reduced group has, and the product of its non-zero elements
      const nz = zero.to(x.dtype).sum(dims, true);
      const prodNonZero = safe.prod(dims, true);
      // exactly one zero: its gradient is the product of the others; two or more: all zero
      const gradNoZero = g.mul(out).div(safe);
      const gradOneZero = g.mul(prodNonZero).where(zero, 0);
      return [gradNoZero.where(nz.eq(0), gradOneZero.where(nz.eq(1), 0))];
    },
  }),
  amax: reduce('amax', (d) => d, {
    saves: { inputs: [0], out: true },
    grad: (g, c) => [evenlyDistributed(kept(g, c), saved(c, 0), kept(savedOut(c), c), c.attrs.dims)],
  }),
  amin: reduce('amin', (d) => d, {
    saves: { inputs: [0], out: true },
    grad: (g, c) => [evenlyDistributed(kept(g, c), saved(c, 0), kept(savedOut(c), c), c.attrs.dims)],
  }),
  argmax: reduce('argmax', index, { saves: { inputs: [], out: false }, grad: null }),
  argmin: reduce('argmin', index, { saves: { inputs: [], out: false }, grad: null }),
} satisfies Record<string, ReduceRow>;

export interface ScanAttrs {
  readonly dim: number;
}

export interface ScanRow extends OpRow<ScanAttrs> {
  readonly kind: 'scan';
  readonly op: ScanOp;
}

export const SCAN = {
  cumsum: {
    kind: 'scan',
    op: 'cumsum',
    shape: (s, a) => {
      normDim(a.dim, s[0].length, 'cumsum');
      return [...s[0]];
    },
    dtype: (d) => sumDType(d[0]),
    saves: { inputs: [], out: false },
    grad: (g, c) => {
      const d = c.attrs.dim < 0 ? c.attrs.dim + Math.max(1, c.inputShapes[0].length) : c.attrs.dim;
      if (c.inputShapes[0].length === 0) return [g];
      return [g.flip([d]).cumsum(d).flip([d])];
    },
  },
  cumprod: {
    kind: 'scan',
    op: 'cumprod',
    shape: (s, a) => {
      normDim(a.dim, s[0].length, 'cumprod');
      return [...s[0]];
    },
    dtype: (d) => sumDType(d[0]),
    saves: { inputs: [0], out: true },
    // Exact with zeros (PyTorch's cumprod_backward): grad_i = prod_{k<i} x_k * sum_{j>=i} g_j prod_{i<k<=j} x_k,
    // built from [n, n] masks so it stays a formula over differentiable ops.
    grad: (g, c) => {
      const x0 = saved(c, 0);
      if (x0.ndim === 0) return [g];
      const d = c.attrs.dim < 0 ? c.attrs.dim + x0.ndim : c.attrs.dim;
      const x = x0.transpose(d, -1);
      const gl = g.transpose(d, -1);
      const n = x.shape[x.ndim - 1];
      const idx = x.newOnes([n]).cumsum(0).sub(1);
      const row = idx.reshape([n, 1]);
      const col = idx.reshape([1, n]);
      const rows = x.unsqueeze(-2).expand([...x.shape.slice(0, -1), n, n]);
      const after = rows.where(col.gt(row), 1).cumprod(-1);
      const before = rows.where(col.lt(row), 1).prod(-1);
      const inner = gl.unsqueeze(-2).mul(after).where(col.ge(row), 0).sum(-1);
      return [before.mul(inner).transpose(d, -1)];
    },
  },
} satisfies Record<string, ScanRow>;

export const isFloatDType = isFloating;
