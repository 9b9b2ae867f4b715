/**
 * F.interpolate: up/down-sampling of (N, C, *spatial) inputs. Every mode except 'area' is
 * separable, so each spatial dim is resampled in turn: the source indices and weights of every
 * output position are computed on the host with PyTorch's coordinate formulas, then one
 * indexSelect gathers the taps and a weighted sum combines them (autograd gives the gradient).
 */
import { fmtShape } from '@kindling/ops';
import { type Tensor, tensor } from '@kindling/tensor';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d } from './pool.js';

export type InterpolateMode =
  | 'nearest'
  | 'nearest-exact'
  | 'linear'
  | 'bilinear'
  | 'bicubic'
  | 'trilinear'
  | 'area';

/** Options of {@link interpolate}: exactly one of `size` and `scaleFactor`. */
export interface InterpolateOptions {
  /** Output spatial size: one number for every spatial dim, or one per dim. */
  size?: number | readonly number[] | null;
  /** Multiplier of the spatial size: one for every spatial dim, or one per dim. */
  scaleFactor?: number | readonly number[] | null;
  /** Default 'nearest'. */
  mode?: InterpolateMode;
  /**
   * Linear/bilinear/bicubic/trilinear only: align the centres of the corner pixels (true) or
   * their outer edges (false, the default).
   */
  alignCorners?: boolean | null;
  /**
   * Compute the output size from `scaleFactor`, then interpolate with the scale implied by the
   * sizes instead of `scaleFactor` itself.
   */
  recomputeScaleFactor?: boolean | null;
  /** Not supported; must be false. */
  antialias?: boolean;
}

const MODE_DIMS: Record<string, number> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };

/** One dim's resampling: `taps` index arrays and (unless nearest) their weights, each of length out. */
interface DimPlan {
  index: Int32Array[];
  weight: Float64Array[] | null;
}

/** PyTorch's `area_pixel_compute_scale` (in double precision, as the float64 reference). */
function pixelScale(inSize: number, outSize: number, alignCorners: boolean, scale: number | null): number {
  if (alignCorners) return outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  return scale !== null && scale > 0 ? 1 / scale : inSize / outSize;
}

/** PyTorch's `area_pixel_compute_source_index`. */
function sourceIndex(scale: number, dst: number, alignCorners: boolean, cubic: boolean): number {
  if (alignCorners) return scale * dst;
  const src = scale * (dst + 0.5) - 0.5;
  return !cubic && src < 0 ? 0 : src;
}

/** The float32 `compute_scales_value` that nearest modes use. */
function nearestScale(inSize: number, outSize: number, scale: number | null): number {
  return scale !== null && scale > 0
    ? Math.fround(1 / scale)
    : Math.fround(Math.fround(inSize) / Math.fround(outSize));
}

function planNearest(inSize: number, outSize: number, scale: number | null, exact: boolean): DimPlan {
  const idx = new Int32Array(outSize);
  const s = nearestScale(inSize, outSize, scale);
  for (let o = 0; o < outSize; o++) {
    let src: number;
    if (!exact && outSize === inSize) src = o;
    else if (!exact && outSize === 2 * inSize) src = o >> 1;
    else src = Math.min(Math.floor(Math.fround(Math.fround(exact ? o + 0.5 : o) * s)), inSize - 1);
    idx[o] = src;
  }
  return { index: [idx], weight: null };
}

function planLinear(inSize: number, outSize: number, alignCorners: boolean, scale: number | null): DimPlan {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float64Array(outSize);
  const w1 = new Float64Array(outSize);
  const s = pixelScale(inSize, outSize, alignCorners, scale);
  for (let o = 0; o < outSize; o++) {
    if (outSize === inSize) {
      i0[o] = o;
      i1[o] = o;
      w0[o] = 1;
      continue;
    }
    const real = sourceIndex(s, o, alignCorners, false);
    const a = Math.min(Math.floor(real), inSize - 1);
    const lambda = Math.min(Math.max(real - a, 0), 1);
    i0[o] = a;
    i1[o] = a + (a < inSize - 1 ? 1 : 0);
    w0[o] = 1 - lambda;
    w1[o] = lambda;
  }
  return { index: [i0, i1], weight: [w0, w1] };
}

/** Keys' cubic convolution weights with A = -0.75 (PyTorch's `get_cubic_upsample_coefficients`). */
export function cubicWeights(t: number): [number, number, number, number] {
  const A = -0.75;
  const c1 = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
  const c2 = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [c2(t + 1), c1(t), c1(1 - t), c2(2 - t)];
}

function planCubic(inSize: number, outSize: number, alignCorners: boolean, scale: number | null): DimPlan {
  const index = [0, 1, 2, 3].map(() => new Int32Array(outSize));
  const weight = [0, 1, 2, 3].map(() => new Float64Array(outSize));
  const s = pixelScale(inSize, outSize, alignCorners, scale);
  for (let o = 0; o < outSize; o++) {
    const real = sourceIndex(s, o, alignCorners, true);
    const a = Math.floor(real);
    const w = cubicWeights(real - a);
    for (let j = 0; j < 4; j++) {
      index[j][o] = Math.min(Math.max(a - 1 + j, 0), inSize - 1);
      weight[j][o] = w[j];
    }
  }
  return { index, weight };
}

/** Resample `dim` of x by a plan: one gather of all taps, then a weighted sum over taps. */
function applyPlan(x: Tensor, dim: number, plan: DimPlan): Tensor {
  const taps = plan.index.length;
  const out = plan.index[0].length;
  const all = new Int32Array(taps * out);
  plan.index.forEach((ix, j) => {
    all.set(ix, j * out);
  });
  const picked = x.indexSelect(dim, tensor(all, { shape: [taps * out], dtype: 'int32', device: x.device }));
  if (!plan.weight) return picked;
  const w = new Float64Array(taps * out);
  plan.weight.forEach((wt, j) => {
    w.set(wt, j * out);
  });
  const split = [...x.shape.slice(0, dim), taps, out, ...x.shape.slice(dim + 1)];
  const wShape = split.map((s, i) => (i === dim || i === dim + 1 ? s : 1));
  const W = tensor(w, { shape: wShape, dtype: x.dtype, device: x.device });
  return picked.reshape(split).mul(W).sum(dim);
}

/** The output size and per-dim scales that PyTorch's interpolate hands its kernels. */
export function interpolateSizes(
  x: Tensor,
  opts: InterpolateOptions,
): { outSize: number[]; scales: (number | null)[] } {
  const sd = x.ndim - 2;
  const inSize = x.shape.slice(2);
  const { size, scaleFactor } = opts;
  const hasSize = size !== undefined && size !== null;
  const hasScale = scaleFactor !== undefined && scaleFactor !== null;
  if (hasSize && hasScale)
    throw new RangeError('interpolate: only one of size or scale_factor should be defined');
  if (!hasSize && !hasScale)
    throw new RangeError('interpolate: either size or scale_factor should be defined');
  if (opts.recomputeScaleFactor && hasSize)
    throw new RangeError('interpolate: recompute_scale_factor is not meaningful with an explicit size.');
  let outSize: number[] | null = null;
  let scales: (number | null)[] = new Array(sd).fill(null);
  if (hasSize) {
    if (typeof size === 'number') outSize = new Array(sd).fill(size);
    else {
      if (size.length !== sd) {
        throw new RangeError(
          `interpolate: input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [${inSize.join(', ')}] and output size of [${size.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`,
        );
      }
      outSize = [...size];
    }
  } else {
    if (typeof scaleFactor === 'number') scales = new Array(sd).fill(scaleFactor);
    else {
      const sf = scaleFactor as readonly number[];
      if (sf.length !== sd) {
        throw new RangeError(
          `interpolate: input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of [${inSize.join(', ')}] and scale_factor of shape [${sf.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`,
        );
      }
      scales = [...sf];
    }
    const recompute = !!opts.recomputeScaleFactor || (opts.mode ?? 'nearest') === 'area';
    outSize = inSize.map((s, i) => Math.floor(s * (scales[i] as number)));
    if (recompute) scales = new Array(sd).fill(null);
  }
  if (outSize.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new RangeError(
      `interpolate: output size [${outSize.join(', ')}] for input ${fmtShape(x.shape)} must be positive integers`,
    );
  }
  return { outSize, scales };
}

/**
 * torch.nn.functional.interpolate. Input (N, C, W_in), (N, C, H_in, W_in) or
 * (N, C, D_in, H_in, W_in); output (N, C, *size) with size = `size` or floor(in · scaleFactor).
 * Modes: nearest (PyTorch's floor(dst·scale) rule), nearest-exact, linear (3-D), bilinear and
 * bicubic (4-D; cubic with A = -0.75 and clamped borders), trilinear (5-D), area (adaptive average).
 * @example
 * const y = interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: false });
 */
export function interpolate(x: Tensor, opts: InterpolateOptions = {}): Tensor {
  const mode = opts.mode ?? 'nearest';
  if (!['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area'].includes(mode)) {
    throw new RangeError(
      `interpolate: unknown mode '${mode}' (expected nearest | nearest-exact | linear | bilinear | bicubic | trilinear | area)`,
    );
  }
  const interp = mode in MODE_DIMS;
  if (!interp && opts.alignCorners !== undefined && opts.alignCorners !== null) {
    throw new RangeError(
      'interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
    );
  }
  const alignCorners = !!opts.alignCorners;
  if (x.ndim < 3 || x.ndim > 5) {
    throw new RangeError(
      `interpolate: Input Error: Only 3D, 4D and 5D input Tensors supported (got ${x.ndim}D, shape ${fmtShape(x.shape)}) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`,
    );
  }
  const sd = x.ndim - 2;
  if (interp && MODE_DIMS[mode] !== sd) {
    throw new RangeError(
      `interpolate: got ${x.ndim}D input of shape ${fmtShape(x.shape)}, but ${mode} mode needs ${MODE_DIMS[mode] + 2}D input`,
    );
  }
  if (opts.antialias) throw new RangeError('interpolate: antialias is not supported');
  if (mode !== 'nearest' && mode !== 'nearest-exact' && !x.isFloatingPoint()) {
    throw new TypeError(`interpolate: ${mode} mode needs a floating-point input, got ${x.dtype}`);
  }
  const { outSize, scales } = interpolateSizes(x, opts);
  if (mode === 'area') return [adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d][sd - 1](x, outSize);
  let y = x;
  for (let d = 0; d < sd; d++) {
    const inSize = x.shape[2 + d];
    const o = outSize[d];
    const s = scales[d];
    let plan: DimPlan;
    if (mode === 'nearest' || mode === 'nearest-exact') {
      if (o === inSize && mode === 'nearest') continue;
      plan = planNearest(inSize, o, s, mode === 'nearest-exact');
    } else if (mode === 'bicubic') plan = planCubic(inSize, o, alignCorners, s);
    else {
      if (o === inSize) continue;
      plan = planLinear(inSize, o, alignCorners, s);
    }
    y = applyPlan(y, 2 + d, plan);
  }
  return y === x ? x.clone() : y;
}

/**
 * F.upsample (deprecated in PyTorch in favour of interpolate): the same computation.
 * @example upsample(x, { size: [8, 8], mode: 'nearest' })
 */
export const upsample = (x: Tensor, opts: InterpolateOptions = {}): Tensor => interpolate(x, opts);

/**
 * F.upsample_nearest: interpolate with mode 'nearest'.
 * @example upsampleNearest(x, { scaleFactor: 2 })
 */
export const upsampleNearest = (
  x: Tensor,
  opts: { size?: number | readonly number[] | null; scaleFactor?: number | readonly number[] | null } = {},
): Tensor => interpolate(x, { ...opts, mode: 'nearest' });

/**
 * F.upsample_bilinear: interpolate with mode 'bilinear' and alignCorners true. Input (N, C, H, W).
 * @example upsampleBilinear(x, { scaleFactor: 2 })
 */
export const upsampleBilinear = (
  x: Tensor,
  opts: { size?: number | readonly number[] | null; scaleFactor?: number | readonly number[] | null } = {},
): Tensor => interpolate(x, { ...opts, mode: 'bilinear', alignCorners: true });
