/**
 * The fused recurrent-cell kernels against plain references: forwards against the gate
 * equations written out, backwards against central differences of the forwards (float64), on
 * contiguous, padded and column-major views, outputs included; dh' given as several addends.
 */
import type { KernelAttrs, KernelName, View } from '@kindling/ops';
import { describe, expect, it } from 'vitest';
import { type CpuBuffer, cpuBackend } from '../src/index.js';
import {
  expectClose,
  LAYOUTS,
  type Layout,
  makeView,
  outView,
  randomValues,
  storeAs,
  values,
} from './helpers.js';

const be = cpuBackend;
const sig = (x: number) => 1 / (1 + Math.exp(-x));

function run<K extends KernelName>(
  k: K,
  outs: View<CpuBuffer>[],
  ins: View<CpuBuffer>[],
  attrs: KernelAttrs[K],
): number[][] {
  be.run(k, outs, ins, attrs);
  return outs.map(values);
}

/** Row-major [rows, cols] helpers over logical values. */
const at = (a: readonly number[], cols: number) => (b: number, j: number) => a[b * cols + j];

function lstmRef(gi: number[], hh: number[], c: number[], B: number, H: number): [number[], number[]] {
  const G = at(gi, 4 * H);
  const R = at(hh, 4 * H);
  const h2: number[] = [];
  const c2: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const a = (g: number) => G(b, g * H + j) + R(b, g * H + j);
      const cn = sig(a(1)) * c[b * H + j] + sig(a(0)) * Math.tanh(a(2));
      c2.push(cn);
      h2.push(sig(a(3)) * Math.tanh(cn));
    }
  }
  return [h2, c2];
}

function gruRef(
  gi: number[],
  hh: number[],
  h: number[],
  bhh: number[] | null,
  B: number,
  H: number,
): number[] {
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const gh = (g: number) => hh[b * 3 * H + g * H + j] + (bhh ? bhh[g * H + j] : 0);
      const x = (g: number) => gi[b * 3 * H + g * H + j];
      const r = sig(x(0) + gh(0));
      const z = sig(x(1) + gh(1));
      const n = Math.tanh(x(2) + r * gh(2));
      out.push((1 - z) * n + z * h[b * H + j]);
    }
  }
  return out;
}

/** Central differences of Σ w·f(x) with respect to every element of x. */
function numGrad(x: number[], f: (x: number[]) => number, eps = 1e-6): number[] {
  return x.map((_, i) => {
    const p = x.slice();
    const m = x.slice();
    p[i] += eps;
    m[i] -= eps;
    return (f(p) - f(m)) / (2 * eps);
  });
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('cpu fused recurrent cells', () => {
  const sizes: [number, number][] = [
    [1, 1],
    [3, 5],
    [4, 2],
  ];

  for (const layout of LAYOUTS) {
    it(`lstmCell matches the gate equations (${layout} views, float32 and float64)`, () => {
      for (const [B, H] of sizes) {
        for (const dt of ['float32', 'float64'] as const) {
          const gi = randomValues(B * 4 * H, 1, -3, 3).map((v) => storeAs(dt, v));
          const hh = randomValues(B * 4 * H, 2, -3, 3).map((v) => storeAs(dt, v));
          const c = randomValues(B * H, 3, -2, 2).map((v) => storeAs(dt, v));
          const [h2, c2] = run(
            'lstmCell',
            [outView(dt, [B, H], layout), outView(dt, [B, H], layout)],
            [
              makeView(dt, [B, 4 * H], gi, layout),
              makeView(dt, [B, 4 * H], hh, layout),
              makeView(dt, [B, H], c, layout),
            ],
            {},
          );
          const [rh, rc] = lstmRef(gi, hh, c, B, H);
          const tol = dt === 'float32' ? 1e-6 : 1e-14;
          expectClose(
            h2,
            rh.map((v) => storeAs(dt, v)),
            tol,
            `h' [${B},${H}] ${dt}`,
          );
          expectClose(
            c2,
            rc.map((v) => storeAs(dt, v)),
            tol,
            `c' [${B},${H}] ${dt}`,
          );
        }
      }
    });
  }

  it('lstmCellBackward is the gradient of lstmCell (finite differences, dh in two addends)', () => {
    for (const [B, H] of sizes) {
      for (const layout of LAYOUTS) {
        const dt = 'float64';
        const gi = randomValues(B * 4 * H, 4, -2, 2);
        const hh = randomValues(B * 4 * H, 5, -2, 2);
        const c = randomValues(B * H, 6, -2, 2);
        const wh = randomValues(B * H, 7);
        const wc = randomValues(B * H, 8);
        const loss = (g: number[], cc: number[]) => {
          const [h2, c2] = lstmRef(g, hh, cc, B, H);
          return dot(wh, h2) + dot(wc, c2);
        };
        const [, c2] = lstmRef(gi, hh, c, B, H);
        const half = wh.map((v) => v * 0.25);
        const rest = wh.map((v) => v * 0.75);
        const [dgates, dc] = run(
          'lstmCellBackward',
          [outView(dt, [B, 4 * H], layout), outView(dt, [B, H], layout)],
          [
            makeView(dt, [B, 4 * H], gi, layout),
            makeView(dt, [B, 4 * H], hh, layout),
            makeView(dt, [B, H], c, layout),
            makeView(dt, [B, H], c2, layout),
            makeView(dt, [B, H], wc, layout),
            makeView(dt, [B, H], half, layout),
            makeView(dt, [B, H], rest, 'permuted'),
          ],
          {},
        );
        expectClose(
          dgates,
          numGrad(gi, (g) => loss(g, c)),
          1e-7,
          `d gates [${B},${H}] ${layout}`,
        );
        expectClose(
          dc,
          numGrad(c, (cc) => loss(gi, cc)),
          1e-7,
          `dc [${B},${H}] ${layout}`,
        );
      }
    }
  });

  for (const hhBias of [true, false]) {
    it(`gruCell and gruCellBackward (b_hh: ${hhBias})`, () => {
      for (const [B, H] of sizes) {
        for (const layout of LAYOUTS) {
          const dt = 'float64';
          const gi = randomValues(B * 3 * H, 11, -2, 2);
          const hh = randomValues(B * 3 * H, 12, -2, 2);
          const h = randomValues(B * H, 13, -2, 2);
          const bhh = hhBias ? randomValues(3 * H, 14, -1, 1) : null;
          const ins = (): View<CpuBuffer>[] => {
            const v = [
              makeView(dt, [B, 3 * H], gi, layout),
              makeView(dt, [B, 3 * H], hh, layout),
              makeView(dt, [B, H], h, layout),
            ];
            if (bhh) v.push(makeView(dt, [3 * H], bhh, layout));
            return v;
          };
          const [h2] = run('gruCell', [outView(dt, [B, H], layout)], ins(), { hhBias });
          expectClose(h2, gruRef(gi, hh, h, bhh, B, H), 1e-14, `h' [${B},${H}] ${layout}`);
          const w = randomValues(B * H, 15);
          const parts = [w.map((v) => v * 0.5), w.map((v) => v * 0.3), w.map((v) => v * 0.2)];
          const [dgi, dgh, direct] = run(
            'gruCellBackward',
            [outView(dt, [B, 3 * H], layout), outView(dt, [B, 3 * H], layout), outView(dt, [B, H], layout)],
            [...ins(), ...parts.map((p) => makeView(dt, [B, H], p, layout))],
            { hhBias },
          );
          expectClose(
            dgi,
            numGrad(gi, (g) => dot(w, gruRef(g, hh, h, bhh, B, H))),
            1e-7,
            'd gi',
          );
          expectClose(
            dgh,
            numGrad(hh, (g) => dot(w, gruRef(gi, g, h, bhh, B, H))),
            1e-7,
            'd gh',
          );
          // h enters directly (hh is an independent input here), so dL/dh is the direct part
          expectClose(
            direct,
            numGrad(h, (x) => dot(w, gruRef(gi, hh, x, bhh, B, H))),
            1e-7,
            'direct dh',
          );
        }
      }
    });
  }

  for (const nonlinearity of ['tanh', 'relu'] as const) {
    it(`rnnCell and rnnCellBackward (${nonlinearity})`, () => {
      const [B, H] = [3, 4];
      for (const layout of LAYOUTS) {
        const dt = 'float64';
        const gi = randomValues(B * H, 21, -2, 2);
        const hh = randomValues(B * H, 22, -2, 2);
        const act = nonlinearity === 'tanh' ? Math.tanh : (x: number) => Math.max(0, x);
        const ref = (g: number[]) => g.map((v, i) => act(v + hh[i]));
        const [h2] = run(
          'rnnCell',
          [outView(dt, [B, H], layout)],
          [makeView(dt, [B, H], gi, layout), makeView(dt, [B, H], hh, layout)],
          { nonlinearity },
        );
        expectClose(h2, ref(gi), 1e-14, `h' ${layout}`);
        const w = randomValues(B * H, 23);
        const [dpre] = run(
          'rnnCellBackward',
          [outView(dt, [B, H], layout)],
          [makeView(dt, [B, H], h2, layout), makeView(dt, [B, H], w, layout)],
          { nonlinearity },
        );
        expectClose(
          dpre,
          numGrad(gi, (g) => dot(w, ref(g))),
          1e-7,
          `d pre ${layout}`,
        );
      }
    });
  }

  it('relu keeps NaN forward and passes no gradient where h is not positive', () => {
    const [h2] = run(
      'rnnCell',
      [outView('float32', [1, 3])],
      [makeView('float32', [1, 3], [Number.NaN, -1, 2]), makeView('float32', [1, 3], [0, 0, 0])],
      { nonlinearity: 'relu' },
    );
    expect(h2.map(String)).toEqual(['NaN', '0', '2']);
    const [d] = run(
      'rnnCellBackward',
      [outView('float32', [1, 3])],
      [makeView('float32', [1, 3], h2), makeView('float32', [1, 3], [5, 5, 5])],
      { nonlinearity: 'relu' },
    );
    expect(d).toEqual([0, 0, 5]);
  });

  it('rejects mismatched shapes with the kernel and operand named', () => {
    const l: Layout = 'contiguous';
    expect(() =>
      be.run(
        'lstmCell',
        [outView('float32', [2, 3], l), outView('float32', [2, 3], l)],
        [
          makeView('float32', [2, 8], new Array(16).fill(0)),
          makeView('float32', [2, 12], new Array(24).fill(0)),
          makeView('float32', [2, 3], [0, 0, 0, 0, 0, 0]),
        ],
        {},
      ),
    ).toThrow(/lstmCell: expected gi of shape \[2, 12\]/);
  });
});
