// scaledDotProductAttention and MultiheadAttention: gradients (gradcheck, double backward,
// dropout), the fused and composed forwards, masks, initialisation and bad input.
import {
  enableGrad,
  grad,
  gradcheck,
  manualSeed,
  noGrad,
  rand,
  randn,
  type Tensor,
  tensor,
  zeros,
} from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import { MultiheadAttention, multiHeadAttentionForward, scaledDotProductAttention } from '../src/index.js';
import { _sdpaInternals } from '../src/sdpa.js';
import { expectClose, useCpu, vals } from './helpers.js';

useCpu();

/** softmax(q·kᵀ·scale + bias)·v with plain differentiable ops. */
function reference(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  bias?: Tensor,
  scale = 1 / Math.sqrt(q.shape[q.ndim - 1]),
) {
  let s = q.matmul(k.transpose(-1, -2)).mul(scale);
  if (bias) s = s.add(bias);
  return s.softmax(-1).matmul(v);
}

const composed = <T>(f: () => T): T => {
  _sdpaInternals.composedOnly = true;
  try {
    return f();
  } finally {
    _sdpaInternals.composedOnly = false;
  }
};

describe('scaledDotProductAttention', () => {
  it('passes gradcheck in float64 (fused cpu kernel), mask gradient included', async () => {
    manualSeed(1);
    const opts = { dtype: 'float64' as const, requiresGrad: true };
    const q = randn([2, 3, 5], opts);
    const k = randn([2, 6, 5], opts);
    const v = randn([2, 6, 4], opts);
    const m = randn([3, 6], opts);
    await expect(
      gradcheck((a, b, c, d) => scaledDotProductAttention(a, b, c, { attnMask: d }), [q, k, v, m]),
    ).resolves.toBe(true);
  });

  it('passes gradcheck on the composed path too', async () => {
    manualSeed(2);
    const opts = { dtype: 'float64' as const, requiresGrad: true };
    const q = randn([1, 2, 4, 3], opts);
    const k = randn([1, 2, 5, 3], opts);
    const v = randn([1, 2, 5, 2], opts);
    await composed(() =>
      expect(
        gradcheck((a, b, c) => scaledDotProductAttention(a, b, c, { isCausal: true }), [q, k, v]),
      ).resolves.toBe(true),
    );
  });

  it('fused and composed forwards agree, with broadcast batch dims and a broadcast mask', () => {
    manualSeed(3);
    const q = randn([2, 3, 9, 8]);
    const k = randn([1, 3, 7, 8]);
    const v = randn([2, 1, 7, 5]);
    const mask = rand([9, 1])
      .gt(0.3)
      .logicalOr(
        zeros([9, 7])
          .eq(0)
          .logicalAnd(rand([9, 7]).gt(0.5)),
      );
    const a = scaledDotProductAttention(q, k, v, { attnMask: mask });
    const b = composed(() => scaledDotProductAttention(q, k, v, { attnMask: mask }));
    expect(a.shape).toEqual([2, 3, 9, 5]);
    expectClose(a, b, 1e-5);
  });

  it('supports double backward (createGraph)', () => {
    manualSeed(4);
    const q = randn([2, 4, 3], { dtype: 'float64', requiresGrad: true });
    const k = randn([2, 5, 3], { dtype: 'float64', requiresGrad: true });
    const v = randn([2, 5, 3], { dtype: 'float64', requiresGrad: true });
    const w = randn([2, 4, 3], { dtype: 'float64' });
    const gradNorm = (f: (a: Tensor, b: Tensor, c: Tensor) => Tensor) =>
      enableGrad(() => {
        const [gq] = grad([f(q, k, v).mul(w).sum()], [q], { createGraph: true }) as Tensor[];
        const [gk, gv] = grad([gq.pow(2).sum()], [k, v]) as Tensor[];
        return [gq, gk, gv];
      });
    const ours = gradNorm((a, b, c) => scaledDotProductAttention(a, b, c));
    const ref = gradNorm((a, b, c) => reference(a, b, c));
    ours.forEach((g, i) => {
      expectClose(g.detach(), ref[i].detach(), 1e-9);
    });
  });

  it('applies dropout to the weights and gives the matching gradient', () => {
    const q = randn([2, 5, 4], { requiresGrad: true });
    const k = randn([2, 6, 4], { requiresGrad: true });
    const v = randn([2, 6, 3], { requiresGrad: true });
    const p = 0.4;
    manualSeed(7);
    const out = scaledDotProductAttention(q, k, v, { dropoutP: p });
    out.sum().backward();
    const [gq, gk, gv] = [q, k, v].map((t) => t.grad as Tensor);
    for (const t of [q, k, v]) t.grad = null;
    manualSeed(7); // the same mask: one rand over the weights' shape
    const keep = rand([2, 5, 6])
      .lt(1 - p)
      .to('float32');
    const probs = q.matmul(k.transpose(-1, -2)).mul(0.5).softmax(-1);
    const ref = probs
      .mul(keep)
      .div(1 - p)
      .matmul(v);
    expectClose(out, ref, 1e-5);
    ref.sum().backward();
    expectClose(gq, q.grad as Tensor, 1e-5);
    expectClose(gk, k.grad as Tensor, 1e-5);
    expectClose(gv, v.grad as Tensor, 1e-5);
    const dropped = vals(keep).filter((x) => x === 0).length / 60;
    expect(dropped).toBeGreaterThan(0.1);
  });

  it('bool masks select the attended positions; causal is top-left aligned', () => {
    const q = randn([3, 4]);
    const k = randn([5, 4]);
    const v = randn([5, 2]);
    const allowed = tensor([
      [true, false, false, false, false],
      [true, true, false, false, false],
      [true, true, true, false, false],
    ]);
    expectClose(
      scaledDotProductAttention(q, k, v, { isCausal: true }),
      scaledDotProductAttention(q, k, v, { attnMask: allowed }),
      1e-6,
    );
    const first = scaledDotProductAttention(q, k, v, { isCausal: true }).select(0, 0);
    expectClose(first, v.select(0, 0), 1e-6);
  });

  it('gives NaN for a fully masked row and leaves the others finite', () => {
    const none = tensor([
      [false, false],
      [true, true],
    ]);
    const out = scaledDotProductAttention(randn([2, 3]), randn([2, 3]), randn([2, 3]), { attnMask: none });
    const o = vals(out);
    expect(o.slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(o.slice(3).every(Number.isFinite)).toBe(true);
  });

  it('rejects bad input in PyTorch words', () => {
    const q = randn([2, 3, 4]);
    expect(() => scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: tensor([[true]]) })).toThrow(
      /Explicit attn_mask should not be set when is_causal=True/,
    );
    expect(() => scaledDotProductAttention(q, q, q.double())).toThrow(/same dtype/);
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: tensor([[1, 0, 0]]) })).toThrow(
      /Expected attn_mask dtype to be bool or float/,
    );
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: zeros([2, 3]) })).toThrow(
      /cannot be broadcast/,
    );
    expect(() => scaledDotProductAttention(q, randn([2, 3, 5]), q)).toThrow(/same last dim/);
  });
});

describe('MultiheadAttention', () => {
  it('initialises like PyTorch: xavier_uniform_ in_proj, zero biases, Linear out_proj weight, xavier_normal_ bias_k', () => {
    manualSeed(0);
    const m = new MultiheadAttention(64, 4, { addBiasKv: true });
    const w = vals(m.in_proj_weight as Tensor);
    const bound = Math.sqrt(6 / (64 + 192));
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(vals(m.in_proj_bias as Tensor).every((x) => x === 0)).toBe(true);
    expect(vals(m.out_proj.bias as Tensor).every((x) => x === 0)).toBe(true);
    const ow = vals(m.out_proj.weight);
    expect(Math.max(...ow.map(Math.abs))).toBeLessThanOrEqual(1 / 8); // kaiming_uniform(a=√5): 1/√fan_in
    const bk = vals(m.bias_k as Tensor);
    const std = Math.sqrt(bk.reduce((s, x) => s + x * x, 0) / bk.length);
    expect(std).toBeGreaterThan(0.1); // xavier_normal_ on (1, 1, 64): std √(2/128) = 0.125
    expect(std).toBeLessThan(0.2);
    expect([...m.stateDict().keys()]).toEqual([
      'in_proj_weight',
      'in_proj_bias',
      'bias_k',
      'bias_v',
      'out_proj.weight',
      'out_proj.bias',
    ]);
  });

  it('uses separate projection weights when kdim or vdim differ, with PyTorch keys', () => {
    const m = new MultiheadAttention(8, 2, { kdim: 3, vdim: 5 });
    expect([...m.stateDict().entries()].map(([k, t]) => [k, [...t.shape]])).toEqual([
      ['q_proj_weight', [8, 8]],
      ['k_proj_weight', [8, 3]],
      ['v_proj_weight', [8, 5]],
      ['in_proj_bias', [24]],
      ['out_proj.weight', [8, 8]],
      ['out_proj.bias', [8]],
    ]);
    const [out, w] = m.call(randn([4, 2, 8]), randn([6, 2, 3]), randn([6, 2, 5]));
    expect(out.shape).toEqual([4, 2, 8]);
    expect(w?.shape).toEqual([2, 4, 6]);
  });

  it('adds masks of either dtype (PyTorch 2): float attnMask + float keyPaddingMask', () => {
    manualSeed(5);
    const m = new MultiheadAttention(8, 2);
    const x = randn([3, 2, 8]);
    const am = randn([3, 3]);
    const kpm = randn([2, 3]);
    const [a, wa] = m.call(x, x, x, { attnMask: am, keyPaddingMask: kpm, averageAttnWeights: false });
    // the same as one 3-D mask holding the sum, per (batch, head)
    const merged = am.unsqueeze(0).add(kpm.reshape([2, 1, 1, 3]).expand([2, 2, 1, 3]).reshape([4, 1, 3]));
    const [b, wb] = m.call(x, x, x, { attnMask: merged, averageAttnWeights: false });
    expectClose(a, b, 1e-6);
    expectClose(wa as Tensor, wb as Tensor, 1e-6);
    // bool kpm with a float mask: −inf at the padded keys
    const boolKpm = tensor([
      [false, false, true],
      [false, false, false],
    ]);
    const [c] = m.call(x, x, x, { attnMask: am, keyPaddingMask: boolKpm });
    const inf = boolKpm.to('float32').mul(-1e30);
    const [d] = m.call(x, x, x, { attnMask: am, keyPaddingMask: inf });
    expectClose(c, d, 1e-5);
  });

  it('isCausal is a hint: it needs attnMask, and with it changes nothing', () => {
    const m = new MultiheadAttention(8, 2);
    const x = randn([4, 1, 8]);
    expect(() => m.call(x, x, x, { isCausal: true })).toThrow(
      /Need attn_mask if specifying the is_causal hint/,
    );
    const mask = zeros([4, 4]).add(Number.NEGATIVE_INFINITY).triu(1);
    const [a] = m.call(x, x, x, { attnMask: mask, isCausal: true, needWeights: false });
    const [b] = m.call(x, x, x, { attnMask: mask });
    expectClose(a, b, 1e-5);
  });

  it('needWeights false and true give the same output; dropout only in training', () => {
    manualSeed(6);
    const m = new MultiheadAttention(8, 2, { dropout: 0.5, batchFirst: true });
    const x = randn([2, 5, 8]);
    m.eval();
    const [a, none] = m.call(x, x, x, { needWeights: false });
    const [b, w] = m.call(x, x, x);
    expect(none).toBeNull();
    expectClose(a, b, 1e-5);
    const rows = vals((w as Tensor).sum(-1));
    rows.forEach((r) => {
      expect(r).toBeCloseTo(1, 5);
    });
    m.train();
    const [, wd] = m.call(x, x, x, { averageAttnWeights: false });
    const dropped = vals(wd as Tensor).filter((v) => v === 0).length;
    expect(dropped).toBeGreaterThan(10);
  });

  it('W5-style self-attention: forward under noGrad and backward into every parameter', () => {
    const m = new MultiheadAttention(32, 4, { batchFirst: true });
    const x = randn([3, 7, 32]);
    const [y] = noGrad(() => m.call(x, x, x, { needWeights: false }));
    expect(y.requiresGrad).toBe(false);
    const [z] = m.call(x, x, x, { needWeights: false });
    z.sum().backward();
    for (const [name, p] of m.namedParameters()) expect(p.grad, name).not.toBeNull();
  });

  it('rejects bad input in PyTorch words and changes nothing', () => {
    expect(() => new MultiheadAttention(10, 3)).toThrow(/embed_dim must be divisible by num_heads/);
    const m = new MultiheadAttention(8, 2, { kdim: 3, vdim: 5 });
    const before = [...m.stateDict().values()].map(vals);
    const q = randn([3, 2, 8]);
    const k = randn([4, 2, 3]);
    const v = randn([4, 2, 5]);
    expect(() => m.call(q, randn([4, 2, 4]), v)).toThrow(
      /expecting key weights shape of \[8, 4\], but got \[8, 3\]/,
    );
    expect(() => m.call(q, k, v, { attnMask: zeros([3, 5]) })).toThrow(
      /The shape of the 2D attn_mask is \[3, 5\], but should be \[3, 4\]\./,
    );
    expect(() => m.call(q, k, v, { attnMask: zeros([2, 3, 4]) })).toThrow(
      /The shape of the 3D attn_mask is \[2, 3, 4\], but should be \[4, 3, 4\]\./,
    );
    expect(() => m.call(q, k, v, { attnMask: tensor([[1, 0, 0, 0]]).expand([3, 4]) })).toThrow(
      /only bool and floating types of attn_mask are supported/,
    );
    expect(() =>
      m.call(q, k, v, {
        keyPaddingMask: tensor([
          [0, 0, 0, 1],
          [0, 0, 0, 0],
        ]),
      }),
    ).toThrow(/only bool and floating types of key_padding_mask are supported/);
    expect(() => m.call(q, k, v, { keyPaddingMask: zeros([2, 5]) })).toThrow(
      /expecting key_padding_mask shape of \[2, 4\], but got \[2, 5\]/,
    );
    expect(() => m.call(randn([3, 2, 6]), k, v)).toThrow(/was expecting embedding dimension of 8, but got 6/);
    expect(() => m.call(q, randn([4, 8]), v)).toThrow(
      /expected `key` and `value` to be 3-D but found 2-D and 3-D/,
    );
    const same = new MultiheadAttention(8, 2);
    expect(() => same.call(q, randn([4, 2, 8]), randn([5, 2, 8]))).toThrow(
      /key shape \[4, 2, 8\] does not match value shape \[5, 2, 8\]/,
    );
    expect(() => same.call(randn([3, 2, 2, 8]), q, q)).toThrow(
      /query should be unbatched 2D or batched 3D tensor/,
    );
    [...m.stateDict().values()].forEach((t, i) => {
      expect(vals(t)).toEqual(before[i]);
    });
    for (const p of m.parameters()) expect(p.grad).toBeNull();
    const [out] = m.call(q, k, v); // still usable
    expect(out.shape).toEqual([3, 2, 8]);
  });

  it('multiHeadAttentionForward is the functional twin of the module', () => {
    const m = new MultiheadAttention(8, 2);
    const q = randn([3, 2, 8]);
    const kv = randn([5, 2, 8]);
    const [a, wa] = m.call(q, kv, kv);
    const [b, wb] = multiHeadAttentionForward(
      q,
      kv,
      kv,
      8,
      2,
      m.in_proj_weight,
      m.in_proj_bias,
      null,
      null,
      false,
      0,
      m.out_proj.weight,
      m.out_proj.bias,
    );
    expectClose(a, b, 1e-6);
    expectClose(wa as Tensor, wb as Tensor, 1e-6);
  });
});
