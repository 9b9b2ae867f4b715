// Behaviour of the spatial layers that the PyTorch-parity suite does not pin: initialisation,
// state-dict keys, error messages, outputSize handling, padding modes, fractional max pooling's
// sampling, unbatched inputs and functional/module consistency.
import { cpuBackend } from '@kindling/kernels-cpu';
import {
  arange,
  hasBackend,
  manualSeed,
  pad,
  randn,
  registerBackend,
  type Tensor,
  tensor,
} from '@kindling/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool2d,
  AdaptiveMaxPool2d,
  AvgPool2d,
  ChannelShuffle,
  CircularPad1d,
  ConstantPad2d,
  Conv1d,
  Conv2d,
  Conv3d,
  ConvTranspose1d,
  ConvTranspose2d,
  ConvTranspose3d,
  CosineSimilarity,
  Fold,
  FractionalMaxPool2d,
  FractionalMaxPool3d,
  fractionalIntervals,
  interpolate,
  LazyConv1d,
  LazyConv2d,
  LazyConv3d,
  LazyConvTranspose1d,
  LazyConvTranspose2d,
  LazyConvTranspose3d,
  LPPool3d,
  MaxPool1d,
  MaxPool2d,
  MaxUnpool1d,
  MaxUnpool2d,
  PairwiseDistance,
  PixelShuffle,
  PixelUnshuffle,
  ReflectionPad1d,
  ReplicationPad2d,
  Unfold,
  Upsample,
  ZeroPad2d,
} from '../src/spatial/index.js';

beforeAll(() => {
  if (!hasBackend('cpu')) registerBackend(cpuBackend);
});

const values = (t: Tensor) => Array.from(t.dataSync(), Number);
const maxAbs = (t: Tensor) => Math.max(...values(t).map(Math.abs));

describe('convolution layers', () => {
  it('initialise weight and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with PyTorch shapes and keys', () => {
    manualSeed(1);
    const c = new Conv2d(6, 20, [3, 5], { groups: 2 });
    expect([...c.stateDict().keys()]).toEqual(['weight', 'bias']);
    expect([...c.weight.shape]).toEqual([20, 3, 3, 5]);
    const bound = 1 / Math.sqrt(3 * 3 * 5);
    expect(maxAbs(c.weight)).toBeLessThanOrEqual(bound);
    expect(maxAbs(c.weight)).toBeGreaterThan(0.9 * bound);
    expect(maxAbs(c.bias as Tensor)).toBeLessThanOrEqual(bound);
    expect(c.weight.requiresGrad).toBe(true);
  });

  it('computes a transposed convolution fan_in from weight dim 1 (out_channels / groups)', () => {
    manualSeed(2);
    const t = new ConvTranspose2d(4, 6, 3, { groups: 2 });
    expect([...t.weight.shape]).toEqual([4, 3, 3, 3]);
    const bound = 1 / Math.sqrt(3 * 9);
    expect(maxAbs(t.weight)).toBeLessThanOrEqual(bound);
    expect(maxAbs(t.weight)).toBeGreaterThan(0.9 * bound);
    expect(maxAbs(t.bias as Tensor)).toBeLessThanOrEqual(bound);
  });

  it('honours bias: false, dtype and device', () => {
    const c = new Conv1d(2, 3, 2, { bias: false, dtype: 'float64', device: 'cpu' });
    expect([...c.stateDict().keys()]).toEqual(['weight']);
    expect(c.bias).toBeNull();
    expect(c.weight.dtype).toBe('float64');
    expect(c.call(randn([1, 2, 5], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('rejects bad constructor arguments naming the layer', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(
      /Conv2d: inChannels \(3\) must be divisible by groups \(2\)/,
    );
    expect(() => new Conv2d(4, 6, 3, { groups: 4 })).toThrow(
      /Conv2d: outChannels \(6\) must be divisible by groups \(4\)/,
    );
    expect(() => new Conv1d(1, 1, 3, { groups: 0 })).toThrow(/Conv1d: groups must be a positive integer/);
    expect(() => new Conv2d(1, 1, 3, { padding: 'same', stride: 2 })).toThrow(
      /Conv2d: padding='same' is not supported for strided convolutions/,
    );
    expect(() => new Conv2d(1, 1, 3, { padding: 'full' as 'same' })).toThrow(
      /Conv2d: invalid padding string 'full'/,
    );
    expect(() => new Conv2d(1, 1, 3, { paddingMode: 'mirror' as 'reflect' })).toThrow(
      /Conv2d: paddingMode must be one of/,
    );
    expect(() => new Conv2d(1, 1, [3, 3, 3])).toThrow(
      /Conv2d: kernelSize must be an integer or a list of 2 integers, got \[3, 3, 3\]/,
    );
    expect(() => new ConvTranspose2d(1, 1, 3, { paddingMode: 'reflect' })).toThrow(
      /ConvTranspose2d: only "zeros" padding mode/,
    );
  });

  it('reports wrong rank, wrong channel count and a kernel larger than the padded input', () => {
    const c = new Conv2d(3, 4, 3);
    expect(() => c.call(randn([3, 5]))).toThrow(
      /Conv2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input .*got a 2-D input of shape \[3, 5\]/,
    );
    expect(() => c.call(randn([2, 4, 5, 5]))).toThrow(
      /Conv2d: expected input with 3 channels \(inChannels\) at dim 1, but got 4 channels \(input of shape \[2, 4, 5, 5\]\)/,
    );
    expect(() => c.call(randn([1, 3, 2, 5]))).toThrow(
      /Conv2d: padded input size per channel \(2 x 5\) is smaller than the dilated kernel size \(3 x 3\)/,
    );
    const d = new Conv1d(1, 1, 3, { dilation: 3, padding: 1 });
    expect(() => d.call(randn([1, 1, 4]))).toThrow(
      /Conv1d: padded input size per channel \(6\) is smaller than the dilated kernel size \(7\)/,
    );
    const t = new ConvTranspose1d(2, 3, 3);
    expect(() => t.call(randn([1, 3, 4]))).toThrow(
      /ConvTranspose1d: expected input with 2 channels \(inChannels\) at dim 1, but got 3 channels/,
    );
  });

  it('accepts unbatched inputs', () => {
    const c = new Conv3d(2, 3, 2);
    const x = randn([2, 3, 4, 5]);
    const y = c.call(x);
    expect([...y.shape]).toEqual([3, 2, 3, 4]);
    expect(values(y)).toEqual(values(c.call(x.unsqueeze(0)).squeeze(0)));
  });

  it('pads by paddingMode before a zero-padding convolution', () => {
    for (const mode of ['reflect', 'replicate', 'circular'] as const) {
      const c = new Conv2d(2, 2, 3, { padding: [1, 2], paddingMode: mode });
      const x = randn([1, 2, 5, 6]);
      const ref = new Conv2d(2, 2, 3);
      ref.loadStateDict(c.stateDict());
      const want = ref.call(pad(x, [2, 2, 1, 1], { mode }));
      const got = c.call(x);
      expect([...got.shape]).toEqual([1, 2, 5, 8]);
      values(got).forEach((v, i) => {
        expect(v).toBeCloseTo(values(want)[i], 5);
      });
    }
  });
});

describe('ConvTranspose outputSize', () => {
  it('picks the output padding that reaches outputSize (spatial or full shape)', () => {
    const t = new ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1 });
    const x = randn([1, 3, 4, 5]);
    expect([...t.call(x).shape]).toEqual([1, 2, 7, 9]);
    expect([...t.call(x, [8, 10]).shape]).toEqual([1, 2, 8, 10]);
    expect([...t.call(x, [1, 2, 8, 9]).shape]).toEqual([1, 2, 8, 9]);
    const explicit = new ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: [1, 0] });
    explicit.loadStateDict(t.stateDict());
    expect(values(t.call(x, [8, 9]))).toEqual(values(explicit.call(x)));
  });

  it('handles unbatched inputs and 1-D / 3-D layers', () => {
    const t1 = new ConvTranspose1d(2, 2, 2, { stride: 3 });
    expect([...t1.call(randn([2, 4]), [12]).shape]).toEqual([2, 12]);
    expect([...t1.call(randn([2, 4]), [2, 13]).shape]).toEqual([2, 13]);
    const t3 = new ConvTranspose3d(1, 1, 2, { stride: 2 });
    expect([...t3.call(randn([1, 1, 2, 2, 2]), [5, 4, 5]).shape]).toEqual([1, 1, 5, 4, 5]);
  });

  it('rejects unreachable sizes and wrong lengths without changing the layer', () => {
    const t = new ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1 });
    const before = values(t.weight);
    const x = randn([1, 3, 4, 5]);
    expect(() => t.call(x, [9, 9])).toThrow(
      /ConvTranspose2d: requested an output size of \[9, 9\], but valid sizes range from \[7, 9\] to \[8, 10\] \(for an input of \[4, 5\]\)/,
    );
    expect(() => t.call(x, [8])).toThrow(
      /ConvTranspose2d: for 4D input, output_size must have 2 or 4 elements \(got 1: \[8\]\)/,
    );
    expect(values(t.weight)).toEqual(before);
    expect([...t.call(x).shape]).toEqual([1, 2, 7, 9]);
  });
});

describe('pooling layers', () => {
  it('returns [values, indices] with returnIndices, typed by the option', () => {
    const x = randn([1, 2, 6, 4]);
    const [y, idx] = new MaxPool2d(2, { returnIndices: true }).call(x);
    const plain: Tensor = new MaxPool2d(2).call(x);
    expect(values(y)).toEqual(values(plain));
    expect(idx.dtype).toBe('int32');
    const back = new MaxUnpool2d(2).call(y, idx);
    expect([...back.shape]).toEqual([1, 2, 6, 4]);
  });

  it('MaxUnpool honours outputSize (spatial or full) and rejects invalid sizes and indices', () => {
    const x = randn([1, 1, 5, 5]);
    const [y, idx] = new MaxPool2d(2, { returnIndices: true }).call(x);
    const u = new MaxUnpool2d(2);
    const restored = u.call(y, idx, [5, 5]);
    expect([...restored.shape]).toEqual([1, 1, 5, 5]);
    expect(values(u.call(y, idx, [1, 1, 5, 5]))).toEqual(values(restored));
    const iv = values(idx);
    values(y).forEach((v, k) => {
      expect(values(restored)[iv[k]]).toBe(v);
    });
    // without outputSize the plane is 4x4, too small for indices into the 5x5 input (as in PyTorch)
    if (Math.max(...iv) >= 16)
      expect(() => u.call(y, idx)).toThrow(/MaxUnpool2d: found an invalid max index/);
    expect([
      ...u.call(
        new MaxPool2d(2).call(randn([1, 1, 4, 4])),
        tensor(Int32Array.from([0, 2, 8, 10]), { shape: [1, 1, 2, 2], dtype: 'int32' }),
      ).shape,
    ]).toEqual([1, 1, 4, 4]);
    expect(() => u.call(y, idx, [6, 5])).toThrow(
      /MaxUnpool2d: invalid output_size \[6, 5\] \(dim 0 must be between 2 and 6, exclusive\)/,
    );
    expect(() => u.call(y, idx, [5])).toThrow(
      /MaxUnpool2d: output_size should be a sequence containing 2 or 4 elements/,
    );
    const bad = tensor(Int32Array.from([0, 1, 2, 99]), { shape: [1, 1, 2, 2], dtype: 'int32' });
    expect(() => u.call(y, bad)).toThrow(
      /MaxUnpool2d: found an invalid max index 99 \(output planes are 4x4, so indices must be in \[0, 16\)\)/,
    );
    expect(() => u.call(y, idx.reshape([1, 1, 4]))).toThrow(
      /MaxUnpool2d: expected indices of the input's shape \[1, 1, 2, 2\], but got indices of shape \[1, 1, 4\]/,
    );
  });

  it('MaxUnpool1d inverts MaxPool1d on its maxima', () => {
    const x = tensor([[[1, 2, 3, 4, 5, 6, 7, 8]]]);
    const [y, idx] = new MaxPool1d(2, { stride: 2, returnIndices: true }).call(x);
    expect(values(new MaxUnpool1d(2, { stride: 2 }).call(y, idx))).toEqual([0, 2, 0, 4, 0, 6, 0, 8]);
  });

  it('reports wrong ranks naming the layer', () => {
    expect(() => new MaxPool2d(2).call(randn([5]))).toThrow(
      /MaxPool2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input .*got a 1-D input of shape \[5\]/,
    );
    expect(() => new AvgPool2d(2).call(randn([1, 1, 1, 4, 4]))).toThrow(
      /AvgPool2d: expected a 3-D .* shape \[1, 1, 1, 4, 4\]/,
    );
    expect(() => new AdaptiveAvgPool2d(2).call(randn([4, 4]))).toThrow(/AdaptiveAvgPool2d: expected a 3-D/);
    expect(() => new AdaptiveMaxPool2d([2, 2, 2])).toThrow(
      /AdaptiveMaxPool2d: outputSize must be a number or a list of 2 numbers/,
    );
  });

  it('adaptive pools keep null sizes and handle upsampling windows', () => {
    const x = randn([2, 3, 7, 5]);
    expect([...new AdaptiveAvgPool2d([3, null]).call(x).shape]).toEqual([2, 3, 3, 5]);
    const [y, idx] = new AdaptiveMaxPool2d([9, 7], { returnIndices: true }).call(x);
    expect([...y.shape]).toEqual([2, 3, 9, 7]);
    expect(Math.max(...values(idx))).toBeLessThan(35);
  });

  it('LPPool3d computes (sum x^p)^(1/p) over windows', () => {
    const x = arange(1, 1 + 2 * 4 * 4 * 4, { dtype: 'float32' })
      .reshape([1, 2, 4, 4, 4])
      .div(50);
    const y = new LPPool3d(3, 2).call(x);
    expect([...y.shape]).toEqual([1, 2, 2, 2, 2]);
    const xv = values(x);
    const at = (c: number, d: number, h: number, w: number) => xv[((c * 4 + d) * 4 + h) * 4 + w];
    let s = 0;
    for (let d = 0; d < 2; d++)
      for (let h = 0; h < 2; h++) for (let w = 0; w < 2; w++) s += at(1, 2 + d, h, 2 + w) ** 3;
    expect(values(y)[8 + 4 + 1]).toBeCloseTo(s ** (1 / 3), 5);
  });
});

describe('FractionalMaxPool', () => {
  it('follows PyTorch interval sequences', () => {
    // alpha = 7/3: trunc((i + 0.5)·alpha) − trunc(0.5·alpha) = 0, 2, 4, then the last start 10 − 3
    expect([...fractionalIntervals(0.5, 10, 4, 3, false)]).toEqual([0, 2, 4, 7]);
    expect([...fractionalIntervals(0.3, 7, 6, 2, true)]).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...fractionalIntervals(0.9, 5, 1, 2, true)]).toEqual([3]);
  });

  it('draws samples from the default generator: reproducible under manualSeed, different across calls', () => {
    const x = randn([2, 3, 15, 13]);
    const pool = new FractionalMaxPool2d(2, { outputSize: [6, 5], returnIndices: true });
    manualSeed(7);
    const [, a] = pool.call(x);
    const [, b] = pool.call(x);
    manualSeed(7);
    const [, c] = pool.call(x);
    expect(values(a)).toEqual(values(c));
    expect(values(a)).not.toEqual(values(b));
  });

  it('keeps given samples as the _random_samples buffer and uses them', () => {
    const samples = tensor(Float32Array.from([0.1, 0.9, 0.5, 0.5]), { shape: [1, 2, 2] });
    const pool = new FractionalMaxPool2d(3, { outputRatio: 0.5, randomSamples: samples });
    expect([...pool.stateDict().keys()]).toEqual(['_random_samples']);
    const x = randn([1, 2, 12, 10]);
    expect(values(pool.call(x))).toEqual(values(pool.call(x)));
    expect([...pool.call(x).shape]).toEqual([1, 2, 6, 5]);
    expect([...new FractionalMaxPool2d(2, { outputSize: 3 }).stateDict().keys()]).toEqual([]);
  });

  it('selects window maxima and routes the gradient to them (3-D, unbatched)', () => {
    const x = randn([2, 7, 6, 8], { requiresGrad: true });
    const [y, idx] = new FractionalMaxPool3d([2, 2, 3], { outputSize: [4, 3, 5], returnIndices: true }).call(
      x,
    );
    expect([...y.shape]).toEqual([2, 4, 3, 5]);
    y.sum().backward();
    const xv = values(x);
    const iv = values(idx);
    const yv = values(y);
    iv.forEach((i, k) => {
      expect(yv[k]).toBe(xv[Math.floor(k / 60) * 336 + i]);
    });
    const g = values(x.grad as Tensor);
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(120, 4);
  });

  it('rejects bad configurations naming the layer', () => {
    expect(() => new FractionalMaxPool2d(2)).toThrow(
      /FractionalMaxPool2d requires specifying either an output size, or a pooling ratio/,
    );
    expect(() => new FractionalMaxPool2d(2, { outputSize: 3, outputRatio: 0.5 })).toThrow(
      /FractionalMaxPool2d: only one of outputSize and outputRatio/,
    );
    expect(() => new FractionalMaxPool2d(2, { outputRatio: 1.5 })).toThrow(
      /FractionalMaxPool2d: outputRatio must be between 0 and 1/,
    );
    expect(() => new FractionalMaxPool2d(4, { outputSize: [3, 3] }).call(randn([1, 1, 5, 9]))).toThrow(
      /FractionalMaxPool2d: kernel_size 4 too large relative to input size 5 at spatial dim 0 for output size 3/,
    );
    const pool = new FractionalMaxPool2d(2, {
      outputSize: 2,
      randomSamples: tensor(Float32Array.from([0.5, 0.5]), { shape: [1, 1, 2] }),
    });
    expect(() => pool.call(randn([2, 1, 4, 4]))).toThrow(
      /FractionalMaxPool2d: expected random samples of shape \[2, 1, 2\] for input \[2, 1, 4, 4\], but got \[1, 1, 2\]/,
    );
  });
});

describe('padding layers', () => {
  it('checks sizes per mode, naming the layer', () => {
    expect(() => new ReflectionPad1d(3).call(randn([1, 2, 3]))).toThrow(
      /ReflectionPad1d: padding \(3, 3\) of dim 2 must be smaller than that dim's size 3/,
    );
    expect(() => new CircularPad1d([1, 4]).call(randn([1, 2, 3]))).toThrow(
      /CircularPad1d: padding \(1, 4\) of dim 2 must be at most that dim's size 3/,
    );
    expect(() => new ReplicationPad2d(1).call(randn([4, 4]))).toThrow(
      /ReplicationPad2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input, but got a 2-D input of shape \[4, 4\]/,
    );
    expect(() => new ZeroPad2d([1, 2, 3])).toThrow(
      /ZeroPad2d: padding must be an integer or a list of 4 integers \(left, right, top, bottom\), got \[1, 2, 3\]/,
    );
    expect(() => new ConstantPad2d(1, 0).call(randn([3]))).toThrow(
      /ConstantPad2d: expected an input with at least 2 dims/,
    );
  });

  it('constant pads any rank and crops with negative padding', () => {
    const y = new ConstantPad2d([1, -1, 0, 2], 7).call(tensor([[1, 2, 3]]));
    expect([...y.shape]).toEqual([3, 3]);
    expect(values(y)).toEqual([7, 1, 2, 7, 7, 7, 7, 7, 7]);
  });
});

describe('rearrangement, fold and distance layers', () => {
  it('name the layer in their errors', () => {
    expect(() => new PixelShuffle(2).call(randn([1, 6, 2, 2]))).toThrow(
      /PixelShuffle: expected the channel dimension \(size\(-3\) = 6\) to be divisible by upscale_factor² = 4/,
    );
    expect(() => new PixelUnshuffle(2).call(randn([1, 1, 3, 4]))).toThrow(
      /PixelUnshuffle: expected height \(3\) and width \(4\) to be divisible by downscale_factor = 2/,
    );
    expect(() => new PixelShuffle(0)).toThrow(/PixelShuffle: upscaleFactor must be a positive integer/);
    expect(() => new ChannelShuffle(3).call(randn([1, 4, 2]))).toThrow(
      /ChannelShuffle: number of channels \(4\) must be divisible by groups \(3\)/,
    );
    expect(() => new Fold([4, 5], 2).call(randn([1, 12, 10]))).toThrow(
      /Fold: given output_size=\(4, 5\), kernel_size=\(2, 2\).* match the calculated number of sliding blocks 3 \* 4 = 12, but got 10/,
    );
    expect(() => new Fold([4, 5], 2).call(randn([1, 10, 12]))).toThrow(
      /Fold: expected size of input's dimension 1 \(10\) to be divisible by the product of kernel_size 4/,
    );
    expect(() => new Unfold(2).call(randn([1, 1, 1, 4, 4]))).toThrow(
      /Unfold: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, but got a 5-D input/,
    );
    expect(() => new Unfold(5).call(randn([1, 1, 4, 4]))).toThrow(
      /Unfold: given spatial size \(4, 4\), kernel_size=\(5, 5\).*grid of sliding blocks is \(0, 0\)/,
    );
    expect(() => new CosineSimilarity().call(randn([2, 3]), randn([4, 3]))).toThrow(
      /CosineSimilarity: the shapes of x1 \[2, 3\] and x2 \[4, 3\] cannot be broadcast/,
    );
    expect(() => new PairwiseDistance().call(randn([2, 3]), randn([2, 4]))).toThrow(
      /PairwiseDistance: the shapes/,
    );
  });

  it('fold is the adjoint of unfold: fold(unfold(x)) counts window overlaps', () => {
    const x = randn([2, 3, 5, 6]);
    const u = new Unfold([2, 3], { stride: 1 });
    const f = new Fold([5, 6], [2, 3]);
    const ones = new Fold([5, 6], [2, 3]).call(new Unfold([2, 3]).call(x.mul(0).add(1)));
    const back = f.call(u.call(x));
    values(back).forEach((v, i) => {
      expect(v).toBeCloseTo(values(x)[i] * values(ones)[i], 5);
    });
  });

  it('PixelShuffle and PixelUnshuffle are inverses', () => {
    const x = randn([2, 8, 3, 5]);
    expect(values(new PixelUnshuffle(2).call(new PixelShuffle(2).call(x)))).toEqual(values(x));
  });
});

describe('Upsample / interpolate', () => {
  it('rejects inconsistent options, naming Upsample', () => {
    const x = randn([1, 1, 4]);
    expect(() => new Upsample({ size: 8, scaleFactor: 2 }).call(x)).toThrow(
      /Upsample: only one of size or scale_factor should be defined/,
    );
    expect(() => new Upsample().call(x)).toThrow(/Upsample: either size or scale_factor should be defined/);
    expect(() => new Upsample({ scaleFactor: 2, mode: 'bilinear' }).call(x)).toThrow(
      /Upsample: got 3D input of shape \[1, 1, 4\], but bilinear mode needs 4D input/,
    );
    expect(() => new Upsample({ scaleFactor: 2, alignCorners: true }).call(x)).toThrow(
      /align_corners option can only be set with the interpolating modes/,
    );
    expect(() => new Upsample({ size: [4, 4] }).call(x)).toThrow(
      /input and output must have the same number of spatial dimensions/,
    );
    expect(() => interpolate(randn([4, 4]), { scaleFactor: 2 })).toThrow(
      /Only 3D, 4D and 5D input Tensors supported \(got 2D/,
    );
    expect(() => interpolate(x, { size: 8, recomputeScaleFactor: true })).toThrow(
      /recompute_scale_factor is not meaningful with an explicit size/,
    );
  });

  it('returns a new tensor with gradients for an identity resize', () => {
    const x = randn([1, 1, 3, 3], { requiresGrad: true });
    const y = interpolate(x, { size: [3, 3] });
    expect(y).not.toBe(x);
    y.sum().backward();
    expect(values(x.grad as Tensor)).toEqual(new Array(9).fill(1));
  });

  it('nearest upsampling by 2 repeats each element', () => {
    const y = new Upsample({ scaleFactor: 2 }).call(tensor([[[1, 2, 3]]]));
    expect(values(y)).toEqual([1, 1, 2, 2, 3, 3]);
  });
});

describe('lazy convolutions', () => {
  it('infer inChannels from the first input, initialise, and become the plain layer', () => {
    const c = new LazyConv2d(4, 3, { padding: 1, groups: 2 });
    expect(c.hasUninitializedParams()).toBe(true);
    expect(c.toString()).toMatch(/^LazyConv2d\(0, 4,/);
    const y = c.call(randn([1, 6, 5, 5]));
    expect([...y.shape]).toEqual([1, 4, 5, 5]);
    expect(c).toBeInstanceOf(Conv2d);
    expect(c.toString()).toBe('Conv2d(6, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=2)');
    expect([...c.weight.shape]).toEqual([4, 3, 3, 3]);
    expect(maxAbs(c.weight)).toBeLessThanOrEqual(1 / Math.sqrt(27));
    expect(maxAbs(c.weight)).toBeGreaterThan(0);
    expect([...c.call(randn([6, 5, 5])).shape]).toEqual([4, 5, 5]);
  });

  it('materialise from a state dict; transposed ones take inChannels from weight dim 0', () => {
    const src = new ConvTranspose1d(3, 2, 4, { stride: 2 });
    const t = new LazyConvTranspose1d(2, 4, { stride: 2 });
    t.loadStateDict(src.stateDict());
    const x = randn([1, 3, 5]);
    expect(values(t.call(x, [13]))).toEqual(values(src.call(x, [13])));
    expect(t.inChannels).toBe(3);
    expect(t).toBeInstanceOf(ConvTranspose1d);
  });

  it('reject inputs whose channels groups does not divide', () => {
    const c = new LazyConv1d(4, 3, { groups: 2 });
    expect(() => c.call(randn([1, 3, 8]))).toThrow(
      /LazyConv1d: the input's 3 channels \(input of shape \[1, 3, 8\]\) must be divisible by groups \(2\)/,
    );
    expect([...new LazyConv3d(2, 2).call(randn([1, 3, 3, 3, 3])).shape]).toEqual([1, 2, 2, 2, 2]);
    expect([...new LazyConvTranspose2d(2, 2, { bias: false }).call(randn([3, 2, 2])).shape]).toEqual([
      2, 3, 3,
    ]);
    expect([...new LazyConvTranspose3d(1, 2).call(randn([1, 2, 2, 2, 2])).shape]).toEqual([1, 1, 3, 3, 3]);
  });
});
