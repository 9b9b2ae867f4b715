import { fmtShape, numel } from '@kindling/ops';
import { dispatch } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { pad } from './pad.js';
import { expandSize, type Size, spatialInput } from './window.js';

export interface ConvOptions {
  stride?: Size;
  padding?: Size | 'same' | 'valid';
  dilation?: Size;
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  groups?: number;
  dilation?: Size;
}

const NAMES = ['', 'conv1d', 'conv2d', 'conv3d'];

/**
 * N-d convolution as im2col + one batched matmul per group (cross-correlation, as PyTorch).
 * input [N, Cin, *S] or [Cin, *S]; weight [Cout, Cin / groups, *K].
 */
export function convNd(
  sd: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: ConvOptions = {},
): Tensor {
  const op = NAMES[sd];
  const { batched } = spatialInput(op, input.shape, sd);
  const x = batched ? input : input.unsqueeze(0);
  const groups = opts.groups ?? 1;
  if (weight.ndim !== sd + 2) {
    throw new RangeError(
      `${op}: Expected ${sd + 2}-dimensional weight for ${sd + 2}-dimensional input ${fmtShape(x.shape)}, but got ${weight.ndim}-dimensional weight of size ${fmtShape(weight.shape)} instead`,
    );
  }
  const [n, cin] = x.shape;
  const cout = weight.shape[0];
  if (!Number.isInteger(groups) || groups <= 0)
    throw new RangeError(`${op}: non-positive groups is not supported`);
  if (cout % groups !== 0) {
    throw new RangeError(
      `${op}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${fmtShape(weight.shape)} instead`,
    );
  }
  if (weight.shape[1] * groups !== cin) {
    throw new RangeError(
      `${op}: Given groups=${groups}, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(x.shape)} to have ${weight.shape[1] * groups} channels, but got ${cin} channels instead`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cout)) {
    throw new RangeError(
      `${op}: Given weight of size ${fmtShape(weight.shape)}, expected bias to be 1-dimensional with ${cout} elements, but got bias of size ${fmtShape(bias.shape)} instead`,
    );
  }
  const kernel = weight.shape.slice(2);
  const stride = expandSize(op, 'stride', opts.stride ?? 1, sd);
  const dilation = expandSize(op, 'dilation', opts.dilation ?? 1, sd);
  let padding: number[];
  let xp = x;
  const p = opts.padding ?? 0;
  if (p === 'valid') padding = new Array(sd).fill(0);
  else if (p === 'same') {
    if (stride.some((s) => s !== 1))
      throw new RangeError(`${op}: padding='same' is not supported for strided convolutions`);
    // total padding d*(k-1); PyTorch puts the odd extra element on the right
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    padding = total.map((t) => Math.floor(t / 2));
    const extra = total.map((t, i) => t - 2 * padding[i]);
    if (extra.some((e) => e > 0)) {
      const pads: number[] = [];
      for (let i = sd - 1; i >= 0; i--) pads.push(0, extra[i]);
      xp = pad(x, pads);
    }
  } else padding = expandSize(op, 'padding', p, sd);
  if (stride.some((s) => s <= 0)) throw new RangeError(`${op}: non-positive stride is not supported`);
  if (padding.some((s) => s < 0)) throw new RangeError(`${op}: negative padding is not supported`);
  const spatial = xp.shape.slice(2);
  const outSize = spatial.map(
    (s, i) => Math.floor((s + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1,
  );
  const padded = spatial.map((s, i) => s + 2 * padding[i]);
  const effective = kernel.map((k, i) => dilation[i] * (k - 1) + 1);
  if (padded.some((s, i) => s < effective[i])) {
    throw new RangeError(
      `${op}: Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${effective.join(' x ')}). Kernel size can't be greater than actual input size`,
    );
  }
  const cols = dispatch('im2col', [xp], { kernel, stride, padding, dilation, outSize, padValue: 0 });
  const kk = numel(kernel);
  const cg = cin / groups;
  const L = numel(outSize);
  const w = weight.reshape([groups, cout / groups, cg * kk]);
  const c = cols.reshape([n, groups, cg * kk, L]);
  let out = w.matmul(c).reshape([n, cout, ...outSize]);
  if (bias) out = out.add(bias.reshape([cout, ...new Array(sd).fill(1)]));
  return batched ? out : out.squeeze(0);
}

const TNAMES = ['', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];

/** Transposed convolution: matmul into columns, then col2im (the adjoint of convNd). weight [Cin, Cout / groups, *K]. */
export function convTransposeNd(
  sd: number,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: ConvTransposeOptions = {},
): Tensor {
  const op = TNAMES[sd];
  const { batched } = spatialInput(op, input.shape, sd);
  const x = batched ? input : input.unsqueeze(0);
  const groups = opts.groups ?? 1;
  const [n, cin] = x.shape;
  if (weight.ndim !== sd + 2) {
    throw new RangeError(
      `${op}: Expected ${sd + 2}-dimensional weight, but got weight of size ${fmtShape(weight.shape)}`,
    );
  }
  if (weight.shape[0] !== cin) {
    throw new RangeError(
      `${op}: Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(x.shape)} to have ${weight.shape[0]} channels, but got ${cin} channels instead`,
    );
  }
  if (cin % groups !== 0)
    throw new RangeError(`${op}: input channels ${cin} not divisible by groups ${groups}`);
  const coutG = weight.shape[1];
  const cout = coutG * groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cout)) {
    throw new RangeError(`${op}: expected bias of ${cout} elements, got ${fmtShape(bias.shape)}`);
  }
  const kernel = weight.shape.slice(2);
  const stride = expandSize(op, 'stride', opts.stride ?? 1, sd);
  const padding = expandSize(op, 'padding', opts.padding ?? 0, sd);
  const dilation = expandSize(op, 'dilation', opts.dilation ?? 1, sd);
  const outputPadding = expandSize(op, 'outputPadding', opts.outputPadding ?? 0, sd);
  outputPadding.forEach((op_, i) => {
    if (op_ >= stride[i] && op_ >= dilation[i]) {
      throw new RangeError(
        `${op}: output padding must be smaller than either stride or dilation, but got outputPadding=${op_}, stride=${stride[i]}, dilation=${dilation[i]}`,
      );
    }
  });
  const inSize = x.shape.slice(2);
  const outSize = inSize.map(
    (s, i) => (s - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1,
  );
  if (outSize.some((s) => s <= 0))
    throw new RangeError(`${op}: computed output size ${fmtShape(outSize)} is too small`);
  const kk = numel(kernel);
  const cg = cin / groups;
  const L = numel(inSize);
  const w = weight.reshape([groups, cg, coutG * kk]).transpose(1, 2);
  const xs = x.reshape([n, groups, cg, L]);
  const cols = w.matmul(xs).reshape([n, cout * kk, L]);
  let out = dispatch('col2im', [cols], {
    kernel,
    stride,
    padding,
    dilation,
    outSize: inSize,
    inputSize: outSize,
  });
  if (bias) out = out.add(bias.reshape([cout, ...new Array(sd).fill(1)]));
  return batched ? out : out.squeeze(0);
}

type BiasOr<O> = Tensor | null | undefined | O;

/** `conv2d(x, w, opts)` reads as `conv2d(x, w, null, opts)`, since a bias is always a tensor. */
function split<O>(b: BiasOr<O>, o: O | undefined): [Tensor | null, O | undefined] {
  if (b && !(b as { _isTensor?: boolean })._isTensor) return [null, b as O];
  return [(b as Tensor | null | undefined) ?? null, o];
}

export const conv1d = (x: Tensor, w: Tensor, b?: BiasOr<ConvOptions>, o?: ConvOptions) =>
  convNd(1, x, w, ...split(b, o));
export const conv2d = (x: Tensor, w: Tensor, b?: BiasOr<ConvOptions>, o?: ConvOptions) =>
  convNd(2, x, w, ...split(b, o));
export const conv3d = (x: Tensor, w: Tensor, b?: BiasOr<ConvOptions>, o?: ConvOptions) =>
  convNd(3, x, w, ...split(b, o));
export const convTranspose1d = (
  x: Tensor,
  w: Tensor,
  b?: BiasOr<ConvTransposeOptions>,
  o?: ConvTransposeOptions,
) => convTransposeNd(1, x, w, ...split(b, o));
export const convTranspose2d = (
  x: Tensor,
  w: Tensor,
  b?: BiasOr<ConvTransposeOptions>,
  o?: ConvTransposeOptions,
) => convTransposeNd(2, x, w, ...split(b, o));
export const convTranspose3d = (
  x: Tensor,
  w: Tensor,
  b?: BiasOr<ConvTransposeOptions>,
  o?: ConvTransposeOptions,
) => convTransposeNd(3, x, w, ...split(b, o));
