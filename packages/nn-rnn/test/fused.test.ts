/**
 * The fused path (one autograd node per layer and direction, hand-written backward through
 * time) against the composite reference (every op recorded), in float64: outputs, final states
 * and every gradient, over padded and packed batches, both directions, projections, no bias;
 * and double backward.
 */
import { grad, manualSeed, noGrad, randn, type Tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import { linear } from '@kindling/nn-layers';
import {
  gru,
  gruCell,
  type LayerWeights,
  lstm,
  lstmCell,
  packPaddedSequence,
  type RecurrentOptions,
  type RNNMode,
  rnnRelu,
  rnnReluCell,
  rnnTanh,
  rnnTanhCell,
} from '../src/index.js';
import { gruGates, lstmGates, rnnGates } from '../src/functional/gates.js';
import { expectClose, useCpu } from './helpers.js';

useCpu();

interface Config {
  name: string;
  mode: RNNMode;
  inputSize: number;
  hidden: number;
  proj?: number;
  bias?: boolean;
  numLayers?: number;
  bidirectional?: boolean;
  batchFirst?: boolean;
  /** Packed input with these lengths (unsorted: packPaddedSequence sorts them). */
  lengths?: number[];
  T: number;
  B: number;
  /** Which outputs feed the loss (default all). */
  use?: ('out' | 'h' | 'c')[];
  /** Weights that do not require grad. */
  frozen?: boolean;
}

const f64 = (...shape: number[]) => randn(shape, { dtype: 'float64' }).mul(0.5).requiresGrad_(true);

function setup(c: Config) {
  manualSeed(7);
  const G = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 }[c.mode];
  const D = c.bidirectional ? 2 : 1;
  const L = c.numLayers ?? 1;
  const Hout = c.proj ?? c.hidden;
  const weights: LayerWeights[] = [];
  for (let l = 0; l < L; l++) {
    for (let d = 0; d < D; d++) {
      const inSize = l === 0 ? c.inputSize : Hout * D;
      const w: LayerWeights = { wIh: f64(G * c.hidden, inSize), wHh: f64(G * c.hidden, Hout) };
      if (c.bias ?? true) Object.assign(w, { bIh: f64(G * c.hidden), bHh: f64(G * c.hidden) });
      if (c.proj) w.wHr = f64(c.proj, c.hidden);
      if (c.frozen) for (const t of Object.values(w)) (t as Tensor).requiresGrad_(false);
      weights.push(w);
    }
  }
  const x = c.batchFirst ? f64(c.B, c.T, c.inputSize) : f64(c.T, c.B, c.inputSize);
  const h0 = f64(L * D, c.B, Hout);
  const c0 = f64(L * D, c.B, c.hidden);
  return { weights, x, h0, c0 };
}

function run(c: Config, impl: 'fused' | 'composite') {
  const { weights, x, h0, c0 } = setup(c);
  const o: RecurrentOptions = {
    numLayers: c.numLayers,
    bidirectional: c.bidirectional,
    batchFirst: c.batchFirst,
    impl,
  };
  let input = x;
  let batchSizes = null;
  let h = h0;
  let cc = c0;
  if (c.lengths) {
    const p = packPaddedSequence(x, c.lengths, { batchFirst: c.batchFirst, enforceSorted: false });
    input = p.data;
    batchSizes = p.batchSizes;
    const perm = p.sortedIndices as Tensor;
    h = h0.indexSelect(1, perm);
    cc = c0.indexSelect(1, perm);
  }
  const opts = { ...o, batchSizes };
  let out: Tensor;
  let states: Tensor[];
  if (c.mode === 'LSTM') {
    const [y, [hn, cn]] = lstm(input, [h, cc], weights, opts);
    out = y;
    states = [hn, cn];
  } else {
    const f = c.mode === 'GRU' ? gru : c.mode === 'RNN_TANH' ? rnnTanh : rnnRelu;
    const [y, hn] = f(input, h, weights, opts);
    out = y;
    states = [hn];
  }
  const use = c.use ?? ['out', 'h', 'c'];
  manualSeed(11);
  let loss = out
    .mul(randn(out.shape, { dtype: 'float64' }))
    .sum()
    .mul(use.includes('out') ? 1 : 0);
  if (use.includes('h')) loss = loss.add(states[0].mul(randn(states[0].shape, { dtype: 'float64' })).sum());
  if (states[1] && use.includes('c')) loss = loss.add(states[1].square().sum());
  loss.backward();
  const leaves = [x, h0, c0, ...weights.flatMap((w) => [w.wIh, w.wHh, w.bIh, w.bHh, w.wHr])];
  return { out, states, grads: leaves.map((t) => (t ? t.grad : undefined)) };
}

const configs: Config[] = [
  { name: 'LSTM padded', mode: 'LSTM', inputSize: 3, hidden: 4, T: 5, B: 2 },
  {
    name: 'LSTM packed bidirectional 2 layers',
    mode: 'LSTM',
    inputSize: 3,
    hidden: 4,
    numLayers: 2,
    bidirectional: true,
    lengths: [2, 5, 1, 3],
    T: 5,
    B: 4,
  },
  {
    name: 'LSTM projections packed bidirectional batchFirst',
    mode: 'LSTM',
    inputSize: 3,
    hidden: 5,
    proj: 2,
    bidirectional: true,
    batchFirst: true,
    lengths: [4, 1, 4],
    T: 4,
    B: 3,
  },
  {
    name: 'LSTM projections 2 layers, only hN used',
    mode: 'LSTM',
    inputSize: 2,
    hidden: 4,
    proj: 3,
    numLayers: 2,
    T: 3,
    B: 2,
    use: ['h'],
  },
  {
    name: 'LSTM no bias, frozen weights',
    mode: 'LSTM',
    inputSize: 2,
    hidden: 3,
    bias: false,
    T: 3,
    B: 2,
    frozen: true,
  },
  {
    name: 'GRU packed bidirectional 2 layers',
    mode: 'GRU',
    inputSize: 3,
    hidden: 4,
    numLayers: 2,
    bidirectional: true,
    lengths: [3, 1, 3, 2],
    T: 3,
    B: 4,
  },
  {
    name: 'GRU no bias, only output used',
    mode: 'GRU',
    inputSize: 3,
    hidden: 2,
    bias: false,
    bidirectional: true,
    T: 4,
    B: 3,
    use: ['out'],
  },
  { name: 'RNN tanh packed', mode: 'RNN_TANH', inputSize: 3, hidden: 4, lengths: [1, 4, 2], T: 4, B: 3 },
  {
    name: 'RNN relu bidirectional 3 layers',
    mode: 'RNN_RELU',
    inputSize: 3,
    hidden: 4,
    numLayers: 3,
    bidirectional: true,
    T: 3,
    B: 2,
  },
];

describe('fused layers match the composite reference', () => {
  for (const c of configs) {
    it(c.name, () => {
      const a = run(c, 'fused');
      const b = run(c, 'composite');
      expectClose('output', a.out, b.out, 1e-12);
      for (const [i, s] of a.states.entries()) expectClose(`state ${i}`, s, b.states[i], 1e-12);
      expect(a.grads.map((g) => g === null)).toEqual(b.grads.map((g) => g === null));
      a.grads.forEach((g, i) => {
        if (g && b.grads[i]) expectClose(`grad ${i}`, g, b.grads[i], 1e-10);
      });
    });
  }

  it('refuses to backpropagate through weights changed in place after the forward', () => {
    const { weights, x, h0, c0 } = setup({ name: '', mode: 'LSTM', inputSize: 3, hidden: 4, T: 3, B: 2 });
    const [out] = lstm(x, [h0, c0], weights);
    noGrad(() => weights[0].wHh.mul_(2));
    expect(() => out.sum().backward()).toThrow('modified by an inplace operation');
  });

  it('double backward (createGraph) differentiates the recorded computation', () => {
    const second = (impl: 'fused' | 'composite') => {
      const { weights, x, h0, c0 } = setup({
        name: '',
        mode: 'LSTM',
        inputSize: 3,
        hidden: 4,
        proj: 2,
        T: 3,
        B: 2,
      });
      const [out, [hn]] = lstm(x, [h0, c0], weights, { impl });
      const loss = out.tanh().sum().add(hn.square().sum());
      const [gx] = grad([loss], [x], { createGraph: true });
      (gx as Tensor).square().sum().backward();
      return [weights[0].wIh.grad, weights[0].wHh.grad, weights[0].wHr?.grad, h0.grad];
    };
    const a = second('fused');
    const b = second('composite');
    for (const [i, g] of a.entries()) expectClose(`second-order grad ${i}`, g, b[i], 1e-10);
  });
});

describe('double backward when one input depends on another', () => {
  it('tied biases: each input edge gets its partial derivative, not the total', () => {
    for (const mode of ['GRU', 'LSTM'] as const) {
      const second = (impl: 'fused' | 'composite') => {
        const { weights, x, h0, c0 } = setup({ name: '', mode, inputSize: 3, hidden: 3, T: 3, B: 2 });
        const w = { ...weights[0], bHh: weights[0].bIh };
        const [out] = mode === 'GRU' ? gru(x, h0, [w], { impl }) : lstm(x, [h0, c0], [w], { impl });
        // a createGraph backward takes the composite path, and accumulates into the tied bias
        out.tanh().sum().backward(null, { createGraph: true });
        const first = [x, w.wIh, w.wHh, w.bIh as Tensor, h0].map((t) => (t.grad as Tensor).detach());
        const [gx] = grad([out.tanh().sum()], [x], { createGraph: true });
        for (const t of [x, w.wIh, w.wHh, w.bIh as Tensor, h0]) t.grad = null;
        (gx as Tensor).square().sum().backward();
        return [...first, gx as Tensor, w.wIh.grad, w.wHh.grad, w.bIh?.grad, h0.grad];
      };
      const a = second('fused');
      const b = second('composite');
      for (const [i, g] of a.entries()) expectClose(`${mode} grad ${i}`, g, b[i], 1e-10);
    }
  });
});

describe('fused cell steps match the composite gates', () => {
  type Step = (x: Tensor, h: Tensor, c: Tensor, w: Tensor[]) => Tensor[];
  const steps: [string, number, Step, Step][] = [
    [
      'LSTM',
      4,
      (x, h, c, [a, b, d, e]) => lstmCell(x, [h, c], a, b, d, e),
      (x, h, c, [a, b, d, e]) => lstmGates(linear(x, a, d).add(linear(h, b, e)), c),
    ],
    [
      'GRU',
      3,
      (x, h, _c, [a, b, d, e]) => [gruCell(x, h, a, b, d, e)],
      (x, h, _c, [a, b, d, e]) => [gruGates(linear(x, a, d), linear(h, b, e), h)],
    ],
    [
      'RNN tanh',
      1,
      (x, h, _c, [a, b, d, e]) => [rnnTanhCell(x, h, a, b, d, e)],
      (x, h, _c, [a, b, d, e]) => [rnnGates(linear(x, a, d).add(linear(h, b, e)), 'tanh')],
    ],
    [
      'RNN relu',
      1,
      (x, h, _c, [a, b, d, e]) => [rnnReluCell(x, h, a, b, d, e)],
      (x, h, _c, [a, b, d, e]) => [rnnGates(linear(x, a, d).add(linear(h, b, e)), 'relu')],
    ],
  ];
  for (const [name, G, fused, composite] of steps) {
    it(`${name}: outputs, gradients and second-order gradients`, () => {
      const run = (step: Step) => {
        manualSeed(21);
        const [H, I, B] = [4, 3, 2];
        const w = [f64(G * H, I), f64(G * H, H), f64(G * H), f64(G * H)];
        const x = f64(B, I);
        const h = f64(B, H);
        const c = f64(B, H);
        const outs = step(x, h, c, w);
        const loss = outs.map((o) => o.tanh().sum()).reduce((a, b) => a.add(b));
        const [gx, gh] = grad([loss], [x, h], { createGraph: true }) as Tensor[];
        gx.square().sum().add(gh.square().sum()).backward();
        return [...outs, gx, gh, ...w.map((t) => t.grad as Tensor)];
      };
      const a = run(fused);
      const b = run(composite);
      a.forEach((t, i) => {
        expectClose(`${name} ${i}`, t, b[i], 1e-10);
      });
    });
  }
});
