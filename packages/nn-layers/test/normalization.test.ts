import { manualSeed, randn, type Tensor, tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { expectClose, mean, useCpu, vals } from './helpers.js';

useCpu();

const f64 = (data: number[][] | number[][][], requiresGrad = false) =>
  tensor(data, { dtype: 'float64', requiresGrad });

describe('BatchNorm', () => {
  it('momentum null keeps a cumulative average; eval uses the running statistics', () => {
    const bn = new nn.BatchNorm1d(2, { momentum: null }).double();
    for (const x of [
      [
        [1, 2],
        [3, 5],
        [4, -1],
      ],
      [
        [0, 1],
        [2, 2],
      ],
      [
        [5, 3],
        [1, 0],
        [2, 2],
        [0, 1],
      ],
    ]) {
      bn.call(f64(x));
    }
    expectClose(bn.runningMean, [1.888889, 1.666667], 1e-6);
    expectClose(bn.runningVar, [3, 3.722222], 1e-6);
    expect(vals(bn.numBatchesTracked)).toEqual([3]);
    bn.eval();
    expectClose(
      bn.call(
        f64([
          [1, 1],
          [2, 0],
        ]),
      ),
      [-0.513199, -0.345547, 0.06415, -0.863867],
      1e-6,
    );
    expect(vals(bn.numBatchesTracked)).toEqual([3]);
  });

  it('without running statistics it always uses the batch', () => {
    const bn = new nn.BatchNorm2d(1, { trackRunningStats: false, affine: false });
    expect([...bn.stateDict().keys()]).toEqual([]);
    bn.eval();
    const y = bn.call(tensor([[[[1, 3]]], [[[5, 7]]]], { dtype: 'float32' }));
    expect(Math.abs(mean(vals(y)))).toBeLessThan(1e-6);
  });

  it('names the layer and the shapes in errors and changes nothing', () => {
    const bn = new nn.BatchNorm1d(3);
    expect(() => bn.call(randn(2, 3, 4, 5))).toThrow(
      'BatchNorm1d: expected 2D or 3D input (got 4D input of shape [2, 3, 4, 5])',
    );
    expect(() => bn.call(randn(2, 4))).toThrow(
      /BatchNorm1d\(3, .*\): expected input with 3 channels at dim 1, got input of shape \[2, 4\]/,
    );
    expect(() => bn.call(randn(1, 3))).toThrow(
      'Expected more than 1 value per channel when training, got input size [1, 3]',
    );
    expect(vals(bn.numBatchesTracked)).toEqual([0]);
  });
});

describe('InstanceNorm', () => {
  it('tracks running statistics averaged over the batch when asked', () => {
    const m = new nn.InstanceNorm1d(2, { trackRunningStats: true, affine: true }).double();
    const x = f64([
      [
        [1, 2, 4],
        [0, 3, 3],
      ],
      [
        [2, 2, 5],
        [1, -1, 0],
      ],
    ]);
    expectClose(
      m.call(x),
      [
        -1.069042, -0.26726, 1.336302, -1.41421, 0.707105, 0.707105, -0.707105, -0.707105, 1.41421, 1.224736,
        -1.224736, 0,
      ],
      1e-5,
    );
    expectClose(m.runningMean, [0.266667, 0.1], 1e-6);
    expectClose(m.runningVar, [1.166667, 1.1], 1e-6);
    expect(vals(m.numBatchesTracked)).toEqual([0]);
    m.eval();
    expectClose(
      m.call(x),
      [
        0.678932, 1.604748, 3.45638, -0.095346, 2.765029, 2.765029, 1.604748, 1.604748, 4.382196, 0.858112,
        -1.048804, -0.095346,
      ],
      1e-5,
    );
  });

  it('accepts unbatched input', () => {
    const m = new nn.InstanceNorm2d(2);
    expect(m.call(randn(2, 3, 3)).shape).toEqual([2, 3, 3]);
    expect(() => m.call(randn(3, 3))).toThrow(
      'InstanceNorm2d: expected 3D or 4D input (got 2D input of shape [3, 3])',
    );
  });
});

describe('LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm', () => {
  it('LayerNorm normalises the trailing dims; bias: false drops the bias', () => {
    const ln = new nn.LayerNorm([2, 2], { bias: false });
    expect([...ln.stateDict().keys()]).toEqual(['weight']);
    const y = ln.call(
      tensor(
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
        { dtype: 'float32' },
      ),
    );
    expectClose(y, [-1.341635, -0.447212, 0.447212, 1.341635], 1e-5);
    expect(() => ln.call(randn(2, 3))).toThrow(
      /LayerNorm\(\(2, 2\), .*\): expected input of shape \[\*, 2, 2\], got \[2, 3\]/,
    );
  });

  it('GroupNorm matches PyTorch, gradient included', () => {
    const x = f64(
      [
        [
          [1, 2],
          [3, 4],
          [0.5, -1],
          [2, 2],
        ],
      ],
      true,
    );
    const gn = new nn.GroupNorm(2, 4).double();
    const y = gn.call(x);
    expectClose(y, [-1.341635, -0.447212, 0.447212, 1.341635, -0.30151, -1.507552, 0.904531, 0.904531], 1e-5);
    y.mul(tensor([0, 1, 2, 3, 4, 5, 6, 7], { dtype: 'float64' }).reshape([1, 4, 2]))
      .sum()
      .backward();
    expectClose(x.grad, [-1.1e-5, -4e-6, 4e-6, 1.1e-5, -1.023309, 0.511648, -0.146183, 0.657844], 2e-5);
    expect(() => new nn.GroupNorm(3, 4)).toThrow('num_channels must be divisible by num_groups');
  });

  it('GroupNorm accepts an empty batch', () => {
    const x = randn([0, 4, 3], { requiresGrad: true });
    const y = new nn.GroupNorm(2, 4).call(x);
    expect(y.shape).toEqual([0, 4, 3]);
    y.sum().backward();
    expect(x.grad?.shape).toEqual([0, 4, 3]);
  });

  it('RMSNorm uses the dtype epsilon by default', () => {
    const m = new nn.RMSNorm(2);
    const y = m.call(tensor([[3, 4]], { dtype: 'float32' }));
    const rms = Math.sqrt(12.5 + 1.1920928955078125e-7);
    expectClose(y, [3 / rms, 4 / rms], 1e-6);
    const z = new nn.RMSNorm(2, { eps: 0.5, elementwiseAffine: false }).call(
      tensor([[3, 4]], { dtype: 'float32' }),
    );
    expectClose(z, [3 / Math.sqrt(13), 4 / Math.sqrt(13)], 1e-6);
  });

  it('LocalResponseNorm on a 3-D input matches PyTorch', () => {
    const x = f64(
      [
        [
          [1, 2],
          [3, 4],
          [0.5, -1],
        ],
      ],
      true,
    );
    const y = new nn.LocalResponseNorm(2, { alpha: 0.5, beta: 0.75, k: 1 }).call(x);
    expectClose(y, [0.845897, 1.189207, 1.172385, 1.04339, 0.203635, -0.288324], 1e-5);
    y.mul(tensor([1, 2, 3, 4, 5, 6], { dtype: 'float64' }).reshape([1, 3, 2]))
      .sum()
      .backward();
    expectClose(x.grad, [0.21529, -0.224393, -0.303925, 0.494269, 1.97872, 1.606376], 1e-5);
  });
});

describe('Dropout family', () => {
  it('is the identity in eval and masks/scales in training', () => {
    manualSeed(3);
    const d = new nn.Dropout({ p: 0.25 });
    const x = tensor(
      Array.from({ length: 4000 }, () => 2),
      { dtype: 'float32', requiresGrad: true },
    );
    const y = d.call(x);
    const ys = vals(y);
    expect(ys.every((v) => v === 0 || Math.abs(v - 2 / 0.75) < 1e-6)).toBe(true);
    const dropped = ys.filter((v) => v === 0).length / ys.length;
    expect(Math.abs(dropped - 0.25)).toBeLessThan(0.03);
    y.sum().backward();
    expect(vals(x.grad).every((g, i) => (ys[i] === 0 ? g === 0 : Math.abs(g - 1 / 0.75) < 1e-6))).toBe(true);
    d.eval();
    expect(d.call(x)).toBe(x);
  });

  it('Dropout2d drops whole channels; AlphaDropout keeps mean and variance', () => {
    manualSeed(4);
    const y = vals(new nn.Dropout2d({ p: 0.5 }).call(randn(8, 16, 3, 3)));
    for (let c = 0; c < 8 * 16; c++) {
      const ch = y.slice(c * 9, c * 9 + 9);
      expect(ch.every((v) => v === 0) || ch.every((v) => v !== 0)).toBe(true);
    }
    const a = vals(new nn.AlphaDropout({ p: 0.3 }).call(randn(20000)));
    const m = mean(a);
    const v = mean(a.map((t) => (t - m) ** 2));
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.abs(v - 1)).toBeLessThan(0.07);
    expect(() => new nn.Dropout({ p: 1.5 })).toThrow(
      'dropout probability has to be between 0 and 1, but got 1.5',
    );
    expect(() => new nn.Dropout1d().call(randn(2))).toThrow(/dropout1d: Expected 2D or 3D input/);
  });
});

describe('Linear family', () => {
  it('Bilinear matches PyTorch', () => {
    const bl = new nn.Bilinear(2, 3, 2).double();
    bl.loadStateDict({
      weight: tensor(
        Array.from({ length: 12 }, (_, i) => i / 10),
        { dtype: 'float64' },
      ).reshape([2, 2, 3]),
      bias: tensor([0.5, -0.5], { dtype: 'float64' }),
    });
    const y = bl.call(
      f64([
        [1, 2],
        [0, -1],
      ]),
      f64([
        [1, 0, 2],
        [3, 1, 1],
      ]),
    );
    expectClose(y, [3.5, 7.9, -1.3, -5.3], 1e-9);
  });

  it('LazyLinear infers inFeatures on the first call and becomes a Linear', () => {
    const m = new nn.LazyLinear(4);
    expect(m.hasUninitializedParams()).toBe(true);
    const y = m.call(randn(3, 5)) as Tensor;
    expect(y.shape).toEqual([3, 4]);
    expect(m.weight.shape).toEqual([4, 5]);
    expect(m).toBeInstanceOf(nn.Linear);
    expect(m.toString()).toBe('Linear(in_features=5, out_features=4, bias=True)');
    const b = vals(m.bias);
    expect(b.every((v) => Math.abs(v) <= 1 / Math.sqrt(5))).toBe(true);
  });

  it('Flatten / Unflatten / Identity', () => {
    expect(new nn.Flatten().call(randn(2, 3, 4)).shape).toEqual([2, 12]);
    expect(new nn.Flatten({ startDim: 0 }).call(randn(2, 3, 4)).shape).toEqual([24]);
    expect(new nn.Unflatten(1, [2, 3]).call(randn(4, 6)).shape).toEqual([4, 2, 3]);
    const x = randn(2);
    expect(new nn.Identity(54, { unused: true }).call(x)).toBe(x);
  });
});
