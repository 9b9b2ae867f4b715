import { manualSeed, type Tensor, tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { expectClose, mean, useCpu, vals } from './helpers.js';

useCpu();

const X = [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 6];

/** y and dy/dx (of y.sum()) at X, in float64; expected values from PyTorch. */
function run(m: nn.Module): [number[], number[]] {
  const x = tensor(X, { dtype: 'float64', requiresGrad: true });
  const y = m.call(x) as Tensor;
  y.sum().backward();
  return [vals(y), vals(x.grad)];
}

// prettier-ignore
const EXPECTED: [string, () => nn.Module, number[], number[]][] = [
  ['ReLU', () => new nn.ReLU(), [0, 0, 0, 0, 0, 0.5, 1, 2, 3, 6], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]],
  ['ReLU6', () => new nn.ReLU6(), [0, 0, 0, 0, 0, 0.5, 1, 2, 3, 6], [0, 0, 0, 0, 0, 1, 1, 1, 1, 0]],
  [
    'Hardtanh',
    () => new nn.Hardtanh(),
    [-1, -1, -1, -0.5, 0, 0.5, 1, 1, 1, 1],
    [0, 0, 0, 1, 1, 1, 0, 0, 0, 0],
  ],
  [
    'Hardtanh(-2, 3)',
    () => new nn.Hardtanh({ minVal: -2, maxVal: 3 }),
    [-2, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 3],
    [0, 0, 1, 1, 1, 1, 1, 1, 0, 0],
  ],
  [
    'LeakyReLU(0.2)',
    () => new nn.LeakyReLU({ negativeSlope: 0.2 }),
    [-0.6, -0.4, -0.2, -0.1, 0, 0.5, 1, 2, 3, 6],
    [0.2, 0.2, 0.2, 0.2, 0.2, 1, 1, 1, 1, 1],
  ],
  [
    'ELU',
    () => new nn.ELU(),
    [-0.950213, -0.864665, -0.632121, -0.393469, 0, 0.5, 1, 2, 3, 6],
    [0.049787, 0.135335, 0.367879, 0.606531, 1, 1, 1, 1, 1, 1],
  ],
  [
    'CELU(2)',
    () => new nn.CELU({ alpha: 2 }),
    [-1.55374, -1.264241, -0.786939, -0.442398, 0, 0.5, 1, 2, 3, 6],
    [0.22313, 0.367879, 0.606531, 0.778801, 1, 1, 1, 1, 1, 1],
  ],
  [
    'SELU',
    () => new nn.SELU(),
    [-1.670569, -1.520166, -1.111331, -0.691758, 0, 0.52535, 1.050701, 2.101402, 3.152103, 6.304206],
    [0.087531, 0.237933, 0.646769, 1.066341, 1.758099, 1.050701, 1.050701, 1.050701, 1.050701, 1.050701],
  ],
  [
    'Hardsigmoid',
    () => new nn.Hardsigmoid(),
    [0, 0.166667, 0.333333, 0.416667, 0.5, 0.583333, 0.666667, 0.833333, 1, 1],
    [0, 0.166667, 0.166667, 0.166667, 0.166667, 0.166667, 0.166667, 0.166667, 0, 0],
  ],
  [
    'Hardswish',
    () => new nn.Hardswish(),
    [0, -0.333333, -0.333333, -0.208333, 0, 0.291667, 0.666667, 1.666667, 3, 6],
    [-0.5, -0.166667, 0.166667, 0.333333, 0.5, 0.666667, 0.833333, 1.166667, 1.5, 1],
  ],
  [
    'Softshrink(1)',
    () => new nn.Softshrink({ lambd: 1 }),
    [-2, -1, 0, 0, 0, 0, 0, 1, 2, 5],
    [1, 1, 0, 0, 0, 0, 0, 1, 1, 1],
  ],
  [
    'Hardshrink(1)',
    () => new nn.Hardshrink({ lambd: 1 }),
    [-3, -2, 0, 0, 0, 0, 0, 2, 3, 6],
    [1, 1, 0, 0, 0, 0, 0, 1, 1, 1],
  ],
  [
    'Threshold(1, 20)',
    () => new nn.Threshold(1, 20),
    [20, 20, 20, 20, 20, 20, 20, 2, 3, 6],
    [0, 0, 0, 0, 0, 0, 0, 1, 1, 1],
  ],
  [
    'LogSigmoid',
    () => new nn.LogSigmoid(),
    [
      -3.048587, -2.126928, -1.313262, -0.974077, -0.693147, -0.474077, -0.313262, -0.126928, -0.048587,
      -0.002476,
    ],
    [0.952574, 0.880797, 0.731059, 0.622459, 0.5, 0.377541, 0.268941, 0.119203, 0.047426, 0.002473],
  ],
  [
    'Softplus(2, 2)',
    () => new nn.Softplus({ beta: 2, threshold: 2 }),
    [0.001238, 0.009075, 0.063464, 0.156631, 0.346574, 0.656631, 1.063464, 2, 3, 6],
    [0.002473, 0.017986, 0.119203, 0.268941, 0.5, 0.731059, 0.880797, 1, 1, 1],
  ],
  [
    'PReLU',
    () => new nn.PReLU(),
    [-0.75, -0.5, -0.25, -0.125, 0, 0.5, 1, 2, 3, 6],
    [0.25, 0.25, 0.25, 0.25, 0.25, 1, 1, 1, 1, 1],
  ],
  [
    'Softsign',
    () => new nn.Softsign(),
    [-0.75, -0.666667, -0.5, -0.333333, 0, 0.333333, 0.5, 0.666667, 0.75, 0.857143],
    [0.0625, 0.111111, 0.25, 0.444444, 1, 0.444444, 0.25, 0.111111, 0.0625, 0.020408],
  ],
  [
    'Mish',
    () => new nn.Mish(),
    [-0.145647, -0.252501, -0.303401, -0.220744, 0, 0.375245, 0.865098, 1.943959, 2.986535, 5.999927],
    [-0.093393, -0.108355, 0.059217, 0.289511, 0.6, 0.886424, 1.049036, 1.069318, 1.021107, 1.000134],
  ],
  [
    'GELU',
    () => new nn.GELU(),
    [-0.00405, -0.0455, -0.158655, -0.154269, 0, 0.345731, 0.841345, 1.9545, 2.99595, 6],
    [-0.011946, -0.085232, -0.083315, 0.132505, 0.5, 0.867495, 1.083315, 1.085232, 1.011946, 1],
  ],
  [
    'GELU(tanh)',
    () => new nn.GELU({ approximate: 'tanh' }),
    [-0.003637, -0.045402, -0.158808, -0.154286, 0, 0.345714, 0.841192, 1.954598, 2.996363, 6],
    [-0.011584, -0.086099, -0.082964, 0.13263, 0.5, 0.86737, 1.082964, 1.086099, 1.011584, 1],
  ],
  [
    'SiLU',
    () => new nn.SiLU(),
    [-0.142278, -0.238406, -0.268941, -0.18877, 0, 0.31123, 0.731059, 1.761594, 2.857722, 5.985164],
    [-0.088104, -0.090784, 0.072329, 0.260039, 0.5, 0.739961, 0.927671, 1.090784, 1.088104, 1.012326],
  ],
];

describe('activations match PyTorch, kinks included', () => {
  for (const [name, make, y, g] of EXPECTED) {
    it(name, () => {
      const [ay, ag] = run(make());
      expectClose(ay, y, 2e-6);
      expectClose(ag, g, 2e-6);
    });
  }

  it('RReLU uses the mean slope in eval and random slopes in [lower, upper] in training', () => {
    const m = new nn.RReLU();
    m.eval();
    const [y, g] = run(m);
    expectClose(y, [-0.6875, -0.458333, -0.229167, -0.114583, 0, 0.5, 1, 2, 3, 6], 2e-6);
    expectClose(g, [0.229167, 0.229167, 0.229167, 0.229167, 0.229167, 1, 1, 1, 1, 1], 2e-6);
    m.train();
    manualSeed(1);
    const x = tensor(
      Array.from({ length: 2000 }, (_, i) => -1 - (i % 7)),
      { dtype: 'float64', requiresGrad: true },
    );
    const out = m.call(x);
    out.sum().backward();
    const slopes = vals(out).map((v, i) => v / vals(x)[i]);
    expect(Math.min(...slopes)).toBeGreaterThanOrEqual(0.125);
    expect(Math.max(...slopes)).toBeLessThanOrEqual(1 / 3);
    expect(Math.abs(mean(slopes) - (0.125 + 1 / 3) / 2)).toBeLessThan(0.01);
    expectClose(vals(x.grad), slopes, 1e-9);
  });

  it('softmax family and GLU', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [0, 0, 0],
      ],
      { dtype: 'float64' },
    );
    expectClose(
      new nn.Softmax({ dim: 1 }).call(x),
      [0.090031, 0.244728, 0.665241, 1 / 3, 1 / 3, 1 / 3],
      2e-6,
    );
    expectClose(
      new nn.Softmin({ dim: 1 }).call(x),
      [0.665241, 0.244728, 0.090031, 1 / 3, 1 / 3, 1 / 3],
      2e-6,
    );
    expectClose(
      new nn.LogSoftmax({ dim: 0 }).call(x),
      [-0.313262, -0.126928, -0.048587, -1.313262, -2.126928, -3.048587],
      2e-6,
    );
    // legacy implicit dim: 1 for 2-D input
    expectClose(new nn.Softmax().call(x), vals(new nn.Softmax({ dim: 1 }).call(x)));
    const g = new nn.GLU().call(tensor([[1, 2, 0, 100]], { dtype: 'float64' }));
    expectClose(g, [0.5, 2], 1e-9);
    expect(() => new nn.GLU().call(tensor([[1, 2, 3]], { dtype: 'float64' }))).toThrow(
      'Halving dimension must be even',
    );
  });

  it('inplace writes into the input', () => {
    const x = tensor([-1, 2], { dtype: 'float32' });
    const y = new nn.ReLU({ inplace: true }).call(x);
    expect(y).toBe(x);
    expect(vals(x)).toEqual([0, 2]);
    const leaf = tensor([-1, 2], { dtype: 'float32', requiresGrad: true });
    expect(() => new nn.ReLU({ inplace: true }).call(leaf)).toThrow(/leaf Variable that requires grad/);
    const base = tensor([-1, 2], { dtype: 'float32', requiresGrad: true });
    const h = base.mul(2);
    new nn.LeakyReLU({ negativeSlope: 0.5, inplace: true }).call(h);
    h.sum().backward();
    expect(vals(base.grad)).toEqual([1, 2]);
  });
});
