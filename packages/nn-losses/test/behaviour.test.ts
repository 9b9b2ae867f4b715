/** Behaviour beyond the PyTorch value goldens: stability, autograd plumbing, module API, devices of errors. */
import { Module, Parameter } from '@kindling/nn-layers';
import { customOp, noGrad, ones, randn, type Tensor, tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import {
  _Loss,
  AdaptiveLogSoftmaxWithLoss,
  BCEWithLogitsLoss,
  binaryCrossEntropyWithLogits,
  CrossEntropyLoss,
  CTCLoss,
  crossEntropy,
  ctcLoss,
  GaussianNLLLoss,
  KLDivLoss,
  L1Loss,
  MSELoss,
  multilabelSoftMarginLoss,
  NLLLoss,
  nllLoss,
  softMarginLoss,
  TripletMarginWithDistanceLoss,
  tripletMarginWithDistanceLoss,
} from '../src/index.js';
import './helpers.js';

const values = (t: Tensor | null | undefined) => Array.from((t as Tensor).dataSync(), Number);
const allFinite = (t: Tensor | null | undefined) => values(t).every(Number.isFinite);

describe('numerical stability', () => {
  it('cross-entropy of huge logits is finite, with finite gradients (with label smoothing and weights)', () => {
    const x = tensor(
      [
        [1e30, -1e30, 0],
        [-1e30, 2e30, 1],
        [1e4, 1e4, -1e4],
      ],
      { dtype: 'float32', requiresGrad: true },
    );
    const t = tensor([1, 0, 2]);
    const loss = crossEntropy(x, t, {
      labelSmoothing: 0.2,
      weight: tensor([1, 2, 0.5], { dtype: 'float32' }),
    });
    expect(allFinite(loss)).toBe(true);
    loss.backward();
    expect(allFinite(x.grad)).toBe(true);
  });

  it('class-probability cross-entropy of huge logits is finite', () => {
    const x = tensor([[1e30, -1e30, 0]], { dtype: 'float32', requiresGrad: true });
    const p = tensor([[0.2, 0.3, 0.5]]);
    const loss = crossEntropy(x, p);
    expect(allFinite(loss)).toBe(true);
    loss.backward();
    expect(allFinite(x.grad)).toBe(true);
  });

  it('BCE with logits, soft margin and multilabel soft margin stay finite at +-1e30', () => {
    const x = tensor([-1e30, -1e4, 0, 1e4, 1e30], { dtype: 'float32', requiresGrad: true });
    const y = tensor([1, 0, 1, 0, 0], { dtype: 'float32' });
    const l1 = binaryCrossEntropyWithLogits(x, y, { posWeight: tensor([3], { dtype: 'float32' }) });
    const l2 = softMarginLoss(x, y.mul(2).sub(1));
    const l3 = multilabelSoftMarginLoss(x.unsqueeze(0), y.unsqueeze(0));
    for (const l of [l1, l2, l3]) expect(allFinite(l)).toBe(true);
    l1.add(l2).add(l3).backward();
    expect(allFinite(x.grad)).toBe(true);
  });

  it('an ignored target cannot turn a -inf log-probability into NaN', () => {
    const lp = tensor(
      [
        [Number.NEGATIVE_INFINITY, 0],
        [0, Number.NEGATIVE_INFINITY],
      ],
      { requiresGrad: true },
    );
    const loss = nllLoss(lp, tensor([-100, 0]));
    expect(values(loss)[0] === 0).toBe(true);
    loss.backward();
    expect(allFinite(lp.grad)).toBe(true);
  });
});

describe('CTC', () => {
  const T = 6;
  const C = 4;
  const logits = () => randn([T, 2, C], { requiresGrad: true });

  it('has its own backward node (no per-timestep graph)', () => {
    const x = logits();
    const loss = ctcLoss(
      x.logSoftmax(2),
      tensor([
        [1, 2],
        [3, 3],
      ]),
      [6, 5],
      [2, 2],
      { reduction: 'none' },
    );
    expect(loss.gradFn?.name).toBe('CtcLossBackward0');
    expect(loss.gradFn?.next.length).toBe(1);
  });

  it('padded and concatenated targets agree, and the gradient is zero past each input length', () => {
    const x = logits();
    const lp = x.logSoftmax(2);
    const a = ctcLoss(
      lp,
      tensor([
        [1, 2, 0],
        [3, 3, 1],
      ]),
      tensor([6, 4]),
      tensor([2, 3]),
      { reduction: 'sum' },
    );
    const b = ctcLoss(lp, tensor([1, 2, 3, 3, 1]), [6, 4], [2, 3], { reduction: 'sum' });
    expect(values(a)[0]).toBeCloseTo(values(b)[0], 5);
    const direct = lp.detach().requiresGrad_();
    ctcLoss(direct, tensor([1, 2, 3, 3, 1]), [6, 4], [2, 3], { reduction: 'sum' }).backward();
    const g = values(direct.grad);
    for (let t = 4; t < T; t++) for (let c = 0; c < C; c++) expect(g[(t * 2 + 1) * C + c]).toBe(0);
  });

  it('accepts strided (batch-first, transposed) log-probabilities', () => {
    const bf = randn([2, T, C], { requiresGrad: true });
    const tf = bf.detach().transpose(0, 1).contiguous().requiresGrad_();
    const tg = tensor([
      [1, 2],
      [3, 1],
    ]);
    const a = ctcLoss(bf.transpose(0, 1).logSoftmax(2), tg, [6, 5], [2, 2]);
    const b = ctcLoss(tf.logSoftmax(2), tg, [6, 5], [2, 2]);
    expect(values(a)[0]).toBeCloseTo(values(b)[0], 5);
    a.backward();
    b.backward();
    const ga = values(bf.grad?.transpose(0, 1).contiguous());
    values(tf.grad).forEach((v, i) => {
      expect(ga[i]).toBeCloseTo(v, 5);
    });
  });

  it('sample losses match an independent brute-force sum over alignments', () => {
    const lp = randn([4, 1, 3]).logSoftmax(2);
    const loss = values(ctcLoss(lp, tensor([[1, 2]]), [4], [2], { reduction: 'none' }))[0];
    const p = values(lp.exp());
    // enumerate every path of length 4 over {0, 1, 2}, collapse repeats, drop blanks
    let total = 0;
    for (let code = 0; code < 81; code++) {
      const path = [0, 1, 2, 3].map((i) => Math.floor(code / 3 ** i) % 3);
      const collapsed = path.filter((c, i) => c !== 0 && c !== path[i - 1]);
      if (collapsed.join() === '1,2') total += path.reduce((acc, c, t) => acc * p[t * 3 + c], 1);
    }
    expect(loss).toBeCloseTo(-Math.log(total), 4);
  });

  it('zeroInfinity zeroes infeasible losses and their gradients', () => {
    const x = logits();
    const loss = ctcLoss(
      x.logSoftmax(2),
      tensor([
        [1, 1, 1],
        [1, 2, 0],
      ]),
      [3, 6],
      [3, 2],
      {
        reduction: 'none',
        zeroInfinity: true,
      },
    );
    const v = values(loss);
    expect(v[0]).toBe(0);
    expect(Number.isFinite(v[1]) && v[1] > 0).toBe(true);
    loss.sum().backward();
    const g = values(x.grad);
    for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) expect(g[t * 2 * C + c]).toBe(0);
  });

  it('an infeasible alignment is inf without zeroInfinity', () => {
    // "1 1" needs a blank between the repeats: 3 frames, and only 2 are given
    const lp = randn([2, 1, 3]).logSoftmax(2);
    expect(values(ctcLoss(lp, tensor([[1, 1]]), [2], [2], { reduction: 'none' }))).toEqual([
      Number.POSITIVE_INFINITY,
    ]);
  });

  it('unbatched reduction none is 0-dim; the module takes lengths as numbers', () => {
    const lp = randn([5, 3]).logSoftmax(1);
    const l = new CTCLoss({ reduction: 'none', blank: 2 }).call(lp, tensor([0, 1]), 5, 2);
    expect(l.shape).toEqual([]);
    expect(Number.isFinite(values(l)[0])).toBe(true);
  });

  it('rejects targets longer than their input, with a clear message', () => {
    const lp = randn([3, 1, 4]).logSoftmax(2);
    expect(() => ctcLoss(lp, tensor([[1, 2, 3, 1]]), [3], [4])).toThrow(/longer than its input/);
    expect(() => ctcLoss(lp, tensor([[1, 2, 3, 1]]), [3], [4], { zeroInfinity: true })).not.toThrow();
  });

  it('runs without recording under noGrad and frees its node after backward', () => {
    const x = logits();
    const l0 = noGrad(() => ctcLoss(x.logSoftmax(2), tensor([[1], [2]]), [6, 6], [1, 1]));
    expect(l0.gradFn).toBeNull();
    expect(l0.requiresGrad).toBe(false);
    const l = ctcLoss(x.logSoftmax(2), tensor([[1], [2]]), [6, 6], [1, 1]);
    l.backward();
    expect(() => l.backward()).toThrow(/second time/);
  });
});

describe('customOp', () => {
  it('attaches the given backward and fits gradients to the input shapes', () => {
    const a = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
    const b = tensor([10], { dtype: 'float32', requiresGrad: true });
    const out = customOp(
      'TwiceBackward',
      [a, b],
      () => a.mul(2).add(b),
      (g) => [g.mul(2), g],
    );
    expect(out.gradFn?.name).toBe('TwiceBackward');
    out.sum().backward();
    expect(values(a.grad)).toEqual([2, 2, 2]);
    expect(values(b.grad)).toEqual([3]);
  });

  it('records nothing when no input requires grad', () => {
    const a = tensor([1, 2]);
    const out = customOp(
      'X',
      [a],
      () => a.mul(2),
      (g) => [g],
    );
    expect(out.gradFn).toBeNull();
    expect(out.requiresGrad).toBe(false);
  });
});

describe('modules', () => {
  it("PyTorch's reprs and base classes", () => {
    expect(new CrossEntropyLoss().toString()).toBe('CrossEntropyLoss()');
    expect(new KLDivLoss({ reduction: 'batchmean' })).toBeInstanceOf(_Loss);
    expect(new L1Loss()).toBeInstanceOf(_Loss);
  });

  it('reduction defaults, legacy keywords and later changes', () => {
    expect(new MSELoss().reduction).toBe('mean');
    expect(new MSELoss({ sizeAverage: false }).reduction).toBe('sum');
    expect(new MSELoss({ reduce: false }).reduction).toBe('none');
    const m = new L1Loss();
    const x = tensor([1, 2, 3]);
    const y = tensor([0, 0, 0], { dtype: 'float32' });
    m.reduction = 'sum';
    expect(values(m.call(x.to('float32'), y))).toEqual([6]);
    (m as unknown as { reduction: string }).reduction = 'bogus';
    expect(() => m.call(x.to('float32'), y)).toThrow(/reduction/);
  });

  it('weight and pos_weight are buffers: state dict keys, loading, dtype conversion', () => {
    const m = new BCEWithLogitsLoss({
      weight: tensor([1, 2], { dtype: 'float32' }),
      posWeight: tensor([3, 4], { dtype: 'float32' }),
    });
    expect([...m.stateDict().keys()]).toEqual(['weight', 'pos_weight']);
    m.loadStateDict(
      new Map([
        ['weight', tensor([0.5, 0.5])],
        ['pos_weight', tensor([1, 1], { dtype: 'float32' })],
      ]),
    );
    expect(values(m.posWeight)).toEqual([1, 1]);
    m.to('float64');
    expect(m.weight?.dtype).toBe('float64');
    expect(m.posWeight?.dtype).toBe('float64');
    const out = m.call(tensor([[0, 0]], { dtype: 'float64' }), tensor([[1, 0]], { dtype: 'float64' }));
    expect(out.dtype).toBe('float64');
    expect(values(out)[0]).toBeCloseTo(Math.log(2) * 0.5, 12);
  });

  it('GaussianNLLLoss takes one number as the variance', () => {
    const x = randn([3, 2]);
    const y = randn([3, 2]);
    const a = new GaussianNLLLoss({ full: true }).call(x, y, 0.5);
    const b = new GaussianNLLLoss({ full: true }).call(
      x,
      y,
      tensor([0.5], { dtype: 'float32' }).expand([3, 2]),
    );
    expect(values(a)[0]).toBeCloseTo(values(b)[0], 6);
    expect(() => new GaussianNLLLoss().call(x, y, -1)).toThrow(/negative/);
  });

  it('float64 inputs with float32 weights compute in float64', () => {
    const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
    const l = new NLLLoss({ weight: tensor([1, 2, 3, 4], { dtype: 'float32' }) }).call(
      x.logSoftmax(1),
      tensor([0, 3, 1]),
    );
    expect(l.dtype).toBe('float64');
    l.backward();
    expect(x.grad?.dtype).toBe('float64');
  });

  it('forward hooks run through call()', () => {
    const m = new CrossEntropyLoss();
    let seen: unknown = null;
    m.registerForwardHook((_mod, _args, out) => {
      seen = out;
    });
    const out = m.call(randn([2, 3]), tensor([0, 2]));
    expect(seen).toBe(out);
  });

  it('invalid options throw in the constructor', () => {
    expect(() => new CrossEntropyLoss({ labelSmoothing: 2 })).toThrow(/label_smoothing/);
    expect(() => new CrossEntropyLoss({ weight: tensor([[1, 2]], { dtype: 'float32' }) })).toThrow(/1-D/);
    expect(() => new CTCLoss({ reduction: 'batchmean' as never })).toThrow(/reduction/);
    expect(() => new KLDivLoss({ reduction: 'batchmean' })).not.toThrow();
  });
});

describe('TripletMarginWithDistanceLoss distance functions', () => {
  class ScaledL1 extends Module {
    declare scale: Parameter;
    constructor() {
      super();
      this.scale = new Parameter(ones([1]));
    }
    override forward(a: Tensor, b: Tensor): Tensor {
      return a.sub(b).abs().sum(-1).mul(this.scale);
    }
  }

  it('a Module distance is the child distance_function (PyTorch keys) and gets gradients', () => {
    const d = new ScaledL1();
    const m = new TripletMarginWithDistanceLoss({ distanceFunction: d, margin: 5 });
    expect([...m.stateDict().keys()]).toEqual(['distance_function.scale']);
    const [a, p, n] = [randn([3, 4]), randn([3, 4]), randn([3, 4])];
    const viaModule = m.call(a, p, n);
    const viaFn = tripletMarginWithDistanceLoss(a, p, n, {
      distanceFunction: (x, y) => x.sub(y).abs().sum(-1),
      margin: 5,
    });
    expect(values(viaModule)[0]).toBeCloseTo(values(viaFn)[0], 5);
    viaModule.backward();
    expect(d.scale.grad).not.toBeNull();
  });

  it('rejects a distance that is neither a function nor a module', () => {
    expect(() => new TripletMarginWithDistanceLoss({ distanceFunction: 3 as never })).toThrow(
      /distanceFunction/,
    );
  });
});

describe('AdaptiveLogSoftmaxWithLoss', () => {
  it("has PyTorch's parameter layout and validates cutoffs and targets", () => {
    const m = new AdaptiveLogSoftmaxWithLoss(16, 20, [5, 12], { divValue: 2, headBias: true });
    const shapes = [...m.stateDict()].map(([k, v]) => `${k}:${v.shape.join('x')}`);
    expect(shapes).toEqual([
      'head.weight:7x16',
      'head.bias:7',
      'tail.0.0.weight:8x16',
      'tail.0.1.weight:7x8',
      'tail.1.0.weight:4x16',
      'tail.1.1.weight:8x4',
    ]);
    expect(() => new AdaptiveLogSoftmaxWithLoss(16, 20, [12, 5])).toThrow(/cutoffs/);
    expect(() => new AdaptiveLogSoftmaxWithLoss(16, 20, [5, 20])).toThrow(/cutoffs/);
    expect(() => m.call(randn([2, 16]), tensor([3, 20]))).toThrow(/Target values should be in \[0, 19\]/);
  });

  it('logProb rows are distributions; predict is their argmax; output equals logProb at the target', () => {
    const m = new AdaptiveLogSoftmaxWithLoss(8, 12, [3, 7]);
    const x = randn([5, 8]);
    const lp = m.logProb(x);
    for (const s of values(lp.exp().sum(1))) expect(s).toBeCloseTo(1, 5);
    expect(values(m.predict(x))).toEqual(values(lp.argmax(1)));
    const t = tensor([0, 4, 11, 2, 8]);
    const { output, loss } = m.call(x, t);
    const picked = values(lp.gather(1, t.unsqueeze(1)).reshape([5]));
    values(output).forEach((v, i) => {
      expect(v).toBeCloseTo(picked[i], 5);
    });
    expect(values(loss)[0]).toBeCloseTo(-picked.reduce((a, b) => a + b, 0) / 5, 5);
  });
});
