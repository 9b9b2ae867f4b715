import { fmtShape, numel } from '@kindling/ops';
import { arange, tensor } from '../creation.js';
import { dispatch } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { expandSize, pooledSize, type Size, spatialInput } from './window.js';

export interface MaxPoolOptions {
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

export interface AvgPoolOptions {
  stride?: Size | null;
  padding?: Size;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

interface Window {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  outSize: number[];
}

function window(
  op: string,
  sd: number,
  spatial: readonly number[],
  k: Size,
  o: { stride?: Size | null; padding?: Size; dilation?: Size; ceilMode?: boolean },
): Window {
  const kernel = expandSize(op, 'kernel_size', k, sd);
  const stride =
    o.stride == null || (Array.isArray(o.stride) && o.stride.length === 0)
      ? kernel
      : expandSize(op, 'stride', o.stride, sd);
  const padding = expandSize(op, 'padding', o.padding ?? 0, sd);
  const dilation = expandSize(op, 'dilation', o.dilation ?? 1, sd);
  if (kernel.some((v) => v <= 0))
    throw new RangeError(`${op}: kernel_size must be greater than zero, but got ${fmtShape(kernel)}`);
  if (stride.some((v) => v <= 0))
    throw new RangeError(`${op}: stride must be greater than zero, but got ${fmtShape(stride)}`);
  padding.forEach((p, i) => {
    if (p < 0 || 2 * p > kernel[i]) {
      throw new RangeError(
        `${op}: pad should be at most half of effective kernel size, but got pad=${p}, kernel_size=${kernel[i]} and dilation=${dilation[i]}`,
      );
    }
  });
  const outSize = spatial.map((n, i) =>
    pooledSize(n, kernel[i], stride[i], padding[i], dilation[i], !!o.ceilMode),
  );
  if (outSize.some((s) => s <= 0)) {
    throw new RangeError(
      `${op}: Given input size: (${spatial.join('x')}). Calculated output size: (${outSize.join('x')}). Output size is too small`,
    );
  }
  return { kernel, stride, padding, dilation, outSize };
}

const MAX = ['', 'max_pool1d', 'max_pool2d', 'max_pool3d'];
const AVG = ['', 'avg_pool1d', 'avg_pool2d', 'avg_pool3d'];

/**
 * Max pooling as a composite: windows by im2col (padding reads -inf), argmax over each window,
 * gather. The gradient flows through gather to the chosen element, as PyTorch's does.
 * With returnIndices, indices are flat positions in each input plane (PyTorch's convention).
 */
export function maxPoolNd(
  sd: number,
  input: Tensor,
  kernelSize: Size,
  opts: MaxPoolOptions = {},
): Tensor | [Tensor, Tensor] {
  const op = MAX[sd];
  const { batched } = spatialInput(op, input.shape, sd);
  const x = batched ? input : input.unsqueeze(0);
  const [n, c] = x.shape;
  const spatial = x.shape.slice(2);
  if (numel(spatial) === 0)
    throw new RangeError(
      `${op}: Expected non-empty spatial dims, got input of size ${fmtShape(input.shape)}`,
    );
  const w = window(op, sd, spatial, kernelSize, { ...opts, dilation: opts.dilation ?? 1 });
  const planes = x.reshape([n * c, 1, ...spatial]);
  const attrs = {
    kernel: w.kernel,
    stride: w.stride,
    padding: w.padding,
    dilation: w.dilation,
    outSize: w.outSize,
  };
  const cols = dispatch('im2col', [planes], { ...attrs, padValue: Number.NEGATIVE_INFINITY });
  const arg = dispatch('argmax', [cols], { dims: [1], keepdim: true });
  const values = cols.gather(1, arg).reshape([n, c, ...w.outSize]);
  const out = batched ? values : values.squeeze(0);
  if (!opts.returnIndices) return out;
  const positions = arange(0, numel(spatial), { device: x.device }).reshape([1, 1, ...spatial]);
  const posCols = dispatch('im2col', [positions], { ...attrs, padValue: -1 });
  const idx = posCols
    .expand([n * c, posCols.shape[1], posCols.shape[2]])
    .gather(1, arg)
    .reshape([n, c, ...w.outSize]);
  return [out, batched ? idx : idx.squeeze(0)];
}

/** Average pooling: window sums by im2col, divided by PyTorch's per-window divisor. */
export function avgPoolNd(sd: number, input: Tensor, kernelSize: Size, opts: AvgPoolOptions = {}): Tensor {
  const op = AVG[sd];
  const { batched } = spatialInput(op, input.shape, sd);
  const x = batched ? input : input.unsqueeze(0);
  const [n, c] = x.shape;
  const spatial = x.shape.slice(2);
  const w = window(op, sd, spatial, kernelSize, { ...opts, dilation: 1 });
  if (opts.divisorOverride === 0) throw new RangeError(`${op}: divisor must be not zero`);
  const planes = x.reshape([n * c, 1, ...spatial]);
  const cols = dispatch('im2col', [planes], { ...w, padValue: 0 });
  const sums = cols.sum(1, true);
  const div = divisors(w, spatial, opts);
  const d = tensor(div, { shape: [1, 1, div.length], dtype: sums.dtype, device: x.device });
  const out = sums.div(d).reshape([n, c, ...w.outSize]);
  return batched ? out : out.squeeze(0);
}

/** Per-output divisor: window size clipped to input+padding (countIncludePad) or to the input. */
function divisors(w: Window, spatial: readonly number[], opts: AvgPoolOptions): Float64Array {
  const L = numel(w.outSize);
  const out = new Float64Array(L);
  const sd = spatial.length;
  const idx = new Array(sd).fill(0);
  for (let l = 0; l < L; l++) {
    let withPad = 1;
    let inside = 1;
    for (let i = 0; i < sd; i++) {
      let start = idx[i] * w.stride[i] - w.padding[i];
      let end = Math.min(start + w.kernel[i], spatial[i] + w.padding[i]);
      withPad *= end - start;
      start = Math.max(start, 0);
      end = Math.min(end, spatial[i]);
      inside *= Math.max(end - start, 0);
    }
    out[l] = opts.divisorOverride ? opts.divisorOverride : (opts.countIncludePad ?? true) ? withPad : inside;
    for (let i = sd - 1; i >= 0; i--) {
      if (++idx[i] < w.outSize[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

export const maxPool1d = (x: Tensor, k: Size, o?: MaxPoolOptions) => maxPoolNd(1, x, k, o);
export const maxPool2d = (x: Tensor, k: Size, o?: MaxPoolOptions) => maxPoolNd(2, x, k, o);
export const maxPool3d = (x: Tensor, k: Size, o?: MaxPoolOptions) => maxPoolNd(3, x, k, o);
export const avgPool1d = (x: Tensor, k: Size, o?: AvgPoolOptions) => avgPoolNd(1, x, k, o);
export const avgPool2d = (x: Tensor, k: Size, o?: AvgPoolOptions) => avgPoolNd(2, x, k, o);
export const avgPool3d = (x: Tensor, k: Size, o?: AvgPoolOptions) => avgPoolNd(3, x, k, o);
