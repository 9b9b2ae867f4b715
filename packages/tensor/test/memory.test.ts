import { cpuBackend } from '@kindling/kernels-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Generator,
  keep,
  manualSeed,
  memoryStats,
  rand,
  randn,
  registerBackend,
  scope,
  tensor,
} from '../src/index.js';

beforeAll(() => registerBackend(cpuBackend));

describe('memory', () => {
  it('scope disposes what it created except what it returns', async () => {
    const before = memoryStats('cpu').liveBuffers;
    const x = rand([64, 64]);
    const kept = scope(() => {
      const a = x.mul(2).add(1);
      const b = a.exp().sum();
      void b;
      return a.relu();
    });
    expect(memoryStats('cpu').liveBuffers).toBe(before + 2);
    const r = await scope(async () => {
      const y = x.mul(3);
      await Promise.resolve();
      return keep(y.add(1));
    });
    expect(r.isDisposed).toBe(false);
    expect(memoryStats('cpu').liveBuffers).toBe(before + 3);
    kept.dispose();
    r.dispose();
    x.dispose();
    expect(memoryStats('cpu').liveBuffers).toBe(before);
  });

  it('a disposed tensor refuses use; views keep the buffer alive', () => {
    const x = rand([4]);
    const v = x.reshape([2, 2]);
    x.dispose();
    expect(() => x.add(1)).toThrow(/disposed/);
    expect(v.sum().dataSync().length).toBe(1);
    v.dispose();
  });

  it('a training loop inside scopes does not grow live buffers', () => {
    const w = randn([8, 4], { requiresGrad: true });
    const x = randn([16, 8]);
    const counts: number[] = [];
    for (let i = 0; i < 20; i++) {
      scope(() => {
        const loss = x.matmul(w).tanh().pow(2).mean();
        loss.backward();
        w.grad = null;
      });
      counts.push(memoryStats('cpu').liveBuffers);
    }
    expect(counts[19]).toBe(counts[5]);
  });
});

describe('random', () => {
  it('manualSeed and Generator give reproducible streams', () => {
    manualSeed(42);
    const a = Array.from(randn([5]).dataSync());
    manualSeed(42);
    const b = Array.from(randn([5]).dataSync());
    expect(a).toEqual(b);
    const g = new Generator(7);
    const c = Array.from(rand([3], { generator: g }).dataSync());
    const d = Array.from(rand([3], { generator: new Generator(7) }).dataSync());
    expect(c).toEqual(d);
    const u = rand([10000]).dataSync();
    const mean = Array.from(u, Number).reduce((s, v) => s + v, 0) / u.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
  });
});

describe('float16 storage', () => {
  it('round-trips through float16 and computes through float32', () => {
    const x = tensor([1, 0.5, -2, 65504, 1e-8], { dtype: 'float32' });
    const h = x.half();
    expect(h.dtype).toBe('float16');
    expect(Array.from(h.dataSync())).toEqual([1, 0.5, -2, 65504, 0]);
    const y = h.mul(2);
    expect(y.dtype).toBe('float16');
    expect(Array.from(y.float().dataSync())).toEqual([2, 1, -4, Number.POSITIVE_INFINITY, 0]);
  });
});
