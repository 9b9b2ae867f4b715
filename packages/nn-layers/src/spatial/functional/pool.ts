/**
 * Pooling functionals (torch.nn.functional): max/avg pooling re-exported from @kindling/tensor,
 * and here adaptive max/avg pooling, power-average (LP) pooling and max unpooling.
 */
import { fmtShape, numel } from '@kindling/ops';
import { avgPool1d, avgPool2d, avgPool3d, type Tensor, tensor } from '@kindling/tensor';
import { checkAtLeast, spatialRank } from '../arg-checks.js';
import { ntuple, type Size } from '../ntuple.js';

export {
  type AvgPoolOptions,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  type MaxPoolOptions,
  maxPool1d,
  maxPool2d,
  maxPool3d,
} from '@kindling/tensor';

/** An adaptive pooling target: one size for every spatial dim, or one per dim (`null` keeps the input size). */
export type AdaptiveSize = number | null | readonly (number | null)[];

/** The resolved output size of an adaptive pool (`null` entries take the input's size). */
export function adaptiveOutputSize(
  where: string,
  outputSize: AdaptiveSize,
  spatial: readonly number[],
): number[] {
  const sd = spatial.length;
  const list = Array.isArray(outputSize) ? [...outputSize] : new Array(sd).fill(outputSize);
  if (list.length !== sd) {
    throw new RangeError(
      `${where}: output_size must have ${sd} elements, got ${list.length} ([${list.join(', ')}])`,
    );
  }
  const out = list.map((v, i) => (v === null || v === undefined ? spatial[i] : v));
  if (out.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new RangeError(`${where}: output_size must be non-negative integers, got [${list.join(', ')}]`);
  }
  return out;
}

/** PyTorch's adaptive window of output cell `i`: [floor(i*in/out), ceil((i+1)*in/out)). */
export function adaptiveWindow(i: number, inSize: number, outSize: number): [number, number] {
  return [Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)];
}

function checkNonEmpty(where: string, x: Tensor, sd: number) {
  const sp = x.shape.slice(x.ndim - sd);
  if (sp.some((s) => s === 0)) {
    throw new RangeError(
      `${where}: expected input with non-zero spatial sizes, but got input of shape ${fmtShape(x.shape)}`,
    );
  }
  if (x.ndim === sd + 2 && x.shape[1] === 0) {
    throw new RangeError(
      `${where}: expected input with a non-zero channel dim, but got input of shape ${fmtShape(x.shape)}`,
    );
  }
}

/** Adaptive average pooling over the trailing `sd` dims: separable, one averaging matrix per dim. */
export function adaptiveAvgPoolNd(where: string, sd: number, x: Tensor, outputSize: AdaptiveSize): Tensor {
  spatialRank(where, x, sd);
  checkNonEmpty(where, x, sd);
  const spatial = x.shape.slice(x.ndim - sd);
  const out = adaptiveOutputSize(where, outputSize, spatial);
  let y = x;
  for (let d = 0; d < sd; d++) {
    const n = spatial[d];
    const m = out[d];
    const dim = x.ndim - sd + d;
    if (n === m) continue;
    if (m === 1) {
      y = y.mean(dim, true);
      continue;
    }
    // W[j, i] = 1 / |window i| for j in window i
    const w = new Float64Array(n * m);
    for (let i = 0; i < m; i++) {
      const [s, e] = adaptiveWindow(i, n, m);
      for (let j = s; j < e; j++) w[j * m + i] = 1 / (e - s);
    }
    const W = tensor(w, { shape: [n, m], dtype: x.dtype, device: x.device });
    y = y.movedim(dim, -1).matmul(W).movedim(-1, dim);
  }
  return y;
}

/**
 * Windowed max over the trailing `sd` dims: every output cell lists the flat input positions of
 * its window (`cells[l * K + k]`, short windows padded by repeating their first position); the
 * first maximum wins, as in PyTorch. Returns values and flat per-plane indices, batched.
 */
export function windowMax(
  x: Tensor,
  sd: number,
  cells: Int32Array,
  outSize: readonly number[],
  perPlane: boolean,
): [Tensor, Tensor] {
  const batched = x.ndim === sd + 2;
  const xb = batched ? x : x.unsqueeze(0);
  const [n, c] = xb.shape;
  const spatial = xb.shape.slice(2);
  const L = numel(outSize);
  const planes = xb.reshape([n * c, numel(spatial)]);
  const K = perPlane ? cells.length / (n * c * L) : cells.length / L;
  const idx = perPlane
    ? tensor(cells, { shape: [n * c, L * K], dtype: 'int32', device: x.device })
    : tensor(cells, { shape: [1, L * K], dtype: 'int32', device: x.device }).expand([n * c, L * K]);
  const windows = planes.gather(1, idx).reshape([n * c, L, K]);
  const [values, arg] = windows.max(2, true);
  const indices = idx.reshape([n * c, L, K]).gather(2, arg);
  const shape = [n, c, ...outSize];
  const v = values.reshape(shape);
  const i = indices.reshape(shape);
  return batched ? [v, i] : [v.squeeze(0), i.squeeze(0)];
}

/** Flat window positions of every output cell of an adaptive max pool (shared by all planes). */
function adaptiveCells(spatial: readonly number[], out: readonly number[]): Int32Array {
  const sd = spatial.length;
  const wins = out.map((m, d) => Array.from({ length: m }, (_, i) => adaptiveWindow(i, spatial[d], m)));
  const kmax = wins.map((ws) => Math.max(1, ...ws.map(([s, e]) => e - s)));
  const K = numel(kmax);
  const L = numel(out);
  const cells = new Int32Array(L * K);
  const o = new Array(sd).fill(0);
  const k = new Array(sd).fill(0);
  for (let l = 0; l < L; l++) {
    const w = o.map((oi, d) => wins[d][oi]);
    const size = w.map(([s, e]) => e - s);
    const total = numel(size);
    k.fill(0);
    let first = 0;
    for (let j = 0; j < K; j++) {
      let flat = 0;
      if (j < total) {
        for (let d = 0; d < sd; d++) flat = flat * spatial[d] + w[d][0] + k[d];
        if (j === 0) first = flat;
        for (let d = sd - 1; d >= 0; d--) {
          if (++k[d] < size[d]) break;
          k[d] = 0;
        }
      } else flat = first;
      cells[l * K + j] = flat;
    }
    for (let d = sd - 1; d >= 0; d--) {
      if (++o[d] < out[d]) break;
      o[d] = 0;
    }
  }
  return cells;
}

export function adaptiveMaxPoolNd(
  where: string,
  sd: number,
  x: Tensor,
  outputSize: AdaptiveSize,
  returnIndices: boolean,
): Tensor | [Tensor, Tensor] {
  spatialRank(where, x, sd);
  checkNonEmpty(where, x, sd);
  const spatial = x.shape.slice(x.ndim - sd);
  const out = adaptiveOutputSize(where, outputSize, spatial);
  if (out.some((v) => v === 0)) {
    throw new RangeError(`${where}: output_size must be positive, got [${out.join(', ')}]`);
  }
  const [values, indices] = windowMax(x, sd, adaptiveCells(spatial, out), out, false);
  return returnIndices ? [values, indices] : values;
}

/** Options of the adaptive max pools. */
export interface AdaptiveMaxPoolOptions {
  /** Also return the flat per-plane index of each maximum. Default false. */
  returnIndices?: boolean;
}

/**
 * F.adaptive_avg_pool1d: input (N, C, L_in) or (C, L_in) → (N, C, L_out) or (C, L_out); window i
 * spans [floor(i·L_in/L_out), ceil((i+1)·L_in/L_out)).
 * @example adaptiveAvgPool1d(x, 4)
 */
export const adaptiveAvgPool1d = (x: Tensor, outputSize: AdaptiveSize): Tensor =>
  adaptiveAvgPoolNd('adaptive_avg_pool1d', 1, x, outputSize);
/**
 * F.adaptive_avg_pool2d: (N, C, H_in, W_in) or (C, H_in, W_in) → (N, C, H_out, W_out); `null` keeps a size.
 * @example adaptiveAvgPool2d(x, [5, null])
 */
export const adaptiveAvgPool2d = (x: Tensor, outputSize: AdaptiveSize): Tensor =>
  adaptiveAvgPoolNd('adaptive_avg_pool2d', 2, x, outputSize);
/**
 * F.adaptive_avg_pool3d: (N, C, D_in, H_in, W_in) or (C, D_in, H_in, W_in) → (N, C, D_out, H_out, W_out).
 * @example adaptiveAvgPool3d(x, 1)
 */
export const adaptiveAvgPool3d = (x: Tensor, outputSize: AdaptiveSize): Tensor =>
  adaptiveAvgPoolNd('adaptive_avg_pool3d', 3, x, outputSize);

/**
 * F.adaptive_max_pool1d: (N, C, L_in) → (N, C, L_out), with indices when `returnIndices`.
 * @example const [y, idx] = adaptiveMaxPool1d(x, 4, { returnIndices: true }) as [Tensor, Tensor];
 */
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: AdaptiveSize,
  opts: AdaptiveMaxPoolOptions & { returnIndices: true },
): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: AdaptiveSize, opts?: AdaptiveMaxPoolOptions): Tensor;
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: AdaptiveSize,
  opts: AdaptiveMaxPoolOptions = {},
): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd('adaptive_max_pool1d', 1, x, outputSize, !!opts.returnIndices);
}
/**
 * F.adaptive_max_pool2d: (N, C, H_in, W_in) → (N, C, H_out, W_out); indices are h·W_in + w.
 * @example adaptiveMaxPool2d(x, [2, 3])
 */
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize,
  opts: AdaptiveMaxPoolOptions & { returnIndices: true },
): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, opts?: AdaptiveMaxPoolOptions): Tensor;
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize,
  opts: AdaptiveMaxPoolOptions = {},
): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd('adaptive_max_pool2d', 2, x, outputSize, !!opts.returnIndices);
}
/**
 * F.adaptive_max_pool3d: (N, C, D_in, H_in, W_in) → (N, C, D_out, H_out, W_out).
 * @example adaptiveMaxPool3d(x, 2)
 */
export function adaptiveMaxPool3d(
  x: Tensor,
  outputSize: AdaptiveSize,
  opts: AdaptiveMaxPoolOptions & { returnIndices: true },
): [Tensor, Tensor];
export function adaptiveMaxPool3d(x: Tensor, outputSize: AdaptiveSize, opts?: AdaptiveMaxPoolOptions): Tensor;
export function adaptiveMaxPool3d(
  x: Tensor,
  outputSize: AdaptiveSize,
  opts: AdaptiveMaxPoolOptions = {},
): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd('adaptive_max_pool3d', 3, x, outputSize, !!opts.returnIndices);
}

/** Options of the LP pools. */
export interface LPPoolOptions {
  /** Window step; defaults to the kernel size. */
  stride?: Size | null;
  /** Use ceil instead of floor for the output size. Default false. */
  ceilMode?: boolean;
}

const AVG = [null, avgPool1d, avgPool2d, avgPool3d] as const;

export function lpPoolNd(
  where: string,
  sd: number,
  x: Tensor,
  normType: number,
  kernelSize: Size,
  opts: LPPoolOptions,
): Tensor {
  spatialRank(where, x, sd);
  const k = ntuple(where, 'kernel_size', kernelSize, sd);
  checkAtLeast(where, 'kernel_size', k, 1);
  const avg = AVG[sd] as NonNullable<(typeof AVG)[1]>;
  const stride = opts.stride === undefined || opts.stride === null ? undefined : opts.stride;
  const out = avg(x.pow(normType), k, { stride, padding: 0, ceilMode: !!opts.ceilMode });
  // PyTorch: (sign(out) * relu(|out|)) * prod(kernel), then the 1/p power
  return out
    .sign()
    .mul(out.abs().relu())
    .mul(numel(k))
    .pow(1 / normType);
}

/**
 * F.lp_pool1d: (Σ_window x^p)^(1/p). Input (N, C, L_in) or (C, L_in).
 * @example lpPool1d(x, 2, 3, { stride: 2 })
 */
export const lpPool1d = (x: Tensor, normType: number, kernelSize: Size, opts: LPPoolOptions = {}): Tensor =>
  lpPoolNd('lp_pool1d', 1, x, normType, kernelSize, opts);
/**
 * F.lp_pool2d: (Σ_window x^p)^(1/p) over 2-D windows. Input (N, C, H, W) or (C, H, W).
 * @example lpPool2d(x, 2, [3, 2], { stride: [1, 2] })
 */
export const lpPool2d = (x: Tensor, normType: number, kernelSize: Size, opts: LPPoolOptions = {}): Tensor =>
  lpPoolNd('lp_pool2d', 2, x, normType, kernelSize, opts);
/**
 * F.lp_pool3d: (Σ_window x^p)^(1/p) over 3-D windows. Input (N, C, D, H, W) or (C, D, H, W).
 * @example lpPool3d(x, 2, 2)
 */
export const lpPool3d = (x: Tensor, normType: number, kernelSize: Size, opts: LPPoolOptions = {}): Tensor =>
  lpPoolNd('lp_pool3d', 3, x, normType, kernelSize, opts);

/** Options of the max unpools. */
export interface MaxUnpoolOptions {
  /** The pooling stride; defaults to the kernel size. */
  stride?: Size | null;
  /** The pooling padding. Default 0. */
  padding?: Size;
  /** The exact output size (spatial dims, or with the leading N, C dims), to undo a floor in the pool. */
  outputSize?: readonly number[] | null;
}

/** PyTorch's `_unpool_output_size`: the default size, or a validated `outputSize`. */
export function unpoolOutputSize(
  where: string,
  inSpatial: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  padding: readonly number[],
  outputSize: readonly number[] | null | undefined,
): number[] {
  const sd = kernel.length;
  const def = inSpatial.map((s, d) => (s - 1) * stride[d] + kernel[d] - 2 * padding[d]);
  if (outputSize === null || outputSize === undefined) return def;
  let os = [...outputSize];
  if (os.length === sd + 2) os = os.slice(2);
  if (os.length !== sd) {
    throw new RangeError(
      `${where}: output_size should be a sequence containing ${sd} or ${sd + 2} elements, but it has a length of ${outputSize.length}`,
    );
  }
  os.forEach((v, d) => {
    const lo = def[d] - stride[d];
    const hi = def[d] + stride[d];
    if (!(lo < v && v < hi)) {
      throw new RangeError(
        `${where}: invalid output_size [${os.join(', ')}] (dim ${d} must be between ${lo} and ${hi}, exclusive)`,
      );
    }
  });
  return os;
}

export function maxUnpoolNd(
  where: string,
  sd: number,
  x: Tensor,
  indices: Tensor,
  kernelSize: Size,
  opts: MaxUnpoolOptions,
): Tensor {
  const batched = spatialRank(where, x, sd);
  if (indices.ndim !== x.ndim || indices.shape.some((s, i) => s !== x.shape[i])) {
    throw new RangeError(
      `${where}: expected indices of the input's shape ${fmtShape(x.shape)}, but got indices of shape ${fmtShape(indices.shape)}`,
    );
  }
  if (indices.dtype !== 'int32')
    throw new TypeError(`${where}: expected int32 indices, got ${indices.dtype}`);
  const kernel = ntuple(where, 'kernel_size', kernelSize, sd);
  const stride =
    opts.stride === undefined || opts.stride === null ? kernel : ntuple(where, 'stride', opts.stride, sd);
  const padding = ntuple(where, 'padding', opts.padding ?? 0, sd);
  checkAtLeast(where, 'kernel_size', kernel, 1);
  checkAtLeast(where, 'stride', stride, 1);
  checkAtLeast(where, 'padding', padding, 0);
  const out = unpoolOutputSize(where, x.shape.slice(x.ndim - sd), kernel, stride, padding, opts.outputSize);
  const planeSize = numel(out);
  const backend = (indices as unknown as { _storage?: { backend?: { canReadSync?: boolean } } })._storage
    ?.backend;
  if (backend?.canReadSync && indices.numel() > 0) {
    const data = indices.dataSync();
    for (let i = 0; i < data.length; i++) {
      const v = Number(data[i]);
      if (v < 0 || v >= planeSize) {
        throw new RangeError(
          `${where}: found an invalid max index ${v} (output planes are ${out.join('x')}, so indices must be in [0, ${planeSize}))`,
        );
      }
    }
  }
  const xb = batched ? x : x.unsqueeze(0);
  const ib = batched ? indices : indices.unsqueeze(0);
  const [n, c] = xb.shape;
  const L = numel(xb.shape.slice(2));
  const y = xb
    .newZeros([n, c, planeSize])
    .scatter(2, ib.reshape([n, c, L]), xb.reshape([n, c, L]))
    .reshape([n, c, ...out]);
  return batched ? y : y.squeeze(0);
}

/**
 * F.max_unpool1d: the partial inverse of max_pool1d; non-maximal positions are zero.
 * (N, C, L_in) → (N, C, L_out), L_out = (L_in − 1)·stride − 2·padding + kernel_size or `outputSize`.
 * @example maxUnpool1d(y, idx, 2)
 */
export const maxUnpool1d = (
  x: Tensor,
  indices: Tensor,
  kernelSize: Size,
  opts: MaxUnpoolOptions = {},
): Tensor => maxUnpoolNd('max_unpool1d', 1, x, indices, kernelSize, opts);
/**
 * F.max_unpool2d: (N, C, H_in, W_in) → (N, C, H_out, W_out) with values at `indices` (h·W_out + w).
 * @example maxUnpool2d(y, idx, 2, { outputSize: [5, 5] })
 */
export const maxUnpool2d = (
  x: Tensor,
  indices: Tensor,
  kernelSize: Size,
  opts: MaxUnpoolOptions = {},
): Tensor => maxUnpoolNd('max_unpool2d', 2, x, indices, kernelSize, opts);
/**
 * F.max_unpool3d: (N, C, D_in, H_in, W_in) → (N, C, D_out, H_out, W_out).
 * @example maxUnpool3d(y, idx, 2)
 */
export const maxUnpool3d = (
  x: Tensor,
  indices: Tensor,
  kernelSize: Size,
  opts: MaxUnpoolOptions = {},
): Tensor => maxUnpoolNd('max_unpool3d', 3, x, indices, kernelSize, opts);
