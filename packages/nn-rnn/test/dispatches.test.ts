/**
 * What a recurrent step costs in kernel dispatches on the fused path: one matmul and one fused
 * gate kernel each way. Counted through a backend that wraps the CPU one; the per-step cost is
 * the difference between two sequence lengths, so the per-layer work (input projection, weight
 * gradients, buffers) cancels out.
 */
import { createCpuBackend } from '@kindling/kernels-cpu';
import { type Backend, manualSeed, randn, registerBackend, type Tensor } from '@kindling/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRU, GRUCell, LSTM, LSTMCell, packPaddedSequence, RNN, RNNCell } from '../src/index.js';

const counts = new Map<string, number>();
const inner: Backend = createCpuBackend() as Backend;
const counting: Backend = Object.create(inner);
counting.run = (kernel, outs, ins, attrs) => {
  counts.set(kernel, (counts.get(kernel) ?? 0) + 1);
  inner.run(kernel, outs, ins, attrs);
};
beforeAll(() => registerBackend(counting));

type Module = LSTM | GRU | RNN;

/** Kernels run by the forward and by the backward of one call over T steps. */
function kernels(
  make: () => Module,
  T: number,
  packed: boolean,
): { forward: Map<string, number>; backward: Map<string, number> } {
  manualSeed(3);
  const m = make();
  const x = randn([T, 3, 5]).requiresGrad_(true);
  // packed: the three sequences end at T, T - 1 and 1 (batch sizes change twice)
  const input = packed ? packPaddedSequence(x, [T, T - 1, 1]) : x;
  counts.clear();
  const [y] = (m as unknown as { call(x: unknown): [Tensor | { data: Tensor }] }).call(input);
  const forward = new Map(counts);
  const out = packed ? (y as { data: Tensor }).data : (y as Tensor);
  const loss = out.sum();
  counts.clear();
  loss.backward();
  return { forward, backward: new Map(counts) };
}

/** Per-step kernels: (count at T2 − count at T1) / (T2 − T1). */
function perStep(a: Map<string, number>, b: Map<string, number>, dt: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const d = ((b.get(k) ?? 0) - (a.get(k) ?? 0)) / dt;
    if (d !== 0) out[k] = d;
  }
  return out;
}

const modules: [string, () => Module, string, string][] = [
  ['LSTM', () => new LSTM(5, 7), 'lstmCell', 'lstmCellBackward'],
  ['GRU', () => new GRU(5, 7), 'gruCell', 'gruCellBackward'],
  ['RNN tanh', () => new RNN(5, 7), 'rnnCell', 'rnnCellBackward'],
  [
    'RNN relu, bidirectional',
    () => new RNN(5, 7, { nonlinearity: 'relu', bidirectional: true }),
    'rnnCell',
    'rnnCellBackward',
  ],
  [
    'LSTM, 2 layers, bidirectional',
    () => new LSTM(5, 7, { numLayers: 2, bidirectional: true }),
    'lstmCell',
    'lstmCellBackward',
  ],
];

describe('a recurrent step is one matmul and one fused gate kernel, forward and backward', () => {
  for (const [name, make, fwd, bwd] of modules) {
    for (const packed of [false, true]) {
      it(`${name}${packed ? ', packed' : ''}`, () => {
        const a = kernels(make, 4, packed);
        const b = kernels(make, 10, packed);
        const m = make();
        // steps per time step: layers × directions
        const cells = (m.numLayers ?? 1) * (m.bidirectional ? 2 : 1);
        expect(perStep(a.forward, b.forward, 6 * cells)).toEqual({ matmul: 1, [fwd]: 1 });
        expect(perStep(a.backward, b.backward, 6 * cells)).toEqual({ matmul: 1, [bwd]: 1 });
      });
    }
  }
});

describe('a cell step is its two projections and one fused gate kernel, forward and backward', () => {
  const cells: [string, () => { call(x: Tensor, h?: unknown): unknown }, () => unknown, string, string][] = [
    [
      'LSTMCell',
      () => new LSTMCell(5, 7) as never,
      () => [randn([3, 7]), randn([3, 7])],
      'lstmCell',
      'lstmCellBackward',
    ],
    ['GRUCell', () => new GRUCell(5, 7) as never, () => randn([3, 7]), 'gruCell', 'gruCellBackward'],
    ['RNNCell', () => new RNNCell(5, 7) as never, () => randn([3, 7]), 'rnnCell', 'rnnCellBackward'],
  ];
  for (const [name, make, state, fwd, bwd] of cells) {
    it(name, () => {
      manualSeed(4);
      const m = make();
      const x = randn([3, 5]).requiresGrad_(true);
      const h = state();
      counts.clear();
      const out = m.call(x, h);
      const forward = Object.fromEntries(counts);
      const y = Array.isArray(out) ? (out as Tensor[])[1] : (out as Tensor);
      const loss = y.sum();
      counts.clear();
      loss.backward();
      const backward = Object.fromEntries(counts);
      expect(forward[fwd]).toBe(1);
      expect(backward[bwd]).toBe(1);
      // the gate maths is the fused kernel alone: no elementwise activations recorded
      expect(forward.unary ?? 0).toBe(0);
      expect(backward.unary ?? 0).toBe(0);
    });
  }
});
