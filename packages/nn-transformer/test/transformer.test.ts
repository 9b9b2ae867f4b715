// The encoder/decoder stack: cloning, options (bias, activation), the nested-tensor zeros,
// masks and causal hints, PyTorch's errors, and the W5 benchmark workload.
import { GELU, LayerNorm, Linear, Module, Parameter } from '@kindling/nn-layers';
import { manualSeed, noGrad, randn, type Tensor, tensor, zeros } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import {
  cloneModule,
  generateSquareSubsequentMask,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from '../src/index.js';
import { expectClose, useCpu, vals } from './helpers.js';

useCpu();

const ff = { dimFeedforward: 16, dropout: 0 };

describe('generateSquareSubsequentMask', () => {
  it('is −inf above the diagonal and 0 elsewhere', () => {
    const m = Transformer.generateSquareSubsequentMask(3);
    expect(m.dtype).toBe('float32');
    expect(vals(m)).toEqual([0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
    expect(generateSquareSubsequentMask(0).shape).toEqual([0, 0]);
    expect(generateSquareSubsequentMask(2, { dtype: 'float64' }).dtype).toBe('float64');
  });
});

describe('cloneModule and the stacks', () => {
  it('TransformerEncoder deep-copies the layer numLayers times', () => {
    const layer = new TransformerEncoderLayer(8, 2, ff);
    layer.eval();
    const enc = new TransformerEncoder(layer, 3);
    const firsts = [0, 1, 2].map((i) => enc.getParameter(`layers.${i}.linear1.weight`));
    expect(new Set([...firsts, layer.linear1.weight]).size).toBe(4);
    firsts.forEach((p) => {
      expect(vals(p)).toEqual(vals(layer.linear1.weight));
    });
    expect(firsts[0].requiresGrad).toBe(true);
    expect(enc.layers.at(1).training).toBe(false);
    expect(enc.layers.at(2)).toBeInstanceOf(TransformerEncoderLayer);
    expect([...enc.stateDict().keys()].length).toBe(3 * 12);
    noGrad(() => firsts[0].fill_(1));
    expect(vals(firsts[1]).some((v) => v === 1)).toBe(false);
  });

  it('copies plain attributes, keeps function activations and clones module activations', () => {
    const fn = (x: Tensor) => x.tanh();
    const dec = new TransformerDecoder(new TransformerDecoderLayer(8, 2, { ...ff, activation: fn }), 2);
    expect((dec.layers.at(1) as TransformerDecoderLayer).activation).toBe(fn);
    const gelu = new GELU({ approximate: 'tanh' });
    const layer = new TransformerEncoderLayer(8, 2, { ...ff, activation: gelu });
    const enc = new TransformerEncoder(layer, 2);
    const act = (enc.layers.at(0) as TransformerEncoderLayer).activation as GELU;
    expect(act).toBeInstanceOf(GELU);
    expect(act).not.toBe(gelu);
    expect(act.approximate).toBe('tanh');
    expect(enc.toString()).toContain("(activation): GELU(approximate='tanh')");
    const x = randn([3, 2, 8]);
    expectClose(enc.layers.at(0).call(x) as Tensor, layer.call(x), 1e-6);
  });

  it('keeps parameters shared within the copy shared', () => {
    class Tied extends Module {
      declare a: Linear;
      declare b: Linear;
      constructor() {
        super();
        this.a = new Linear(4, 4);
        this.b = new Linear(4, 4);
        this.b.weight = this.a.weight;
      }
    }
    const t = new Tied();
    const c = cloneModule(t);
    expect(c.a.weight).toBe(c.b.weight);
    expect(c.a.weight).not.toBe(t.a.weight);
    expect(c.a.weight).toBeInstanceOf(Parameter);
    expect([...c.stateDict().keys()]).toEqual([...t.stateDict().keys()]);
  });
});

describe('layer options', () => {
  it('bias: false drops every bias and equals zero biases', () => {
    const nb = new TransformerEncoderLayer(8, 2, { ...ff, bias: false });
    expect([...nb.stateDict().keys()]).toEqual([
      'self_attn.in_proj_weight',
      'self_attn.out_proj.weight',
      'linear1.weight',
      'linear2.weight',
      'norm1.weight',
      'norm2.weight',
    ]);
    const wb = new TransformerEncoderLayer(8, 2, ff);
    const sd = new Map(nb.stateDict());
    for (const [k, t] of wb.stateDict()) if (!sd.has(k)) sd.set(k, zeros(t.shape));
    wb.loadStateDict(sd);
    const x = randn([4, 2, 8]);
    expectClose(nb.call(x), wb.call(x), 1e-6);
    const tr = new Transformer({
      dModel: 8,
      nhead: 2,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      ...ff,
      bias: false,
    });
    expect([...tr.stateDict().keys()].filter((k) => k.endsWith('bias'))).toEqual([]);
  });

  it('Transformer defaults: PyTorch sizes and keys, xavier on custom parts too', () => {
    const t = new Transformer({ numEncoderLayers: 1, numDecoderLayers: 1 });
    expect(t.dModel).toBe(512);
    expect(t.getParameter('encoder.layers.0.linear1.weight').shape).toEqual([2048, 512]);
    expect(t.getSubmodule('decoder.layers.0.dropout')).toMatchObject({ p: 0.1 });
    const custom = new TransformerEncoder(new TransformerEncoderLayer(8, 2, ff), 1);
    noGrad(() => custom.getParameter('layers.0.linear1.weight').fill_(5));
    const t2 = new Transformer({ dModel: 8, nhead: 2, numDecoderLayers: 1, ...ff, customEncoder: custom });
    expect(t2.encoder).toBe(custom);
    const w = vals(custom.getParameter('layers.0.linear1.weight'));
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 24)); // re-initialised
  });
});

describe('TransformerEncoder nested-tensor path', () => {
  const make = () => {
    manualSeed(11);
    const enc = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { ...ff, batchFirst: true }), 2);
    const x = randn([2, 4, 8]);
    const kpm = tensor([
      [false, false, true, true],
      [true, true, true, true],
    ]);
    return { enc, x, kpm };
  };

  it('eval without autograd: padded positions are 0, as PyTorch returns them', () => {
    const { enc, x, kpm } = make();
    enc.eval();
    const y = noGrad(() => enc.call(x, { srcKeyPaddingMask: kpm }));
    const v = vals(y);
    expect(v.slice(16).every((a) => a === 0)).toBe(true); // positions 2, 3 of row 0 and all of row 1
    expect(v.slice(0, 16).every(Number.isFinite)).toBe(true);
    const withGrad = enc.call(x, { srcKeyPaddingMask: kpm }); // autograd on: the regular path
    expect(vals(withGrad).slice(32).every(Number.isNaN)).toBe(true);
    expectClose(withGrad.narrow(0, 0, 1).narrow(1, 0, 2), y.narrow(0, 0, 1).narrow(1, 0, 2), 1e-5);
  });

  it('training mode or enableNestedTensor: false keeps the regular path', () => {
    const { enc, x, kpm } = make();
    const y = noGrad(() => enc.call(x, { srcKeyPaddingMask: kpm }));
    expect(vals(y).slice(32).every(Number.isNaN)).toBe(true);
    const off = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { ...ff, batchFirst: true }), 1, {
      enableNestedTensor: false,
    });
    off.eval();
    expect(
      vals(noGrad(() => off.call(x, { srcKeyPaddingMask: kpm })))
        .slice(32)
        .every(Number.isNaN),
    ).toBe(true);
  });
});

describe('masks, hints and errors', () => {
  it('isCausal needs the mask (PyTorch 2), and with it equals the plain mask', () => {
    const layer = new TransformerEncoderLayer(8, 2, ff);
    const x = randn([4, 2, 8]);
    expect(() => layer.call(x, { isCausal: true })).toThrow(
      /Need attn_mask if specifying the is_causal hint/,
    );
    const srcMask = generateSquareSubsequentMask(4);
    expectClose(layer.call(x, { srcMask, isCausal: true }), layer.call(x, { srcMask }), 1e-6);
  });

  it('a bool mask and its −inf float form agree', () => {
    const dec = new TransformerDecoderLayer(8, 2, ff);
    const tgt = randn([4, 2, 8]);
    const mem = randn([3, 2, 8]);
    const a = dec.call(tgt, mem, { tgtMask: generateSquareSubsequentMask(4) });
    const b = dec.call(tgt, mem, { tgtMask: generateSquareSubsequentMask(4).eq(Number.NEGATIVE_INFINITY) });
    expectClose(a, b, 1e-6);
  });

  it('rejects bad input in PyTorch words and changes nothing', () => {
    const t = new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, ...ff });
    const before = [...t.stateDict().values()].map(vals);
    const src = randn([5, 2, 8]);
    expect(() => t.call(src, randn([4, 3, 8]))).toThrow('the batch number of src and tgt must be equal');
    expect(() => t.call(src, randn([4, 2, 6]))).toThrow(
      'the feature number of src and tgt must be equal to d_model',
    );
    expect(() =>
      t.call(src, randn([4, 2, 8]), {
        srcKeyPaddingMask: tensor([
          [1, 0, 0, 0, 0],
          [0, 0, 0, 0, 0],
        ]),
      }),
    ).toThrow(/only bool and floating types of src_key_padding_mask are supported/);
    expect(() => t.call(src, randn([4, 2, 8]), { tgtMask: zeros([5, 5]) })).toThrow(
      /The shape of the 2D attn_mask is \[5, 5\], but should be \[4, 4\]\./,
    );
    expect(() => new TransformerEncoderLayer(8, 3)).toThrow(/embed_dim must be divisible by num_heads/);
    expect(() => new TransformerEncoderLayer(8, 2, { activation: 'tanh' as 'relu' })).toThrow(
      'activation should be relu/gelu, not tanh',
    );
    [...t.stateDict().values()].forEach((v, i) => {
      expect(vals(v)).toEqual(before[i]);
    });
    for (const p of t.parameters()) expect(p.grad).toBeNull();
  });

  it('loads a state dict with PyTorch keys and rejects a wrong one', () => {
    const enc = new TransformerEncoder(new TransformerEncoderLayer(8, 2, ff), 1, { norm: new LayerNorm(8) });
    const sd = enc.stateDict();
    expect(sd.has('layers.0.self_attn.in_proj_weight')).toBe(true);
    expect(sd.has('norm.weight')).toBe(true);
    const bad = new Map(sd);
    bad.delete('layers.0.norm2.bias');
    expect(() => enc.loadStateDict(bad)).toThrow(/Missing key\(s\) in state_dict: "layers.0.norm2.bias"/);
  });
});

describe('benchmark workload W5', () => {
  it('TransformerEncoderLayer(128, 4) on [16, 64, 128]: eval forward under noGrad, forward + backward', () => {
    const layer = new TransformerEncoderLayer(128, 4, { dimFeedforward: 512, dropout: 0, batchFirst: true });
    const x = randn([16, 64, 128]);
    layer.eval();
    const y = noGrad(() => layer.call(x));
    expect(y.shape).toEqual([16, 64, 128]);
    expect(vals(y).every(Number.isFinite)).toBe(true);
    layer.train();
    const out = layer.call(x).sum();
    out.backward();
    for (const [name, p] of layer.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(vals(p.grad as Tensor).every(Number.isFinite), name).toBe(true);
    }
  });
});
