import { Linear } from '@kindling/nn-layers';
import { manualSeed, randn, scope, type Tensor, tensor, zeros } from '@kindling/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  PackedSequence,
  packPaddedSequence,
  padPackedSequence,
  RNN,
  RNNCell,
} from '../src/index.js';
import { expectClose, useCpu, vals } from './helpers.js';

useCpu();
afterEach(() => vi.restoreAllMocks());

describe('empty batch', () => {
  it('keeps the results in the graph: zero gradients for the input and every weight', () => {
    const m = new LSTM(3, 4, { numLayers: 2 });
    const x = randn([3, 0, 3], { requiresGrad: true });
    const [out, [h, c]] = m.call(x) as [Tensor, [Tensor, Tensor]];
    expect(out.shape).toEqual([3, 0, 4]);
    expect(h.shape).toEqual([2, 0, 4]);
    out.sum().add(h.sum()).add(c.sum()).backward();
    expect(x.grad?.shape).toEqual([3, 0, 3]);
    for (const [, p] of m.namedParameters()) expect(vals(p.grad as Tensor).every((v) => v === 0)).toBe(true);
  });
});

describe('parameters', () => {
  it("uses PyTorch's names, order and shapes", () => {
    const m = new LSTM(10, 20, { numLayers: 2, bidirectional: true, projSize: 5 });
    const shapes = [...m.stateDict()].map(([k, t]) => `${k}:${t.shape.join('x')}`);
    expect(shapes).toEqual([
      'weight_ih_l0:80x10',
      'weight_hh_l0:80x5',
      'bias_ih_l0:80',
      'bias_hh_l0:80',
      'weight_hr_l0:5x20',
      'weight_ih_l0_reverse:80x10',
      'weight_hh_l0_reverse:80x5',
      'bias_ih_l0_reverse:80',
      'bias_hh_l0_reverse:80',
      'weight_hr_l0_reverse:5x20',
      'weight_ih_l1:80x10',
      'weight_hh_l1:80x5',
      'bias_ih_l1:80',
      'bias_hh_l1:80',
      'weight_hr_l1:5x20',
      'weight_ih_l1_reverse:80x10',
      'weight_hh_l1_reverse:80x5',
      'bias_ih_l1_reverse:80',
      'bias_hh_l1_reverse:80',
      'weight_hr_l1_reverse:5x20',
    ]);
    expect([...new GRU(3, 4, { bias: false }).stateDict().keys()]).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    expect([...new GRUCell(3, 4).stateDict()].map(([k, t]) => `${k}:${t.shape.join('x')}`)).toEqual([
      'weight_ih:12x3',
      'weight_hh:12x4',
      'bias_ih:12',
      'bias_hh:12',
    ]);
    expect([...new RNNCell(3, 4, { bias: false }).stateDict().keys()]).toEqual(['weight_ih', 'weight_hh']);
    expect(m.allWeights.map((ws) => ws.length)).toEqual([5, 5, 5, 5]);
    expect(m.allWeights[1][0]).toBe(m.getParameter('weight_ih_l0_reverse'));
  });

  it('draws every weight and bias from U(-1/sqrt(hidden), 1/sqrt(hidden))', () => {
    manualSeed(3);
    for (const m of [
      new LSTM(6, 16, { numLayers: 2 }),
      new GRUCell(6, 16),
      new RNN(6, 16, { bidirectional: true }),
    ]) {
      const all: number[] = [];
      for (const [name, p] of m.namedParameters()) {
        const v = vals(p);
        expect(Math.max(...v.map(Math.abs)), name).toBeLessThanOrEqual(0.25);
        all.push(...v);
      }
      expect(Math.max(...all)).toBeGreaterThan(0.24);
      expect(Math.min(...all)).toBeLessThan(-0.24);
      expect(Math.abs(all.reduce((a, b) => a + b, 0) / all.length)).toBeLessThan(0.02);
    }
  });

  it('loads a state dict by PyTorch keys; flattenParameters is a no-op', () => {
    const a = new GRU(3, 4, { numLayers: 2, bidirectional: true });
    const b = new GRU(3, 4, { numLayers: 2, bidirectional: true });
    b.loadStateDict(a.stateDict());
    b.flattenParameters();
    const x = randn([5, 2, 3]);
    expectClose('same output', b.call(x)[0], a.call(x)[0], 0);
    expect(() => b.loadStateDict(new Map([...a.stateDict()].slice(1)))).toThrow(/weight_ih_l0/);
  });
});

describe('constructor', () => {
  it("prints PyTorch's repr", () => {
    expect(
      String(
        new LSTM(2, 5, {
          numLayers: 2,
          dropout: 0.5,
          bidirectional: true,
          batchFirst: true,
          projSize: 3,
          bias: false,
        }),
      ),
    ).toBe(
      'LSTM(2, 5, proj_size=3, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)',
    );
    expect(String(new RNN(2, 5, { nonlinearity: 'relu' }))).toBe('RNN(2, 5)');
    expect(String(new LSTM(2, 5, { numLayers: 2, dropout: 0.25 }))).toBe(
      'LSTM(2, 5, num_layers=2, dropout=0.25)',
    );
    expect(String(new RNNCell(2, 3, { nonlinearity: 'relu', bias: false }))).toBe(
      'RNNCell(2, 3, bias=False, nonlinearity=relu)',
    );
    expect(String(new GRUCell(2, 3))).toBe('GRUCell(2, 3)');
  });

  it("rejects bad arguments in PyTorch's words", () => {
    expect(() => new LSTM(2, 5, { projSize: 5 })).toThrow('proj_size has to be smaller than hidden_size');
    expect(() => new LSTM(2, 5, { projSize: -1 })).toThrow(
      'proj_size should be a positive integer or zero to disable projections',
    );
    expect(() => new GRU(2, 5, { projSize: 2 } as never)).toThrow(
      'proj_size argument is only supported for LSTM, not RNN or GRU',
    );
    expect(() => new RNN(2, 5, { nonlinearity: 'sigmoid' as never })).toThrow(
      "Unknown nonlinearity 'sigmoid'",
    );
    expect(() => new LSTM(2, 5, { dropout: 1.5 })).toThrow('dropout should be a number in range [0, 1]');
    expect(() => new LSTM(2, 0)).toThrow('hidden_size must be greater than zero');
    expect(() => new GRU(2, 5, { numLayers: 0 })).toThrow('num_layers must be greater than zero');
    expect(() => new RNNCell(2, 3.5)).toThrow('hidden_size should be of type int, got: float');
  });

  it('warns when dropout has no layer to act between', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    new GRU(2, 3, { dropout: 0.2 });
    expect(warn.mock.calls[0]?.[0]).toMatch(
      /non-zero dropout expects num_layers greater than 1, but got dropout=0.2 and num_layers=1/,
    );
  });
});

describe('forward', () => {
  it('runs the bench workload (W4): LSTM(64, 128, batchFirst) then Linear, with gradients everywhere', () => {
    const lstm = new LSTM(64, 128, { batchFirst: true });
    const head = new Linear(128, 64);
    const [out, [h, c]] = lstm.call(randn([4, 6, 64]));
    expect(out.shape).toEqual([4, 6, 128]);
    expect(h.shape).toEqual([1, 4, 128]);
    expect(c.shape).toEqual([1, 4, 128]);
    head
      .call(out.select(1, -1))
      .sub(randn([4, 64]))
      .pow(2)
      .mean()
      .backward();
    for (const [name, p] of [...lstm.namedParameters(), ...head.namedParameters()])
      expect(p.grad, name).not.toBeNull();
  });

  it('takes unbatched input as a batch of one', () => {
    for (const m of [
      new LSTM(3, 4, { bidirectional: true, numLayers: 2 }),
      new GRU(3, 4, { batchFirst: true }),
      new RNN(3, 4),
    ]) {
      const x = randn([5, 3]);
      const [y1, s1] = (m as LSTM).call(x);
      const [y2, s2] = (m as LSTM).call(m.batchFirst ? x.unsqueeze(0) : x.unsqueeze(1));
      expectClose('output', y1, m.batchFirst ? y2.squeeze(0) : y2.squeeze(1));
      const flat = (s: unknown) => (Array.isArray(s) ? s : [s]) as Tensor[];
      for (const [i, s] of flat(s1).entries()) expectClose('state', s, flat(s2)[i].squeeze(1));
    }
    const cell = new LSTMCell(3, 4);
    const [h, c] = cell.call(tensor([0.1, -0.2, 0.3]));
    expect([h.shape, c.shape]).toEqual([[4], [4]]);
  });

  it('takes each final state at its own sequence length (packed = one sequence at a time)', () => {
    manualSeed(5);
    const lengths = [2, 5, 1, 4];
    const x = randn([5, 4, 3]);
    for (const m of [
      new LSTM(3, 4, { bidirectional: true, numLayers: 2, projSize: 2 }),
      new GRU(3, 4, { bidirectional: true }),
    ]) {
      const h0 = randn([4, 4, m.projSize || 4]);
      const c0 = randn([4, 4, 4]);
      const hx = m instanceof LSTM ? [h0, c0] : h0.narrow(0, 0, 2);
      const packed = packPaddedSequence(x, lengths, { enforceSorted: false });
      const [out, states] = (m as LSTM).call(packed, hx as [Tensor, Tensor]);
      expect(out).toBeInstanceOf(PackedSequence);
      const [padded, lens] = padPackedSequence(out as PackedSequence, { totalLength: 5 });
      expect(vals(lens)).toEqual(lengths);
      lengths.forEach((n, b) => {
        const one = x.narrow(0, 0, n).select(1, b);
        const hb = (m instanceof LSTM ? [h0, c0] : [hx as Tensor]).map((s) => s.select(1, b));
        const [y, sb] = (m as LSTM).call(one, (m instanceof LSTM ? hb : hb[0]) as [Tensor, Tensor]);
        expectClose(`output of sequence ${b}`, padded.select(1, b).narrow(0, 0, n), y);
        expect(vals(padded.select(1, b).narrow(0, n, 5 - n)).every((v) => v === 0)).toBe(true);
        const all = (Array.isArray(states) ? states : [states]) as Tensor[];
        const one1 = (Array.isArray(sb) ? sb : [sb]) as Tensor[];
        for (const [i, s] of all.entries())
          expectClose(`final state ${i} of sequence ${b}`, s.select(1, b), one1[i]);
      });
    }
  });

  it('applies dropout between layers only, and only in training', () => {
    manualSeed(9);
    const m = new LSTM(3, 6, { numLayers: 2, dropout: 1 });
    const x = randn([4, 2, 3]);
    const [train] = m.call(x);
    // p = 1 zeroes the second layer's input: same as feeding it zeros
    const second = new LSTM(6, 6);
    second.loadStateDict(
      new Map(
        [...m.stateDict()].filter(([k]) => k.endsWith('l1')).map(([k, t]) => [k.replace('l1', 'l0'), t]),
      ),
    );
    expectClose('dropout 1 in training', train, second.call(zeros([4, 2, 6]))[0]);
    m.eval();
    const [e1] = m.call(x);
    const [e2] = m.call(x);
    expectClose('eval is deterministic', e1, e2, 0);
    expect(vals(e1).some((v, i) => v !== vals(train)[i])).toBe(true);
    const p = new GRU(3, 6, { numLayers: 2, dropout: 0.5 });
    expect(vals(p.call(x)[0])).not.toEqual(vals(p.call(x)[0]));
  });

  it('rejects empty sequences and malformed states', () => {
    expect(() => new LSTM(3, 4).call(zeros([0, 2, 3]))).toThrow(
      'Expected sequence length to be larger than 0 in RNN',
    );
    expect(new GRU(3, 4, { bidirectional: true }).call(zeros([3, 0, 3]))[0].shape).toEqual([3, 0, 8]);
    expect(() => new GRU(3, 4).call(zeros([2, 1, 3]), [zeros([1, 1, 4]), zeros([1, 1, 4])] as never)).toThrow(
      'GRU: hx should be a tensor',
    );
    expect(() => new LSTM(3, 4).call(zeros([2, 1, 3]), zeros([1, 1, 4]) as never)).toThrow(
      'LSTM: hx should be a pair [h0, c0] of tensors',
    );
    expect(() => new LSTM(3, 4).call(zeros([2, 1, 2, 3]))).toThrow(
      'LSTM: Expected input to be 2D or 3D, got 4D instead',
    );
    expect(() => new GRUCell(3, 4).call(zeros([2, 1, 3]))).toThrow(
      'GRUCell: Expected input to be 1-D or 2-D but received 3-D tensor',
    );
    expect(() => new RNNCell(3, 4).call(zeros([3]), zeros([1, 4]))).toThrow(
      'For unbatched 1-D input, hx should also be 1-D but got 2-D tensor',
    );
  });

  it('converts with to(dtype)', () => {
    const m = new GRU(3, 4).double();
    const [y, h] = m.call(randn([2, 1, 3], { dtype: 'float64' }));
    expect([y.dtype, h.dtype]).toEqual(['float64', 'float64']);
  });

  it('keeps a packed result alive through a memory scope, and runs hooks', () => {
    const m = new RNN(2, 3);
    let seen = 0;
    m.registerForwardHook(() => {
      seen++;
    });
    const out = scope(() => m.call(packPaddedSequence(randn([3, 2, 2]), [3, 2]))[0]);
    expect(out).toBeInstanceOf(PackedSequence);
    expect(vals(out.data).length).toBe(15);
    expect(seen).toBe(1);
  });
});
