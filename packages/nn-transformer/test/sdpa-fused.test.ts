/**
 * scaledDotProductAttention on the fused kernels: gradients through the fused backward (gradcheck,
 * and against the composed path with broadcast batch dims, masks and causal rows), and what it
 * runs: one attention kernel forward, one backward, no matmul or softmax and no buffer the size
 * of the [L, S] weights. Kernels are counted through a backend wrapping the CPU one.
 */
import { createCpuBackend } from '@kindling/kernels-cpu';
import {
  type Backend,
  gradcheck,
  manualSeed,
  rand,
  randn,
  registerBackend,
  type Tensor,
} from '@kindling/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { scaledDotProductAttention } from '../src/index.js';
import { _sdpaInternals } from '../src/sdpa.js';
import { expectClose } from './helpers.js';

const counts = new Map<string, number>();
let largest = 0;
const inner: Backend = createCpuBackend() as Backend;
const counting: Backend = Object.create(inner);
counting.run = (kernel, outs, ins, attrs) => {
  counts.set(kernel, (counts.get(kernel) ?? 0) + 1);
  inner.run(kernel, outs, ins, attrs);
};
counting.alloc = (dtype, n) => {
  largest = Math.max(largest, n);
  return inner.alloc(dtype, n);
};
beforeAll(() => registerBackend(counting));

const composed = <T>(f: () => T): T => {
  _sdpaInternals.composedOnly = true;
  try {
    return f();
  } finally {
    _sdpaInternals.composedOnly = false;
  }
};

describe('scaledDotProductAttention, fused path', () => {
  it('passes gradcheck through the fused backward kernel (causal; float mask; broadcast k, v)', async () => {
    manualSeed(11);
    const opts = { dtype: 'float64' as const, requiresGrad: true };
    const q = randn([2, 2, 4, 3], opts);
    const k = randn([1, 2, 5, 3], opts);
    const v = randn([2, 1, 5, 2], opts);
    await expect(
      gradcheck((a, b, c) => scaledDotProductAttention(a, b, c, { isCausal: true }), [q, k, v]),
    ).resolves.toBe(true);
    const m = randn([4, 5], { dtype: 'float64' });
    await expect(
      gradcheck((a, b, c) => scaledDotProductAttention(a, b, c, { attnMask: m, scale: 0.3 }), [q, k, v]),
    ).resolves.toBe(true);
  });

  it('gives the composed path’s outputs and gradients (bool mask, causal, broadcast batch dims)', () => {
    manualSeed(12);
    const q = randn([2, 3, 9, 8], { requiresGrad: true });
    const k = randn([1, 3, 7, 8], { requiresGrad: true });
    const v = randn([2, 1, 7, 5], { requiresGrad: true });
    const w = randn([2, 3, 9, 5]);
    const mask = rand([9, 7]).gt(0.4);
    for (const opts of [{ attnMask: mask }, { isCausal: true }, {}]) {
      const run = () => {
        for (const t of [q, k, v]) t.grad = null;
        const out = scaledDotProductAttention(q, k, v, opts);
        out.mul(w).nanToNum(0).sum().backward();
        return [out, ...[q, k, v].map((t) => t.grad as Tensor)];
      };
      const fused = run();
      const ref = composed(run);
      fused.forEach((t, i) => {
        expectClose(t.nanToNum(0), ref[i].nanToNum(0), 2e-5);
      });
    }
  });

  it('runs one attention kernel each way and never holds the [L, S] weights', () => {
    manualSeed(13);
    const [B, L, S, E] = [4, 64, 80, 8];
    const q = randn([B, L, E], { requiresGrad: true });
    const k = randn([B, S, E], { requiresGrad: true });
    const v = randn([B, S, E], { requiresGrad: true });
    counts.clear();
    largest = 0;
    const out = scaledDotProductAttention(q, k, v, { isCausal: true });
    expect(Object.fromEntries(counts)).toEqual({ attention: 1 });
    const loss = out.sum();
    counts.clear();
    loss.backward();
    expect(counts.get('attentionBackward')).toBe(1);
    expect(counts.has('matmul') || counts.has('softmax')).toBe(false);
    expect(largest).toBeLessThan(B * L * S);
  });
});
