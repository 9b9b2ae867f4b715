/**
 * Float32 attention big enough for the wasm GEMM path (attention-f32.ts) against the fused JS
 * kernels run in float64 on the same values: masks, causal tiles (L > S, several query tiles),
 * broadcast k/v, strided and column-major views, fully masked rows.
 */
import type { View } from '@kindling/ops';
import { describe, expect, it } from 'vitest';
import { type CpuBuffer, cpuBackend, createCpuBackend } from '../src/index.js';
import { type Layout, makeView, numel, outView, randomValues, values } from './helpers.js';

const jsBackend = createCpuBackend({ wasm: false });

interface Case {
  name: string;
  batch: number[];
  L: number;
  S: number;
  E: number;
  Ev: number;
  mask?: boolean;
  causal?: boolean;
  /** Batch dims along which k and v are broadcast (stride 0). */
  kvBroadcast?: number[];
  layout?: Layout;
}

const cases: Case[] = [
  { name: 'plain', batch: [2], L: 40, S: 50, E: 16, Ev: 24 },
  {
    name: 'causal with a mask, several query tiles',
    batch: [],
    L: 300,
    S: 300,
    E: 4,
    Ev: 6,
    causal: true,
    mask: true,
  },
  { name: 'causal, L > S', batch: [2], L: 100, S: 40, E: 16, Ev: 16, causal: true },
  {
    name: 'k, v broadcast over heads, column-major',
    batch: [2, 3],
    L: 20,
    S: 30,
    E: 8,
    Ev: 8,
    kvBroadcast: [1],
    layout: 'permuted',
  },
  { name: 'a mask, padded views', batch: [2], L: 33, S: 65, E: 12, Ev: 5, mask: true, layout: 'padded' },
];

/** Views of one case in `dt`, from the same float32-representable values for either dtype. */
function build(c: Case, dt: 'float32' | 'float64') {
  const layout = c.layout ?? 'contiguous';
  const kvBatch = c.batch.map((d, i) => (c.kvBroadcast?.includes(i) ? 1 : d));
  const vals = (n: number, seed: number, lo = -1.5, hi = 1.5) =>
    randomValues(n, seed, lo, hi).map(Math.fround);
  const nb = numel(c.batch);
  const kv = (rows: number, cols: number, seed: number): View<CpuBuffer> => {
    const view = makeView(dt, [...kvBatch, rows, cols], vals(numel(kvBatch) * rows * cols, seed), layout);
    const strides = view.strides.map((s, d) => (d < c.batch.length && kvBatch[d] !== c.batch[d] ? 0 : s));
    return { ...view, shape: [...c.batch, rows, cols], strides };
  };
  const ins = [
    makeView(dt, [...c.batch, c.L, c.E], vals(nb * c.L * c.E, 1), layout),
    kv(c.S, c.E, 2),
    kv(c.S, c.Ev, 3),
  ];
  if (c.mask) {
    const m = vals(c.L * c.S, 4, -2, 1).map((x, i) => (i % 7 === 3 ? Number.NEGATIVE_INFINITY : x));
    const view = makeView(dt, [c.L, c.S], m, layout);
    ins.push({ ...view, shape: [...c.batch, c.L, c.S], strides: [...c.batch.map(() => 0), ...view.strides] });
  }
  const dout = makeView(dt, [...c.batch, c.L, c.Ev], vals(nb * c.L * c.Ev, 5), layout);
  return { ins, dout, layout };
}

function run(be: typeof cpuBackend, c: Case, dt: 'float32' | 'float64') {
  const { ins, dout, layout } = build(c, dt);
  const scale = 0.4;
  const causal = !!c.causal;
  const out = outView(dt, [...c.batch, c.L, c.Ev], layout);
  const lse = outView(dt, [...c.batch, c.L], layout);
  be.run('attention', [out, lse], ins, { scale, causal });
  const [q, k, v, m] = ins;
  const grads = [
    outView(dt, [...c.batch, c.L, c.E], layout),
    outView(dt, [...c.batch, c.S, c.E], layout),
    outView(dt, [...c.batch, c.S, c.Ev], layout),
  ];
  be.run('attentionBackward', grads, m ? [q, k, v, out, dout, lse, m] : [q, k, v, out, dout, lse], {
    scale,
    causal,
  });
  return [out, lse, ...grads].map(values);
}

/** |got - want| <= tol·max(1, |want|), NaN where want is NaN. */
function expectNear(got: number[], want: number[], tol: number, label: string) {
  for (let i = 0; i < want.length; i++) {
    const ok = Number.isNaN(want[i])
      ? Number.isNaN(got[i])
      : Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i]));
    if (!ok) throw new Error(`${label}: element ${i}: got ${got[i]}, want ${want[i]}`);
  }
}

describe('float32 attention on the wasm GEMM', () => {
  for (const c of cases) {
    it(`matches float64 to float32 accuracy: ${c.name}`, () => {
      const want = run(jsBackend, c, 'float64');
      const got = run(cpuBackend, c, 'float32');
      // float32 sums of up to 300 terms: errors up to ~7e-7 seen, vs ~3e-7 for the JS float32
      // kernels, which sum in float64 and round once
      const names = ['out', 'lse', 'dq', 'dk', 'dv'];
      for (const [t, g] of got.entries()) expectNear(g, want[t], 4e-6, `${c.name} ${names[t]}`);
      const js = run(jsBackend, c, 'float32');
      for (const [t, g] of js.entries()) expectNear(g, want[t], 1e-6, `${c.name} ${names[t]} (JS)`);
    });
  }

  it('a row with every key masked gives NaN, other rows are untouched', () => {
    const c: Case = { name: '', batch: [], L: 20, S: 30, E: 8, Ev: 8, mask: true };
    const { ins } = build(c, 'float32');
    const m = ins[3].buffer;
    for (let j = 0; j < c.S; j++)
      m[ins[3].offset + 5 * ins[3].strides[0] + j * ins[3].strides[1]] = -Infinity;
    const out = outView('float32', [c.L, c.Ev]);
    const lse = outView('float32', [c.L]);
    cpuBackend.run('attention', [out, lse], ins, { scale: 1, causal: false });
    const o = values(out);
    expect(o.slice(5 * c.Ev, 6 * c.Ev).every(Number.isNaN)).toBe(true);
    expect(o.filter(Number.isNaN).length).toBe(c.Ev);
  });
});
