import { type DType, isFloating } from '../dtype.js';
import type { GT } from '../gt.js';
import type { ReduceOp, ScanOp } from '../kernels.js';
import { fmtShape, normDim } from '../shape.js';
import { type OpRow, row, saved, savedOut } from './row.js';

/** Reductions keep reduced dims (size 1); the tensor layer squeezes them for keepdim=false. */
export interface ReduceAttrs {
  readonly dims: readonly number[];
}

export interface ReduceRow extends OpRow<ReduceAttrs> {
  readonly kind: 'reduce';
  readonly op: ReduceOp;
}

function keptShape(op: string, shape: readonly number[], dims: readonly number[]): number[] {
  const out = [...shape];
  for (const d of dims) {
    const k = normDim(d, shape.length, op);
    if (shape.length > 0) out[k] = 1;
  }
  return out;
}

function reduce(op: ReduceOp, dtype: (d: DType) => DType, extra: Pick<OpRow<ReduceAttrs>, 'saves' | 'grad'>): ReduceRow {
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
      return keptShape(op, s[0], a.dims);
    },
    dtype: (d) => dtype(d[0]),
    ...extra,
  };
}

const sumDType = (d: DType): DType => (d === 'bool' ? 'int32' : d);
const index = (): DType => 'int32';

/** amax/amin: the gradient is shared evenly between tied maxima, as torch.amax does. */
const evenlyDistributed = (g: GT, x: GT, out: GT) => {
  const mask = x.eq(out);
  const count = mask.sum(null, false).to(g.dtype);
  const dims = x.shape.map((_, i) => i).filter((i) => out.shape[i] !== x.shape[i] || x.shape[i] === 1);
  const cnt = dims.length ? mask.to(g.dtype).sum(dims, true) : count;
  return g.div(cnt).where(mask, 0);
};

export const REDUCE = {
  sum: reduce('sum', sumDType, { saves: { inputs: [], out: false }, grad: (g, c) => [g.expand(c.inputShapes[0])] }),
  prod: reduce('prod', sumDType, {
    saves: { inputs: [0], out: true },
    // Where x has no zero: out / x. Zeros are handled by recomputing the product without them.
    grad: (g, c) => {
      const x = saved(c, 0);
      const out = savedOut(c);
      const zero = x.eq(0);
      const safe = x.where(zero.logicalNot(), 1);
      const dims = c.attrs.dims.length ? c.attrs.dims.map((d) => (d < 0 ? d + x.ndim : d)) : x.shape.map((_, i) => i);
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
    grad: (g, c) => [evenlyDistributed(g, saved(c, 0), savedOut(c))],
  }),
  amin: reduce('amin', (d) => d, {
    saves: { inputs: [0], out: true },
    grad: (g, c) => [evenlyDistributed(g, saved(c, 0), savedOut(c))],
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
    // sum_{j>=i} g_j * out_j / x_i, valid where x has no zeros (PyTorch's general formula handles zeros too)
    grad: (g, c) => {
      const x = saved(c, 0);
      if (x.ndim === 0) return [g];
      const d = c.attrs.dim < 0 ? c.attrs.dim + x.ndim : c.attrs.dim;
      const rev = g.mul(savedOut(c)).flip([d]).cumsum(d).flip([d]);
      return [rev.div(x)];
    },
  },
} satisfies Record<string, ScanRow>;

export const isFloatDType = isFloating;
