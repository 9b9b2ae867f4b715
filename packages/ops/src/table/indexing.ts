import { fmtShape, normDim } from '../shape.js';
import { type OpRow, saved } from './row.js';

export interface GatherAttrs {
  readonly dim: number;
}
export interface ScatterAttrs {
  readonly dim: number;
}

function checkIndexShape(
  op: string,
  self: readonly number[],
  index: readonly number[],
  dim: number,
  src?: readonly number[],
) {
  const nd = Math.max(self.length, 1);
  const d = normDim(dim, self.length, op);
  if (index.length !== self.length && !(self.length === 0 && index.length <= 1)) {
    throw new RangeError(
      `${op}(): Index tensor must have the same number of dimensions as input tensor (index ${fmtShape(index)}, input ${fmtShape(self)})`,
    );
  }
  for (let k = 0; k < index.length && k < nd; k++) {
    if (k !== d && self.length > 0 && index[k] > self[k]) {
      throw new RangeError(
        `${op}(): Size does not match at dimension ${k} expected index ${fmtShape(index)} to be smaller than self ${fmtShape(self)} apart from dimension ${d}`,
      );
    }
    if (src && src.length > 0 && index[k] > src[k]) {
      throw new RangeError(
        `${op}(): Expected index ${fmtShape(index)} to be smaller than self ${fmtShape(self)} apart from dimension ${d} and to be smaller size than src ${fmtShape(src)}`,
      );
    }
  }
}

/**
 * gather(x, dim, index): out has index's shape. The index dtype must be int32; values are
 * checked by the kernel (out-of-range indices throw before anything is written).
 */
export const INDEXING = {
  gather: {
    kind: 'gather',
    shape: (s, a: GatherAttrs) => {
      checkIndexShape('gather', s[0], s[1], a.dim);
      return [...s[1]];
    },
    dtype: (d) => d[0],
    saves: { inputs: [1], out: false },
    grad: (g, c) => {
      const index = saved(c, 1);
      const zeros = g.newZeros(c.inputShapes[0]);
      return [zeros.scatterAdd(c.attrs.dim, index, g), null];
    },
  } satisfies OpRow<GatherAttrs>,
  /** scatter(self, dim, index, src): a copy of self with src written at index. */
  scatter: {
    kind: 'scatter',
    shape: (s, a: ScatterAttrs) => {
      checkIndexShape('scatter', s[0], s[1], a.dim, s[2]);
      return [...s[0]];
    },
    dtype: (d) => d[0],
    saves: { inputs: [1], out: false },
    grad: (g, c) => {
      const index = saved(c, 1);
      return [g.scatter(c.attrs.dim, index, 0), null, g.gather(c.attrs.dim, index)];
    },
  } satisfies OpRow<ScatterAttrs>,
  /** scatterAdd(self, dim, index, src): a copy of self with src added at index. */
  scatterAdd: {
    kind: 'scatter',
    shape: (s, a: ScatterAttrs) => {
      checkIndexShape('scatter_add', s[0], s[1], a.dim, s[2]);
      return [...s[0]];
    },
    dtype: (d) => d[0],
    saves: { inputs: [1], out: false },
    grad: (g, c) => [g, null, g.gather(c.attrs.dim, saved(c, 1))],
  } satisfies OpRow<ScatterAttrs>,
};
