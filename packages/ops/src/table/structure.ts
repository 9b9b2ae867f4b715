import { type DType, promoteTypes } from '../dtype.js';

import type { StridedLayout } from '../gt.js';
import { broadcastShapes, contiguousStrides, fmtShape, normDim, numel, sameShape } from '../shape.js';
import { type OpRow, saved } from './row.js';

/** A strided layout: what view rows compute instead of running a kernel. */
export interface Layout {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export interface ViewRow<A> extends OpRow<A> {
  readonly kind: 'view';
  /** The output layout over the same storage, or null when no view exists (reshape then copies). */
  view(input: Layout, attrs: A): Layout | null;
}

export interface ReshapeAttrs {
  readonly shape: readonly number[];
}
export interface PermuteAttrs {
  readonly dims: readonly number[];
}
export interface ExpandAttrs {
  readonly shape: readonly number[];
}
export interface SliceAttrs {
  readonly dim: number;
  readonly start: number;
  readonly end: number;
  readonly step: number;
}

/** Strides for viewing `layout` as `shape` without copying (PyTorch's computeStride), or null. */
export function viewStrides(layout: Layout, shape: readonly number[]): number[] | null {
  const oldShape = layout.shape;
  const oldStrides = layout.strides;
  const n = numel(shape);
  if (n === 0 || oldShape.length === 0) {
    // any layout works for empty tensors and scalars
    const st = new Array<number>(shape.length);
    let acc = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      st[i] = acc;
      acc *= Math.max(shape[i], 1);
    }
    return st;
  }
  const newStrides = new Array<number>(shape.length).fill(0);
  let viewD = shape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d];
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

export const VIEWS = {
  reshape: {
    kind: 'view',
    shape: (s, a: ReshapeAttrs) => {
      if (numel(a.shape) !== numel(s[0])) {
        throw new RangeError(`view: shape ${fmtShape(a.shape)} is invalid for input of size ${numel(s[0])}`);
      }
      return [...a.shape];
    },
    dtype: (d) => d[0],
    view: (l, a) => {
      const st = viewStrides(l, a.shape);
      return st ? { shape: [...a.shape], strides: st, offset: l.offset } : null;
    },
    saves: { inputs: [], out: false },
    grad: (g, c) => [g.reshape(c.inputShapes[0])],
  } satisfies ViewRow<ReshapeAttrs>,
  permute: {
    kind: 'view',
    shape: (s, a: PermuteAttrs) => {
      const nd = s[0].length;
      if (a.dims.length !== nd) {
        throw new RangeError(
          `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${nd} is not equal to len(dims) = ${a.dims.length}`.replace(
            'permute(sparse_coo)',
            'permute',
          ),
        );
      }
      const seen = new Set<number>();
      for (const d of a.dims) {
        const k = normDim(d, nd, 'permute');
        if (seen.has(k))
          throw new RangeError(`permute(): duplicate dims are not allowed (dims [${a.dims.join(', ')}])`);
        seen.add(k);
      }
      return a.dims.map((d) => s[0][normDim(d, nd)]);
    },
    dtype: (d) => d[0],
    view: (l, a) => {
      const nd = l.shape.length;
      const dims = a.dims.map((d) => normDim(d, nd));
      return { shape: dims.map((d) => l.shape[d]), strides: dims.map((d) => l.strides[d]), offset: l.offset };
    },
    saves: { inputs: [], out: false },
    grad: (g, c) => {
      const nd = c.inputShapes[0].length;
      const inv = new Array<number>(nd);
      c.attrs.dims.forEach((d, i) => {
        inv[normDim(d, nd)] = i;
      });
      return [g.permute(inv)];
    },
  } satisfies ViewRow<PermuteAttrs>,
  expand: {
    kind: 'view',
    shape: (s, a: ExpandAttrs) => {
      const src = s[0];
      if (a.shape.length < src.length) {
        throw new RangeError(
          `expand: the number of sizes provided (${a.shape.length}) must be greater or equal to the number of dimensions in the tensor (${src.length})`,
        );
      }
      const off = a.shape.length - src.length;
      return a.shape.map((d, i) => {
        const k = i - off;
        if (k < 0) {
          if (d < 0)
            throw new RangeError(
              `expand: the expanded size -1 is not allowed in a leading, non-existing dimension ${i}`,
            );
          return d;
        }
        if (d === -1) return src[k];
        if (src[k] !== d && src[k] !== 1) {
          throw new RangeError(
            `expand: the expanded size of the tensor (${d}) must match the existing size (${src[k]}) at non-singleton dimension ${i}.  Target sizes: ${fmtShape(a.shape)}.  Tensor sizes: ${fmtShape(src)}`,
          );
        }
        return d;
      });
    },
    dtype: (d) => d[0],
    view: (l, a) => {
      const off = a.shape.length - l.shape.length;
      const shape = a.shape.map((d, i) => (d === -1 ? l.shape[i - off] : d));
      const strides = shape.map((d, i) => {
        const k = i - off;
        if (k < 0) return 0;
        return l.shape[k] === 1 && d !== 1 ? 0 : l.strides[k];
      });
      return { shape, strides, offset: l.offset };
    },
    saves: { inputs: [], out: false },
    grad: (g, c) => [g.sumToShape(c.inputShapes[0])],
  } satisfies ViewRow<ExpandAttrs>,
  slice: {
    kind: 'view',
    shape: (s, a: SliceAttrs) => {
      const d = normDim(a.dim, s[0].length, 'slice');
      if (a.step <= 0) throw new RangeError('slice: step must be greater than zero');
      const out = [...s[0]];
      out[d] = Math.max(0, Math.ceil((a.end - a.start) / a.step));
      return out;
    },
    dtype: (d) => d[0],
    view: (l, a) => {
      const d = normDim(a.dim, l.shape.length);
      const shape = [...l.shape];
      shape[d] = Math.max(0, Math.ceil((a.end - a.start) / a.step));
      const strides = [...l.strides];
      strides[d] = l.strides[d] * a.step;
      return { shape, strides, offset: l.offset + a.start * l.strides[d] };
    },
    saves: { inputs: [], out: false },
    grad: (g, c) => {
      const shape = c.inputShapes[0];
      const base = contiguousStrides(shape);
      const d = normDim(c.attrs.dim, shape.length);
      const strides = base.map((s, i) => (i === d ? s * c.attrs.step : s));
      return [g.stridedScatter(shape, { shape: g.shape, strides, offset: c.attrs.start * base[d] })];
    },
  } satisfies ViewRow<SliceAttrs>,
  /**
   * A view at an explicit layout, relative to a contiguous layout of the input's shape (the
   * input is made contiguous first when it is not). Autograd uses it for views changed in place.
   */
  asStrided: {
    kind: 'view',
    shape: (s, a: StridedLayout) => {
      const n = numel(s[0]);
      let last = a.offset;
      a.shape.forEach((d, i) => {
        if (d > 0) last += (d - 1) * a.strides[i];
      });
      if (numel(a.shape) > 0 && (a.offset < 0 || last >= n)) {
        throw new RangeError(
          `as_strided: layout (shape ${fmtShape(a.shape)}, strides ${fmtShape(a.strides)}, offset ${a.offset}) is out of bounds for a tensor of ${n} elements`,
        );
      }
      return [...a.shape];
    },
    dtype: (d) => d[0],
    view: (l, a) => {
      const contiguous = contiguousStrides(l.shape).every((s, i) => l.shape[i] === 1 || s === l.strides[i]);
      return contiguous
        ? { shape: [...a.shape], strides: [...a.strides], offset: l.offset + a.offset }
        : null;
    },
    saves: { inputs: [], out: false },
    grad: (g, c) => [g.stridedScatter(c.inputShapes[0], c.attrs)],
  } satisfies ViewRow<StridedLayout>,
};

export interface StridedScatterAttrs {
  /** The full output shape; the input fills `layout`, the rest is zero. */
  readonly outShape: readonly number[];
  /** Where the input goes, relative to a contiguous `outShape`. */
  readonly layout: StridedLayout;
}

export interface CatAttrs {
  readonly dim: number;
}

export interface ConstantPadAttrs {
  /** PyTorch's F.pad order: last dim first, (before, after) pairs; negative values crop. */
  readonly pad: readonly number[];
  readonly value: number;
}

export interface CastAttrs {
  readonly dtype: DType;
}

function catShape(shapes: readonly (readonly number[])[], dim: number): number[] {
  // PyTorch skips legacy 1-D empty tensors
  const real = shapes.filter((s) => !(s.length === 1 && s[0] === 0));
  if (shapes.length === 0) throw new RangeError('cat: expected a non-empty list of Tensors');
  if (real.length === 0) return [0];
  const ref = real[0];
  if (ref.length === 0)
    throw new RangeError('cat: zero-dimensional tensor (at position 0) cannot be concatenated');
  const d = normDim(dim, ref.length, 'cat');
  const out = [...ref];
  out[d] = 0;
  real.forEach((s, i) => {
    if (s.length !== ref.length) {
      throw new RangeError(
        `cat: Tensors must have same number of dimensions: got ${ref.length} and ${s.length} (shapes ${fmtShape(ref)} and ${fmtShape(s)})`,
      );
    }
    for (let k = 0; k < s.length; k++) {
      if (k !== d && s[k] !== ref[k]) {
        throw new RangeError(
          `cat: Sizes of tensors must match except in dimension ${d}. Expected size ${ref[k]} but got size ${s[k]} for tensor number ${i} in the list (shapes ${fmtShape(ref)} and ${fmtShape(s)}).`,
        );
      }
    }
    out[d] += s[d];
  });
  return out;
}

export function padShape(shape: readonly number[], pad: readonly number[]): number[] {
  if (pad.length % 2 !== 0) throw new RangeError('pad: Padding length must be divisible by 2');
  if (pad.length / 2 > shape.length) {
    throw new RangeError(
      `pad: Padding length should be less than or equal to two times the input dimension but got padding length ${pad.length} and input of dimension ${shape.length}`,
    );
  }
  const out = [...shape];
  for (let i = 0; i < pad.length / 2; i++) {
    const d = shape.length - 1 - i;
    out[d] = shape[d] + pad[2 * i] + pad[2 * i + 1];
    if (out[d] < 0) {
      throw new RangeError(
        `pad: The input size ${shape[d]}, plus negative padding ${pad[2 * i]} and ${pad[2 * i + 1]} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`,
      );
    }
  }
  return out;
}

export const STRUCTURE = {
  stridedScatter: {
    kind: 'stridedScatter',
    shape: (s, a: StridedScatterAttrs) => {
      if (!sameShape(s[0], a.layout.shape)) {
        throw new RangeError(
          `strided_scatter: source shape ${fmtShape(s[0])} does not match the layout ${fmtShape(a.layout.shape)}`,
        );
      }
      return [...a.outShape];
    },
    dtype: (d) => d[0],
    saves: { inputs: [], out: false },
    grad: (g, c) => [g.asStrided(c.attrs.layout)],
  } satisfies OpRow<StridedScatterAttrs>,
  cat: {
    kind: 'cat',
    shape: (s, a: CatAttrs) => catShape(s, a.dim),
    dtype: (d) => d.reduce((x, y) => promoteTypes(x, y)),
    saves: { inputs: [], out: false },
    grad: (g, c) => {
      const shapes = c.inputShapes;
      const real = shapes.find((s) => !(s.length === 1 && s[0] === 0));
      if (!real) return shapes.map(() => null);
      const d = normDim(c.attrs.dim, real.length);
      let at = 0;
      return shapes.map((s) => {
        if (s.length === 1 && s[0] === 0 && real.length !== 1) return null;
        const part = g.slice(d, at, at + s[d], 1);
        at += s[d];
        return part;
      });
    },
  } satisfies OpRow<CatAttrs>,
  constantPad: {
    kind: 'constantPad',
    shape: (s, a: ConstantPadAttrs) => padShape(s[0], a.pad),
    dtype: (d) => d[0],
    saves: { inputs: [], out: false },
    grad: (g, c) => [
      g.constantPad(
        c.attrs.pad.map((p) => -p),
        0,
      ),
    ],
  } satisfies OpRow<ConstantPadAttrs>,
  cast: {
    kind: 'cast',
    shape: (s) => [...s[0]],
    dtype: (_d, a: CastAttrs) => a.dtype,
    saves: { inputs: [], out: false },
    grad: (g, c) => [
      c.inputDtypes[0] === 'float32' || c.inputDtypes[0] === 'float64' || c.inputDtypes[0] === 'float16'
        ? g.to(c.inputDtypes[0])
        : null,
    ],
  } satisfies OpRow<CastAttrs>,
  clone: {
    kind: 'clone',
    shape: (s) => [...s[0]],
    dtype: (d) => d[0],
    saves: { inputs: [], out: false },
    grad: (g) => [g],
  } satisfies OpRow<Record<string, never>>,
  where: {
    kind: 'where',
    shape: (s) => broadcastShapes('where', s[0], s[1], s[2]),
    dtype: (d) => promoteTypes(d[1], d[2]),
    saves: { inputs: [0], out: false },
    grad: (g, c) => {
      const cond = saved(c, 0);
      return [null, g.where(cond, 0), g.mul(0).where(cond, g)];
    },
  } satisfies OpRow<Record<string, never>>,
};
