import { afterAll, beforeAll, describe, it } from 'vitest';
import type { WebGPUBackend } from '../src/index.js';
import { compare, compareHalf, type Gen, gens, probeWebGPU, rng, type Spec, suiteTitle } from './helpers.js';

/**
 * The flash-style attention kernels against the CPU backend's (themselves checked against a
 * plain reference and finite differences) on random strided views, every element of every
 * output buffer compared: masks with −inf, causal rows over several row and key blocks, batch
 * dims broadcast with stride 0, fully masked rows (NaN), head sizes past the register path.
 */
const probe = await probeWebGPU();
let gpu: WebGPUBackend;

interface Case {
  name: string;
  batch: number[];
  L: number;
  S: number;
  E: number;
  Ev: number;
  mask?: 'random' | 'rowsMasked';
  causal?: boolean;
  /** Batch dims along which k and v are broadcast (stride 0). */
  kvBroadcast?: number[];
}

const f32 = (shape: number[], gen?: Gen, broadcast?: number[]): Spec => ({
  shape,
  dtype: 'float32',
  gen,
  broadcast,
});

/** An [L, S] mask with some −inf entries (the whole first row when rowsMasked), repeated over the batch. */
function maskValues(c: Case): number[] {
  const r = rng(c.L * 31 + c.S);
  const m = Array.from({ length: c.L * c.S }, (_, i) =>
    (c.mask === 'rowsMasked' && i < c.S) || r() < 0.15 ? Number.NEGATIVE_INFINITY : -2 + 3 * r(),
  );
  const n = c.batch.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, () => m).flat();
}

function specs(c: Case) {
  const { batch, L, S, E, Ev } = c;
  const kvb = c.kvBroadcast;
  const ins = [
    f32([...batch, L, E], gens.uniform(-1.5, 1.5)),
    f32([...batch, S, E], gens.uniform(-1.5, 1.5), kvb),
    f32([...batch, S, Ev], gens.normal, kvb),
  ];
  const mask: Spec[] = c.mask
    ? [
        {
          shape: [...batch, L, S],
          dtype: 'float32',
          values: maskValues(c),
          broadcast: batch.map((_, d) => d),
        },
      ]
    : [];
  return { ins, mask };
}

const cases: Case[] = [
  { name: 'one head', batch: [], L: 5, S: 7, E: 3, Ev: 4 },
  { name: 'batched, masked', batch: [3], L: 6, S: 9, E: 8, Ev: 5, mask: 'random' },
  { name: 'causal over several row and key blocks', batch: [2], L: 70, S: 75, E: 4, Ev: 3, causal: true },
  { name: 'causal with a mask, L > S', batch: [2], L: 9, S: 5, E: 2, Ev: 6, causal: true, mask: 'random' },
  { name: 'k, v broadcast over heads', batch: [2, 3], L: 4, S: 6, E: 3, Ev: 2, kvBroadcast: [1] },
  { name: 'fully masked rows give NaN', batch: [2], L: 3, S: 4, E: 2, Ev: 2, mask: 'rowsMasked' },
  { name: 'wide rows: tiles of few keys', batch: [1], L: 5, S: 30, E: 60, Ev: 70 },
  { name: 'head size past the register path', batch: [2], L: 4, S: 6, E: 130, Ev: 7, causal: true },
];

describe.skipIf(!probe.backend)(suiteTitle('webgpu fused attention', probe), () => {
  beforeAll(() => {
    gpu = probe.backend as WebGPUBackend;
  });
  afterAll(() => gpu?.destroy());

  for (const c of cases) {
    it(`forward and backward: ${c.name}`, async () => {
      const { batch, L, S, E, Ev } = c;
      const { ins, mask } = specs(c);
      const attrs = { scale: 1 / Math.sqrt(E), causal: !!c.causal };
      await compare(
        gpu,
        'attention',
        attrs,
        [f32([...batch, L, Ev]), f32([...batch, L])],
        [...ins, ...mask],
        {
          rtol: 1e-4,
          atol: 1e-5,
          what: `attention ${c.name}`,
        },
      );
      // out, dout and lse as the backward sees them (any values: it is a formula in them)
      const extra = [f32([...batch, L, Ev]), f32([...batch, L, Ev]), f32([...batch, L], gens.uniform(1, 3))];
      await compare(
        gpu,
        'attentionBackward',
        attrs,
        [f32([...batch, L, E]), f32([...batch, S, E]), f32([...batch, S, Ev])],
        [...ins, ...extra, ...mask],
        { rtol: 2e-4, atol: 2e-5, what: `attentionBackward ${c.name}` },
      );
    });
  }

  it('float16 storage (computed in f32)', async () => {
    const c = cases[1];
    const { ins, mask } = specs(c);
    const { batch, L, S, E, Ev } = c;
    const attrs = { scale: 0.5, causal: false };
    await compareHalf(
      gpu,
      'attention',
      attrs,
      [f32([...batch, L, Ev]), f32([...batch, L])],
      [...ins, ...mask],
    );
    const extra = [f32([...batch, L, Ev]), f32([...batch, L, Ev]), f32([...batch, L], gens.uniform(1, 3))];
    await compareHalf(
      gpu,
      'attentionBackward',
      attrs,
      [f32([...batch, L, E]), f32([...batch, S, E]), f32([...batch, S, Ev])],
      [...ins, ...extra, ...mask],
      { rtol: 5e-3, atol: 3e-3 },
    );
  });
});
