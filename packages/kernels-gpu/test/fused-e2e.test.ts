import { cpuBackend } from '@kindling/kernels-cpu';
import {
  fusedAttention,
  fusedAttentionBackward,
  fusedGruCell,
  fusedGruCellBackward,
  fusedLstmCell,
  fusedLstmCellBackward,
  manualSeed,
  noGrad,
  randn,
  registerBackend,
  type Tensor,
  unregisterBackend,
} from '@kindling/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGPUBackend } from '../src/index.js';
import { expectClose, probeWebGPU, suiteTitle } from './helpers.js';

/**
 * The fused kernels through the tensor API on webgpu against the cpu: strided (transposed)
 * inputs, results written into rows of a larger tensor (`into`, as the recurrent layers do),
 * broadcast batch dims and the gradients folded back to the inputs' shapes.
 */
const probe = await probeWebGPU();

describe.skipIf(!probe.backend)(suiteTitle('fused kernels through the tensor API on webgpu', probe), () => {
  beforeAll(() => {
    registerBackend(cpuBackend);
    registerBackend(probe.backend as WebGPUBackend);
  });
  afterAll(() => unregisterBackend('webgpu'));

  async function same(gpu: Tensor, cpu: Tensor, what: string) {
    expect(gpu.device, what).toBe('webgpu');
    expect(gpu.shape, what).toEqual(cpu.shape);
    expectClose('float32', await gpu.data(), await cpu.data(), { rtol: 1e-4, atol: 2e-5 }, what);
  }

  it('LSTM and GRU cells: strided inputs, outputs written into rows of a sequence buffer', async () => {
    manualSeed(1);
    const [B, H] = [3, 5];
    const host = {
      gi: randn([4 * H, B]),
      hh: randn([B, 4 * H]),
      c: randn([B, H]),
      dh: randn([B, H]),
      dc: randn([B, H]),
      g3: randn([B, 3 * H]),
      h3: randn([3 * H, B]),
      b3: randn([3 * H]),
    };
    const run = (dev: 'cpu' | 'webgpu') =>
      noGrad(() => {
        const t = Object.fromEntries(Object.entries(host).map(([k, v]) => [k, v.to(dev)])) as typeof host;
        const seq = t.c.newZeros([2 * B, H]);
        const [h2, c2] = fusedLstmCell(t.gi.t(), t.hh, t.c, { h: seq.narrow(0, B, B) });
        const [dg, dc] = fusedLstmCellBackward(t.gi.t(), t.hh, t.c, c2, t.dc, [t.dh, h2]);
        const g = fusedGruCell(t.g3, t.h3.t(), t.c, t.b3);
        const [dgi, dgh, direct] = fusedGruCellBackward(t.g3, t.h3.t(), t.c, t.b3, [t.dh, g, t.dc]);
        return { seq, h2, c2, dg, dc, g, dgi, dgh, direct };
      });
    const gpu = run('webgpu');
    const cpu = run('cpu');
    expect(gpu.h2.offset).toBe(B * H);
    for (const k of Object.keys(cpu) as (keyof typeof cpu)[]) await same(gpu[k], cpu[k], k);
  });

  it('attention: broadcast batch dims, a broadcast mask, causal rows; gradients in the inputs’ shapes', async () => {
    manualSeed(2);
    const host = {
      q: randn([2, 3, 6, 4]),
      k: randn([1, 3, 7, 4]),
      v: randn([2, 1, 7, 5]),
      m: randn([6, 7]),
      dout: randn([2, 3, 6, 5]),
    };
    for (const causal of [false, true]) {
      const run = (dev: 'cpu' | 'webgpu') =>
        noGrad(() => {
          const t = Object.fromEntries(Object.entries(host).map(([k, v]) => [k, v.to(dev)])) as typeof host;
          const mask = causal ? null : t.m;
          const [out, lse] = fusedAttention(t.q, t.k, t.v, mask, { scale: 0.4, causal });
          const [dq, dk, dv] = fusedAttentionBackward(t.q, t.k, t.v, out, t.dout, lse, mask, {
            scale: 0.4,
            causal,
          });
          return { out, lse, dq, dk, dv };
        });
      const gpu = run('webgpu');
      const cpu = run('cpu');
      expect(cpu.dk.shape).toEqual([1, 3, 7, 4]);
      for (const k of Object.keys(cpu) as (keyof typeof cpu)[])
        await same(gpu[k], cpu[k], `${k} causal=${causal}`);
    }
  });
});
