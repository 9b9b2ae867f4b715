import { isFloating, promoteTypes, TORCH_NAME } from '../dtype.js';
import type { Col2imAttrs, Im2colAttrs } from '../gt.js';
import { broadcastShapes, fmtShape, normDim, numel } from '../shape.js';
import { type OpRow, saved, savedOut } from './row.js';

export interface SoftmaxAttrs {
  readonly dim: number;
}

/** Primitive matmul: both operands have >= 2 dims; batch dims broadcast. */
export const NN_PRIMS = {
  matmul: {
    kind: 'matmul',
    shape: (s) => {
      const [a, b] = s;
      if (a.length < 2 || b.length < 2) throw new RangeError('matmul: both operands need at least 2 dims');
      const m = a[a.length - 2];
      const k = a[a.length - 1];
      const k2 = b[b.length - 2];
      const n = b[b.length - 1];
      if (k !== k2) {
        throw new RangeError(
          `matmul: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be multiplied (${m}x${k} and ${k2}x${n})`,
        );
      }
      const batch = broadcastShapes('matmul', a.slice(0, -2), b.slice(0, -2));
      return [...batch, m, n];
    },
    dtype: (d) => {
      if (d[0] !== d[1]) {
        throw new TypeError(
          `matmul: expected both operands to have the same dtype, but got ${TORCH_NAME[d[0]]} and ${TORCH_NAME[d[1]]}`,
        );
      }
      if (d[0] === 'bool') throw new TypeError('matmul: "addmm_impl_cpu_" not implemented for \'Bool\'');
      return promoteTypes(d[0], d[1]);
    },
    saves: { inputs: [0, 1], out: false },
    grad: (g, c) => {
      const a = saved(c, 0);
      const b = saved(c, 1);
      return [
        c.needs[0] ? g.matmul(b.transpose(-1, -2)) : null,
        c.needs[1] ? a.transpose(-1, -2).matmul(g) : null,
      ];
    },
  } satisfies OpRow<Record<string, never>>,
  softmax: {
    kind: 'softmax',
    shape: (s, a: SoftmaxAttrs) => {
      normDim(a.dim, s[0].length, 'softmax');
      return [...s[0]];
    },
    dtype: (d) => (isFloating(d[0]) ? d[0] : 'float32'),
    saves: { inputs: [], out: true },
    grad: (g, c) => {
      const out = savedOut(c);
      const d = c.attrs.dim;
      return [out.mul(g.sub(g.mul(out).sum(d, true)))];
    },
  } satisfies OpRow<SoftmaxAttrs>,
  logSoftmax: {
    kind: 'softmax',
    shape: (s, a: SoftmaxAttrs) => {
      normDim(a.dim, s[0].length, 'log_softmax');
      return [...s[0]];
    },
    dtype: (d) => (isFloating(d[0]) ? d[0] : 'float32'),
    saves: { inputs: [], out: true },
    grad: (g, c) => {
      const out = savedOut(c);
      return [g.sub(out.exp().mul(g.sum(c.attrs.dim, true)))];
    },
  } satisfies OpRow<SoftmaxAttrs>,
  /** [N, C, *spatial] -> [N, C * prod(kernel), prod(outSize)], channel-major then kernel offsets. */
  im2col: {
    kind: 'im2col',
    shape: (s, a: Im2colAttrs) => {
      const x = s[0];
      const sd = a.kernel.length;
      if (x.length !== sd + 2) {
        throw new RangeError(`im2col: expected a ${sd + 2}-D input [N, C, *spatial], got ${fmtShape(x)}`);
      }
      return [x[0], x[1] * numel(a.kernel), numel(a.outSize)];
    },
    dtype: (d) => d[0],
    saves: { inputs: [], out: false },
    grad: (g, c) => {
      const x = c.inputShapes[0];
      const { kernel, stride, padding, dilation, outSize } = c.attrs;
      return [g.col2im({ kernel, stride, padding, dilation, outSize, inputSize: x.slice(2) })];
    },
  } satisfies OpRow<Im2colAttrs>,
  col2im: {
    kind: 'col2im',
    shape: (s, a: Col2imAttrs) => {
      const x = s[0];
      const k = numel(a.kernel);
      if (x.length !== 3 || x[1] % k !== 0 || x[2] !== numel(a.outSize)) {
        throw new RangeError(
          `col2im: expected input [N, C * ${k}, ${numel(a.outSize)}] for kernel ${fmtShape(a.kernel)} and output grid ${fmtShape(a.outSize)}, got ${fmtShape(x)}`,
        );
      }
      return [x[0], x[1] / k, ...a.inputSize];
    },
    dtype: (d) => d[0],
    saves: { inputs: [], out: false },
    grad: (g, c) => {
      const { kernel, stride, padding, dilation, outSize } = c.attrs;
      return [g.im2col({ kernel, stride, padding, dilation, outSize, padValue: 0 })];
    },
  } satisfies OpRow<Col2imAttrs>,
};
