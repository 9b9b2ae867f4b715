/** Convolution layers: Conv1d/2d/3d and ConvTranspose1d/2d/3d (torch.nn.modules.conv). */
import { fmtShape } from '@kindling/ops';
import {
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  pad,
  type Tensor,
} from '@kindling/tensor';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { pyTuple } from '../repr.js';
import { convTransposeOutputPadding } from './functional/conv.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';
import { type FactoryOptions, newParam } from '../layers/factory.js';
import { ntuple, type Size } from './ntuple.js';

/** How a convolution pads its input: with zeros, or by reflecting, replicating or wrapping the border. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Keyword options of Conv1d/2d/3d (PyTorch's defaults). */
export interface ConvModuleOptions extends FactoryOptions {
  /** Default 1. */
  stride?: Size;
  /** Implicit padding on both sides: numbers, 'valid' (none) or 'same' (output size = input size; stride 1 only). Default 0. */
  padding?: Size | 'same' | 'valid';
  /** Spacing between kernel elements. Default 1. */
  dilation?: Size;
  /** Blocked connections from input to output channels; must divide both channel counts. Default 1. */
  groups?: number;
  /** Learn an additive bias. Default true. */
  bias?: boolean;
  /** Default 'zeros'. */
  paddingMode?: PaddingMode;
}

/** Keyword options of ConvTranspose1d/2d/3d (PyTorch's defaults). */
export interface ConvTransposeModuleOptions extends FactoryOptions {
  /** Default 1. */
  stride?: Size;
  /** dilation·(kernel_size − 1) − padding zeros are added to both sides of the input. Default 0. */
  padding?: Size;
  /** Extra size added to one side of each output dim (must be smaller than stride or dilation). Default 0. */
  outputPadding?: Size;
  /** Default 1. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
  /** Default 1. */
  dilation?: Size;
  /** Only 'zeros' is supported, as in PyTorch. */
  paddingMode?: PaddingMode;
}

const MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];
const CONV = [null, conv1d, conv2d, conv3d] as const;
const CONVT = [null, convTranspose1d, convTranspose2d, convTranspose3d] as const;
const DIMS = [
  '',
  '(N, C_in, L) or (C_in, L)',
  '(N, C_in, H, W) or (C_in, H, W)',
  '(N, C_in, D, H, W) or (C_in, D, H, W)',
];

/** Shared state and checks of the convolution layers (PyTorch's _ConvNd). */
export abstract class ConvNd extends Module {
  inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly transposed: boolean;
  readonly outputPadding: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  /** The padding F.pad applies for non-zero padding modes (PyTorch's _reversed_padding_repeated_twice). */
  readonly _reversedPaddingRepeatedTwice: number[];
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(
    sd: number,
    inChannels: number,
    outChannels: number,
    kernelSize: Size,
    opts: {
      stride?: Size;
      padding?: Size | 'same' | 'valid';
      dilation?: Size;
      transposed: boolean;
      outputPadding?: Size;
      groups?: number;
      bias?: boolean;
      paddingMode?: PaddingMode;
    } & FactoryOptions,
  ) {
    super();
    const name = this._getName();
    const groups = opts.groups ?? 1;
    if (
      !Number.isInteger(inChannels) ||
      inChannels < 0 ||
      !Number.isInteger(outChannels) ||
      outChannels < 0
    ) {
      throw new RangeError(
        `${name}: inChannels and outChannels must be non-negative integers, got ${inChannels} and ${outChannels}`,
      );
    }
    if (!Number.isInteger(groups) || groups <= 0)
      throw new RangeError(`${name}: groups must be a positive integer, got ${groups}`);
    if (inChannels % groups !== 0)
      throw new RangeError(`${name}: inChannels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0)
      throw new RangeError(`${name}: outChannels (${outChannels}) must be divisible by groups (${groups})`);
    const kernel = ntuple(name, 'kernelSize', kernelSize, sd);
    const stride = ntuple(name, 'stride', opts.stride ?? 1, sd);
    const dilation = ntuple(name, 'dilation', opts.dilation ?? 1, sd);
    const outputPadding = ntuple(name, 'outputPadding', opts.outputPadding ?? 0, sd);
    if (kernel.some((k) => k <= 0))
      throw new RangeError(`${name}: kernelSize must be positive, got ${pyTuple(kernel)}`);
    if (stride.some((s) => s <= 0))
      throw new RangeError(`${name}: stride must be positive, got ${pyTuple(stride)}`);
    if (dilation.some((d) => d <= 0))
      throw new RangeError(`${name}: dilation must be positive, got ${pyTuple(dilation)}`);
    if (outputPadding.some((p) => p < 0))
      throw new RangeError(`${name}: outputPadding must be non-negative, got ${pyTuple(outputPadding)}`);
    const p = opts.padding ?? 0;
    let padding: number[] | 'same' | 'valid';
    if (typeof p === 'string') {
      if (p !== 'same' && p !== 'valid')
        throw new RangeError(`${name}: invalid padding string '${p}', should be one of 'same', 'valid'`);
      if (opts.transposed)
        throw new RangeError(
          `${name}: padding='${p}' is not supported; padding must be a number or a list of numbers`,
        );
      if (p === 'same' && stride.some((s) => s !== 1))
        throw new RangeError(`${name}: padding='same' is not supported for strided convolutions`);
      padding = p;
    } else {
      padding = ntuple(name, 'padding', p, sd);
      if (padding.some((v) => v < 0))
        throw new RangeError(`${name}: padding must be non-negative, got ${pyTuple(padding)}`);
    }
    const mode = opts.paddingMode ?? 'zeros';
    if (!MODES.includes(mode)) {
      throw new RangeError(
        `${name}: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', but got paddingMode='${mode}'`,
      );
    }
    if (opts.transposed && mode !== 'zeros')
      throw new RangeError(`${name}: only "zeros" padding mode is supported for ${name}`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernel;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.transposed = opts.transposed;
    this.outputPadding = outputPadding;
    this.groups = groups;
    this.paddingMode = mode;
    const rev: number[] = [];
    for (let i = sd - 1; i >= 0; i--) {
      if (padding === 'same') {
        const total = dilation[i] * (kernel[i] - 1);
        const left = Math.floor(total / 2);
        rev.push(left, total - left);
      } else if (padding === 'valid') rev.push(0, 0);
      else rev.push(padding[i], padding[i]);
    }
    this._reversedPaddingRepeatedTwice = rev;
    const wShape = opts.transposed
      ? [inChannels, outChannels / groups, ...kernel]
      : [outChannels, inChannels / groups, ...kernel];
    const factory = { device: opts.device, dtype: opts.dtype };
    this.weight = newParam(wShape, factory);
    if (opts.bias ?? true) this.bias = newParam([outChannels], factory);
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /**
   * PyTorch's reset_parameters: kaiming_uniform_(weight, a=√5), i.e. U(-1/√fan_in, 1/√fan_in),
   * and the bias from U(-1/√fan_in, 1/√fan_in), fan_in = weight.size(1) × ∏kernel_size.
   */
  resetParameters(): void {
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        uniform_(this.bias, -bound, bound);
      }
    }
  }

  /** The number of spatial dims. */
  get _sd(): number {
    return this.kernelSize.length;
  }

  /** Check rank and channel count; returns whether the input is batched. */
  protected _checkInput(x: Tensor): boolean {
    const name = this._getName();
    const sd = this._sd;
    if (x.ndim !== sd + 1 && x.ndim !== sd + 2) {
      throw new RangeError(
        `${name}: expected a ${sd + 1}-D (unbatched) or ${sd + 2}-D (batched) input ${DIMS[sd]}, but got a ${x.ndim}-D input of shape ${fmtShape(x.shape)}`,
      );
    }
    const c = x.shape[x.ndim - sd - 1];
    if (c !== this.inChannels) {
      throw new RangeError(
        `${name}: expected input with ${this.inChannels} channels (inChannels) at dim ${x.ndim - sd - 1}, but got ${c} channels (input of shape ${fmtShape(x.shape)})`,
      );
    }
    return x.ndim === sd + 2;
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((v) => v !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((v) => v !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.outputPadding.some((v) => v !== 0)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null || this.bias === undefined) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/** Forward convolution layers (PyTorch's Conv1d/2d/3d). */
abstract class ConvForward extends ConvNd {
  constructor(
    sd: number,
    inChannels: number,
    outChannels: number,
    kernelSize: Size,
    opts: ConvModuleOptions = {},
  ) {
    super(sd, inChannels, outChannels, kernelSize, { ...opts, transposed: false });
  }

  /** The convolution with explicit weight and bias (PyTorch's _conv_forward). */
  _convForward(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    const name = this._getName();
    const sd = this._sd;
    this._checkInput(x);
    const spatial = x.shape.slice(x.ndim - sd);
    const padded = spatial.map(
      (s, i) =>
        s +
        this._reversedPaddingRepeatedTwice[2 * (sd - 1 - i)] +
        this._reversedPaddingRepeatedTwice[2 * (sd - 1 - i) + 1],
    );
    const effective = this.kernelSize.map((k, i) => this.dilation[i] * (k - 1) + 1);
    if (padded.some((s, i) => s < effective[i])) {
      throw new RangeError(
        `${name}: padded input size per channel (${padded.join(' x ')}) is smaller than the dilated kernel size (${effective.join(' x ')}) (input of shape ${fmtShape(x.shape)})`,
      );
    }
    const conv = CONV[sd] as NonNullable<(typeof CONV)[1]>;
    if (this.paddingMode !== 'zeros') {
      const mode =
        this.paddingMode === 'reflect'
          ? 'reflect'
          : this.paddingMode === 'replicate'
            ? 'replicate'
            : 'circular';
      const xp = pad(x, this._reversedPaddingRepeatedTwice, { mode });
      return conv(xp, weight, bias, {
        stride: this.stride,
        padding: 0,
        dilation: this.dilation,
        groups: this.groups,
      });
    }
    return conv(x, weight, bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  override forward(input: Tensor): Tensor {
    return this._convForward(input, this.weight, this.bias);
  }
}

/**
 * A 1-D convolution over an input of several planes: (N, C_in, L_in) or (C_in, L_in) →
 * (N, C_out, L_out), L_out = ⌊(L_in + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1.
 * weight: (C_out, C_in / groups, kernel_size); bias: (C_out).
 * @example
 * const m = new Conv1d(16, 33, 3, { stride: 2 });
 * m.call(randn(20, 16, 50)).shape; // [20, 33, 24]
 */
export class Conv1d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts: ConvModuleOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * A 2-D convolution: (N, C_in, H_in, W_in) or (C_in, H_in, W_in) → (N, C_out, H_out, W_out), each
 * output size ⌊(in + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1.
 * weight: (C_out, C_in / groups, kH, kW); bias: (C_out).
 * @example
 * const m = new Conv2d(16, 33, 3, { stride: 2, padding: 1, paddingMode: 'reflect' });
 * m.call(randn(20, 16, 50, 100)).shape; // [20, 33, 25, 50]
 */
export class Conv2d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts: ConvModuleOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * A 3-D convolution: (N, C_in, D_in, H_in, W_in) or (C_in, D_in, H_in, W_in) → (N, C_out, D_out, H_out, W_out).
 * weight: (C_out, C_in / groups, kD, kH, kW); bias: (C_out).
 * @example
 * const m = new Conv3d(16, 33, [3, 5, 2], { stride: [2, 1, 1], padding: [4, 2, 0] });
 * m.call(randn(20, 16, 10, 50, 100)).shape; // [20, 33, 8, 50, 99]
 */
export class Conv3d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts: ConvModuleOptions = {}) {
    super(3, inChannels, outChannels, kernelSize, opts);
  }
}

/** Transposed convolution layers (PyTorch's ConvTranspose1d/2d/3d). */
abstract class ConvTransposeNd extends ConvNd {
  constructor(
    sd: number,
    inChannels: number,
    outChannels: number,
    kernelSize: Size,
    opts: ConvTransposeModuleOptions = {},
  ) {
    super(sd, inChannels, outChannels, kernelSize, { ...opts, transposed: true });
  }

  /**
   * The output padding for a call: `outputPadding`, or the one that reaches `outputSize`
   * (PyTorch's _output_padding).
   */
  _outputPaddingFor(x: Tensor, outputSize?: readonly number[] | null): number[] {
    if (outputSize === undefined || outputSize === null) return this.outputPadding;
    const padding = this.padding as number[];
    return convTransposeOutputPadding(
      this._getName(),
      x.shape,
      outputSize,
      this.stride,
      padding,
      this.kernelSize,
      this.dilation,
    );
  }

  /**
   * @param input (N, C_in, *S_in) or (C_in, *S_in)
   * @param outputSize the exact output size (spatial dims, optionally with the leading dims); it
   *   picks the output padding, since several input sizes convolve to the same size.
   */
  override forward(input: Tensor, outputSize?: readonly number[] | null): Tensor {
    this._checkInput(input);
    const outputPadding = this._outputPaddingFor(input, outputSize);
    const convT = CONVT[this._sd] as NonNullable<(typeof CONVT)[1]>;
    return convT(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding as number[],
      outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}

/**
 * A 1-D transposed convolution (the gradient of Conv1d with respect to its input):
 * (N, C_in, L_in) → (N, C_out, L_out), L_out = (L_in − 1)·stride − 2·padding + dilation·(kernel_size − 1) + outputPadding + 1.
 * weight: (C_in, C_out / groups, kernel_size); bias: (C_out).
 * @example
 * const m = new ConvTranspose1d(16, 33, 3, { stride: 2 });
 * m.call(randn(20, 16, 50)).shape; // [20, 33, 101]
 */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Size,
    opts: ConvTransposeModuleOptions = {},
  ) {
    super(1, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * A 2-D transposed convolution: (N, C_in, H_in, W_in) → (N, C_out, H_out, W_out).
 * weight: (C_in, C_out / groups, kH, kW); bias: (C_out). `forward(x, outputSize)` picks the output padding.
 * @example
 * const up = new ConvTranspose2d(16, 16, 3, { stride: 2, padding: 1 });
 * up.call(h, [1, 16, 12, 12]).shape; // [1, 16, 12, 12] for h of shape [1, 16, 6, 6]
 */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Size,
    opts: ConvTransposeModuleOptions = {},
  ) {
    super(2, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * A 3-D transposed convolution: (N, C_in, D_in, H_in, W_in) → (N, C_out, D_out, H_out, W_out).
 * weight: (C_in, C_out / groups, kD, kH, kW); bias: (C_out).
 * @example
 * const m = new ConvTranspose3d(16, 33, [3, 5, 2], { stride: [2, 1, 1], padding: [0, 4, 2] });
 * m.call(randn(20, 16, 10, 50, 100)).shape; // [20, 33, 21, 46, 97]
 */
export class ConvTranspose3d extends ConvTransposeNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Size,
    opts: ConvTransposeModuleOptions = {},
  ) {
    super(3, inChannels, outChannels, kernelSize, opts);
  }
}
