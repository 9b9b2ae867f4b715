import { cpuBackend } from '@kindling/kernels-cpu';
import { manualSeed, randn, registerBackend, type Tensor, tensor, unregisterBackend } from '@kindling/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGPUBackend } from '../src/index.js';
import { expectClose, probeWebGPU, suiteTitle } from './helpers.js';

/**
 * End to end through the tensor API: both backends registered, tensors moved with
 * `.to('webgpu')`, a small MLP's forward and backward on each device, compared via `data()`.
 */
const probe = await probeWebGPU();

describe.skipIf(!probe.backend)(suiteTitle('tensor API on webgpu', probe), () => {
  beforeAll(() => {
    registerBackend(cpuBackend);
    registerBackend(probe.backend as WebGPUBackend);
  });
  afterAll(() => unregisterBackend('webgpu'));

  async function same(gpu: Tensor, cpu: Tensor, what: string, tol = { rtol: 1e-4, atol: 1e-5 }) {
    expect(gpu.device, what).toBe('webgpu');
    expect(gpu.shape, what).toEqual(cpu.shape);
    expect(gpu.dtype, what).toBe(cpu.dtype);
    expectClose(cpu.dtype, await gpu.data(), await cpu.data(), tol, what);
  }

  it('moves tensors to the GPU and back', async () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const g = a.to('webgpu');
    expect(g.device).toBe('webgpu');
    expect(await g.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => g.dataSync()).toThrow(/await tensor.data\(\)/);
    expect(() => g.to('cpu')).toThrow(/toAsync/);
    const back = await g.t().toAsync('cpu');
    expect(back.device).toBe('cpu');
    expect(Array.from(back.dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(() => tensor([1], { dtype: 'float64' }).to('webgpu')).toThrow(
      'webgpu does not support float64; convert with .float() first',
    );
  });

  it('a small MLP: forward and backward match the cpu', async () => {
    manualSeed(0);
    const x = randn([8, 5]);
    const w1 = randn([5, 16]).mul(0.5).requiresGrad_();
    const b1 = randn([16]).mul(0.1).requiresGrad_();
    const w2 = randn([4, 16]).mul(0.5).requiresGrad_(); // used transposed: a strided operand
    const b2 = randn([4]).mul(0.1).requiresGrad_();
    const target = tensor([0, 3, 1, 2, 2, 0, 1, 3]);

    const forward = (dev: 'cpu' | 'webgpu') => {
      const [X, W1, B1, W2, B2, T] = [x, w1, b1, w2, b2, target].map((t) => t.to(dev));
      const h = X.matmul(W1).add(B1).relu();
      const logits = h.matmul(W2.t()).add(B2);
      const logp = logits.logSoftmax(1);
      const picked = logp.gather(1, T.unsqueeze(1));
      const loss = picked.neg().mean();
      const total = logits.sum();
      return { params: [W1, B1, W2, B2], h, logits, logp, loss, total };
    };
    const c = forward('cpu');
    const g = forward('webgpu');
    await same(g.h, c.h, 'hidden');
    await same(g.logits, c.logits, 'logits');
    await same(g.logp, c.logp, 'log_softmax');
    await same(g.loss, c.loss, 'loss');
    await same(g.total, c.total, 'sum');

    c.loss.backward();
    g.loss.backward();
    for (let i = 0; i < 4; i++) {
      const gg = g.params[i].grad;
      const cg = c.params[i].grad;
      expect(gg, `grad ${i}`).toBeTruthy();
      await same(gg as Tensor, cg as Tensor, `grad of parameter ${i}`, { rtol: 1e-4, atol: 1e-6 });
    }
  });

  it('a few training steps stay in step with the cpu', async () => {
    manualSeed(1);
    const x = randn([16, 3]);
    const y = x.matmul(tensor([[1.5], [-2], [0.5]])).add(0.3);
    const run = async (dev: 'cpu' | 'webgpu') => {
      let w = tensor([[0], [0], [0]], { dtype: 'float32' })
        .to(dev)
        .requiresGrad_();
      let b = tensor([0], { dtype: 'float32' }).to(dev).requiresGrad_();
      const X = x.to(dev);
      const Y = y.to(dev);
      const losses: number[] = [];
      for (let step = 0; step < 5; step++) {
        const loss = X.matmul(w).add(b).sub(Y).pow(2).mean();
        losses.push(await loss.item());
        loss.backward();
        w = w
          .detach()
          .sub((w.grad as Tensor).mul(0.1))
          .requiresGrad_();
        b = b
          .detach()
          .sub((b.grad as Tensor).mul(0.1))
          .requiresGrad_();
      }
      return losses;
    };
    const lc = await run('cpu');
    const lg = await run('webgpu');
    for (let i = 0; i < lc.length; i++) expect(lg[i]).toBeCloseTo(lc[i], 4);
    expect(lg[4]).toBeLessThan(lg[0]);
  });

  it('integer, bool and reduction ops through the dispatcher', async () => {
    const a = tensor([
      [3, -1, 4],
      [1, 5, -9],
    ]);
    const cases: [string, (t: Tensor) => Tensor][] = [
      ['argmax', (t) => t.argmax(1)],
      ['max', (t) => t.amax(0)],
      ['cumsum', (t) => t.cumsum(1)],
      ['gt', (t) => t.gt(0)],
      ['where', (t) => t.where(t.gt(0), 0)],
      ['float mean', (t) => t.float().mean(1)],
      ['softmax', (t) => t.float().softmax(0)],
      ['remainder', (t) => t.remainder(4)],
    ];
    for (const [what, f] of cases) await same(f(a.to('webgpu')), f(a), what);
  });
});
