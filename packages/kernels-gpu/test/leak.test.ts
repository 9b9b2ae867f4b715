import { cpuBackend } from '@kindling/kernels-cpu';
import {
  manualSeed,
  memoryStats,
  noGrad,
  randint,
  randn,
  registerBackend,
  scope,
  type Tensor,
} from '@kindling/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WebGPUBackend } from '../src/index.js';
import { probeWebGPU, suiteTitle } from './helpers.js';

/**
 * Trains a small MLP for 1,000 steps on webgpu, one memory scope per step, and checks that the
 * number of live GPU buffers does not grow (everything a step allocates is released).
 */
const probe = await probeWebGPU();

describe.skipIf(!probe.backend)(suiteTitle('webgpu memory over 1,000 training steps', probe), () => {
  beforeAll(() => {
    registerBackend(cpuBackend);
    registerBackend(probe.backend as WebGPUBackend);
  });

  it('live buffers stay flat', async () => {
    manualSeed(1);
    const x = randn([32, 8]).to('webgpu');
    const y = randint(0, 4, [32]).to('webgpu');
    const w1 = randn([8, 16]).mul(0.3).to('webgpu').requiresGrad_();
    const w2 = randn([16, 4]).mul(0.3).to('webgpu').requiresGrad_();
    const params = [w1, w2];
    const counts: number[] = [];
    let first = Number.NaN;
    let last = Number.NaN;
    for (let step = 1; step <= 1000; step++) {
      const loss = scope(() => {
        const logits = x.matmul(w1).relu().matmul(w2);
        const l = logits.logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg();
        l.backward();
        noGrad(() => {
          for (const p of params) p.sub_((p.grad as Tensor).mul(0.1));
        });
        for (const p of params) p.grad = null;
        return l.detach();
      });
      if (step === 1 || step % 100 === 0) {
        const v = await loss.item();
        if (step === 1) first = v;
        last = v;
        counts.push(memoryStats('webgpu').liveBuffers);
      }
      loss.dispose();
    }
    expect(last).toBeLessThan(first);
    // after warm-up (cached scalars, first grads), the count must not grow
    expect(Math.max(...counts.slice(2))).toBeLessThanOrEqual(counts[1]);
  }, 300_000);
});
