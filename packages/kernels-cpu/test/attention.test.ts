/**
 * The fused attention kernels against a plain reference (scores, softmax, weighted sum written
 * out) and the backward against central differences of the forward, in float64: masks, causal
 * rows, broadcast batch dims (stride 0), strided inputs and outputs, fully masked rows.
 */
import type { View } from '@kindling/ops';
import { describe, expect, it } from 'vitest';
import { type CpuBuffer, cpuBackend } from '../src/index.js';
import {
  expectClose,
  type Layout,
  makeView,
  numel,
  outView,
  randomValues,
  storeAs,
  values,
} from './helpers.js';

const be = cpuBackend;

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

/** out and lse of one flattened batch entry from logical row-major q [L,E], k [S,E], v [S,Ev], m [L,S]. */
function reference(c: Case, q: number[], k: number[], v: number[], m: number[] | null, scale: number) {
  const out: number[] = [];
  const lse: number[] = [];
  for (let i = 0; i < c.L; i++) {
    const s: number[] = [];
    for (let j = 0; j < c.S; j++) {
      let x = 0;
      for (let e = 0; e < c.E; e++) x += q[i * c.E + e] * k[j * c.E + e];
      x = x * scale + (m ? m[i * c.S + j] : 0);
      s.push(c.causal && j > i ? Number.NEGATIVE_INFINITY : x);
    }
    const max = Math.max(...s);
    const ex = s.map((x) => Math.exp(x - max));
    const sum = ex.reduce((a, b) => a + b, 0);
    lse.push(max + Math.log(sum));
    for (let e = 0; e < c.Ev; e++) out.push(ex.reduce((a, p, j) => a + (p / sum) * v[j * c.Ev + e], 0));
  }
  return { out, lse };
}

/** Views of the case's operands (k, v broadcast along kvBroadcast), values as generated. */
function operands(c: Case, dt: 'float32' | 'float64', seed: number) {
  const nb = numel(c.batch);
  const kvBatch = c.batch.map((d, i) => (c.kvBroadcast?.includes(i) ? 1 : d));
  const nkv = numel(kvBatch);
  const layout = c.layout ?? 'contiguous';
  const q = randomValues(nb * c.L * c.E, seed, -1.5, 1.5).map((x) => storeAs(dt, x));
  const k = randomValues(nkv * c.S * c.E, seed + 1, -1.5, 1.5).map((x) => storeAs(dt, x));
  const v = randomValues(nkv * c.S * c.Ev, seed + 2, -2, 2).map((x) => storeAs(dt, x));
  const m = c.mask
    ? randomValues(c.L * c.S, seed + 3, -2, 1).map((x, i) =>
        i % 5 === 1 ? Number.NEGATIVE_INFINITY : storeAs(dt, x),
      )
    : null;
  const bcast = (vals: number[], rows: number, cols: number): View<CpuBuffer> => {
    const view = makeView(dt, [...kvBatch, rows, cols], vals, layout);
    const strides = view.strides.map((s, d) => (d < c.batch.length && kvBatch[d] !== c.batch[d] ? 0 : s));
    return { ...view, shape: [...c.batch, rows, cols], strides };
  };
  // the mask is one [L, S] matrix broadcast over every batch dim
  const mView = (vals: number[]): View<CpuBuffer> => {
    const view = makeView(dt, [c.L, c.S], vals, layout);
    return { ...view, shape: [...c.batch, c.L, c.S], strides: [...c.batch.map(() => 0), ...view.strides] };
  };
  return {
    q,
    k,
    v,
    m,
    views: (qv = q, kv = k, vv = v) => {
      const ins = [
        makeView(dt, [...c.batch, c.L, c.E], qv, layout),
        bcast(kv, c.S, c.E),
        bcast(vv, c.S, c.Ev),
      ];
      if (m) ins.push(mView(m));
      return ins;
    },
    /** Index of batch entry b's k/v block. */
    kvIndex: (b: number) => {
      let rem = b;
      let idx = 0;
      let mul = 1;
      for (let d = c.batch.length - 1; d >= 0; d--) {
        const i = rem % c.batch[d];
        rem = Math.floor(rem / c.batch[d]);
        if (kvBatch[d] !== 1 || c.batch[d] === 1) {
          idx += i * mul;
          mul *= kvBatch[d];
        }
      }
      return idx;
    },
  };
}

function forward(c: Case, ins: View<CpuBuffer>[], dt: 'float32' | 'float64', scale: number) {
  const layout = c.layout ?? 'contiguous';
  const out = outView(dt, [...c.batch, c.L, c.Ev], layout);
  const lse = outView(dt, [...c.batch, c.L], layout);
  be.run('attention', [out, lse], ins, { scale, causal: !!c.causal });
  return { out, lse };
}

const cases: Case[] = [
  { name: 'one head', batch: [], L: 5, S: 7, E: 3, Ev: 4 },
  { name: 'batched with a mask', batch: [2], L: 6, S: 9, E: 5, Ev: 3, mask: true },
  { name: 'causal, L > S', batch: [2], L: 7, S: 5, E: 4, Ev: 6, causal: true },
  {
    name: 'causal with a mask, padded views',
    batch: [3],
    L: 9,
    S: 9,
    E: 2,
    Ev: 5,
    causal: true,
    mask: true,
    layout: 'padded',
  },
  {
    name: 'k, v broadcast over heads, column-major',
    batch: [2, 3],
    L: 4,
    S: 6,
    E: 3,
    Ev: 2,
    kvBroadcast: [1],
    layout: 'permuted',
  },
  { name: 'single key and query', batch: [1], L: 1, S: 1, E: 1, Ev: 1 },
];

describe('cpu fused attention', () => {
  for (const c of cases) {
    it(`forward: ${c.name}`, () => {
      for (const dt of ['float32', 'float64'] as const) {
        const scale = 0.7;
        const o = operands(c, dt, 3);
        const { out, lse } = forward(c, o.views(), dt, scale);
        const nb = numel(c.batch);
        const wantOut: number[] = [];
        const wantLse: number[] = [];
        for (let b = 0; b < nb; b++) {
          const kv = o.kvIndex(b);
          const r = reference(
            c,
            o.q.slice(b * c.L * c.E, (b + 1) * c.L * c.E),
            o.k.slice(kv * c.S * c.E, (kv + 1) * c.S * c.E),
            o.v.slice(kv * c.S * c.Ev, (kv + 1) * c.S * c.Ev),
            o.m,
            scale,
          );
          wantOut.push(...r.out);
          wantLse.push(...r.lse);
        }
        const tol = dt === 'float32' ? 2e-6 : 1e-13;
        expectClose(
          values(out),
          wantOut.map((x) => storeAs(dt, x)),
          tol,
          `${c.name} out ${dt}`,
        );
        expectClose(
          values(lse),
          wantLse.map((x) => storeAs(dt, x)),
          tol,
          `${c.name} lse ${dt}`,
        );
      }
    });

    it(`backward is the gradient of the forward: ${c.name}`, () => {
      const dt = 'float64';
      const scale = 0.6;
      const o = operands(c, dt, 9);
      const nb = numel(c.batch);
      const wOut = randomValues(nb * c.L * c.Ev, 17);
      const loss = (q: number[], k: number[], v: number[]) => {
        const { out } = forward(c, o.views(q, k, v), dt, scale);
        return values(out).reduce((s, x, i) => s + x * wOut[i], 0);
      };
      const ins = o.views();
      const { out, lse } = forward(c, ins, dt, scale);
      const layout = c.layout ?? 'contiguous';
      const dq = outView(dt, [...c.batch, c.L, c.E], layout);
      const dk = outView(dt, [...c.batch, c.S, c.E], layout);
      const dv = outView(dt, [...c.batch, c.S, c.Ev], layout);
      const [q, k, v, m] = ins;
      const dout = makeView(dt, [...c.batch, c.L, c.Ev], wOut, layout);
      be.run(
        'attentionBackward',
        [dq, dk, dv],
        m ? [q, k, v, out, dout, lse, m] : [q, k, v, out, dout, lse],
        {
          scale,
          causal: !!c.causal,
        },
      );
      // dk, dv come per batch entry: sum them over the broadcast dims before comparing
      const fold = (d: number[], len: number) => {
        const acc = new Array<number>(len).fill(0);
        const per = d.length / nb;
        for (let b = 0; b < nb; b++) {
          const kv = o.kvIndex(b);
          for (let t = 0; t < per; t++) acc[kv * per + t] += d[b * per + t];
        }
        return acc;
      };
      const num = (x: number[], f: (y: number[]) => number) =>
        x.map((_, i) => {
          const p = x.slice();
          const mm = x.slice();
          p[i] += 1e-6;
          mm[i] -= 1e-6;
          return (f(p) - f(mm)) / 2e-6;
        });
      expectClose(
        values(dq),
        num(o.q, (y) => loss(y, o.k, o.v)),
        1e-7,
        `${c.name} dq`,
      );
      expectClose(
        fold(values(dk), o.k.length),
        num(o.k, (y) => loss(o.q, y, o.v)),
        1e-7,
        `${c.name} dk`,
      );
      expectClose(
        fold(values(dv), o.v.length),
        num(o.v, (y) => loss(o.q, o.k, y)),
        1e-7,
        `${c.name} dv`,
      );
    });
  }

  it('a row with every key masked gives NaN (as softmax does), other rows are untouched', () => {
    const c: Case = { name: '', batch: [], L: 2, S: 3, E: 2, Ev: 2, mask: true };
    const dt = 'float32';
    const inf = Number.NEGATIVE_INFINITY;
    const q = makeView(dt, [2, 2], [1, 2, 3, 4]);
    const k = makeView(dt, [3, 2], [1, 0, 0, 1, 1, 1]);
    const v = makeView(dt, [3, 2], [1, 2, 3, 4, 5, 6]);
    const m = makeView(dt, [2, 3], [inf, inf, inf, 0, inf, 0]);
    const { out } = forward(c, [q, k, v, m], dt, 1);
    const o = values(out);
    expect(o.slice(0, 2).every(Number.isNaN)).toBe(true);
    // row 1 sees keys 0 and 2 with scores 3 and 7
    const p0 = 1 / (1 + Math.exp(4));
    expectClose(o.slice(2), [p0 * 1 + (1 - p0) * 5, p0 * 2 + (1 - p0) * 6], 1e-6, 'row 1');
  });
});
