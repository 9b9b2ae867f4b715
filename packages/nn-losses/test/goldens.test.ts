/** Replays the PyTorch goldens (scripts/goldens.py) through every loss Module and functional twin. */
import type { Tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import * as L from '../src/index.js';
import { expectClose, goldens, isSpec, type LossCase, make, snapshot } from './helpers.js';

const DEFAULT_TOL = { rtol: 1e-4, atol: 1e-5 };

/** The named distance functions the goldens use for TripletMarginWithDistanceLoss. */
const DISTANCES: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
  cosine: (a, b) => {
    // 1 - cosine_similarity(a, b, dim=-1, eps=1e-8), PyTorch 1.13's formula
    const w12 = a.mul(b).sum(-1);
    const n1 = a.mul(a).sum(-1);
    const n2 = b.mul(b).sum(-1);
    return w12.div(n1.mul(n2).clamp(1e-16).sqrt()).neg().add(1);
  },
};

function buildOptions(options: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (isSpec(v)) o[k] = make(v);
    else if (k === 'distanceFunction' && typeof v === 'string') o[k] = DISTANCES[v];
    else o[k] = v;
  }
  return o;
}

interface Built {
  args: unknown[];
  leaves: (Tensor | null)[];
}

function buildInputs(c: LossCase): Built {
  const leaves: (Tensor | null)[] = [];
  const args = c.inputs.map((x) => {
    if (!isSpec(x)) {
      leaves.push(null);
      return x;
    }
    const t = make(x, !!x.requiresGrad);
    leaves.push(t);
    return x.logSoftmaxDim !== undefined ? t.logSoftmax(x.logSoftmaxDim) : t;
  });
  return { args, leaves };
}

function check(c: LossCase, run: (args: unknown[]) => Tensor): void {
  const tol = c.tolerance ?? DEFAULT_TOL;
  const { args, leaves } = buildInputs(c);
  const out = run(args);
  expectClose(`${c.id} output`, out, c.output!, tol);
  if (c.gradOutput) {
    out.mul(make(c.gradOutput)).sum().backward();
    (c.inputGrads ?? []).forEach((g, i) => {
      if (g) expectClose(`${c.id} grad of input ${i}`, leaves[i]?.grad, g, tol);
    });
  }
}

const Fns = L as unknown as Record<string, (...a: unknown[]) => Tensor>;
const Classes = L as unknown as Record<
  string,
  new (
    o?: Record<string, unknown>,
  ) => { call(...a: unknown[]): Tensor; stateDict(): Map<string, Tensor> }
>;

const valueCases = goldens.cases.filter((c) => !c.error);
const errorCases = goldens.cases.filter((c) => c.error);

describe(`nn-losses vs PyTorch ${goldens.torch} goldens`, () => {
  it('has goldens for every loss', () => {
    const names = new Set(goldens.cases.map((c) => c.module));
    for (const n of [
      'L1Loss',
      'MSELoss',
      'CrossEntropyLoss',
      'NLLLoss',
      'KLDivLoss',
      'SmoothL1Loss',
      'HuberLoss',
      'MultiMarginLoss',
      'CTCLoss',
      'BCELoss',
      'BCEWithLogitsLoss',
      'PoissonNLLLoss',
      'GaussianNLLLoss',
      'MarginRankingLoss',
      'HingeEmbeddingLoss',
      'MultiLabelMarginLoss',
      'MultiLabelSoftMarginLoss',
      'SoftMarginLoss',
      'CosineEmbeddingLoss',
      'TripletMarginLoss',
      'TripletMarginWithDistanceLoss',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
  });

  describe('functional', () => {
    for (const c of valueCases.filter((x) => x.fn)) {
      it(c.id, () => {
        const fn = Fns[c.fn!];
        expect(typeof fn, `${c.fn} is exported`).toBe('function');
        check(c, (args) => fn(...args, buildOptions(c.options)));
      });
    }
  });

  describe('modules', () => {
    for (const c of valueCases.filter((x) => x.module)) {
      it(c.id, () => {
        const Cls = Classes[c.module!];
        expect(typeof Cls, `${c.module} is exported`).toBe('function');
        const o = buildOptions(c.options);
        const m = Object.keys(o).length ? new Cls(o) : new Cls();
        const keys = [...m.stateDict().keys()];
        const expected = ['weight', 'posWeight']
          .filter((k) => isSpec(c.options[k]))
          .map((k) => (k === 'posWeight' ? 'pos_weight' : k));
        expect(keys).toEqual(expected);
        check(c, (args) => m.call(...args));
      });
    }
  });

  describe('errors (thrown before anything changes)', () => {
    for (const c of errorCases) {
      it(`${c.id}: ${c.error}`, () => {
        const o = buildOptions(c.options);
        const inputs = c.inputs.map((x) => (isSpec(x) ? make(x, x.dtype === 'float32') : x));
        const tensors = inputs.filter(
          (x): x is Tensor => !!x && typeof x === 'object' && 'dataSync' in (x as object),
        );
        const before = snapshot(tensors);
        const matcher = c.expect ?? undefined;
        if (c.fn) {
          expect(() => Fns[c.fn!](...inputs, o)).toThrow(matcher);
        }
        if (c.module) {
          const Cls = Classes[c.module];
          if (c.construct) {
            expect(() => new Cls(o)).toThrow(matcher);
          } else {
            const m = new Cls(o);
            expect(() => m.call(...inputs)).toThrow(matcher);
          }
        }
        expect(snapshot(tensors)).toEqual(before);
        for (const t of tensors) expect(t.grad).toBeNull();
      });
    }
  });
});

describe('AdaptiveLogSoftmaxWithLoss vs PyTorch goldens', () => {
  for (const c of goldens.adaptive) {
    it(c.id, () => {
      const m = new L.AdaptiveLogSoftmaxWithLoss(c.args[0], c.args[1], c.args[2], c.options);
      expect([...m.stateDict().keys()]).toEqual(c.stateKeys);
      m.loadStateDict(new Map(Object.entries(c.state).map(([k, v]) => [k, make(v)])), { strict: true });
      const x = make(c.input, true);
      const t = make(c.target);
      const res = m.call(x, t);
      expectClose('output', res.output, c.output, DEFAULT_TOL);
      expectClose('loss', res.loss, c.loss, DEFAULT_TOL);
      const [o2, l2] = res;
      expect(o2).toBe(res.output);
      expect(l2).toBe(res.loss);
      res.output
        .mul(make(c.gradOutput))
        .sum()
        .add(res.loss.mul(make(c.gradLoss)))
        .backward();
      expectClose('input grad', x.grad, c.inputGrad, DEFAULT_TOL);
      const params = new Map(m.namedParameters());
      for (const [k, g] of Object.entries(c.paramGrads)) {
        const pg = params.get(k)?.grad ?? null;
        if (g === null) {
          // PyTorch: no gradient (the cluster had no rows); null or zeros are both fine
          if (pg)
            expect(
              Array.from(pg.dataSync()).every((v) => v === 0),
              `grad ${k} is zero`,
            ).toBe(true);
        } else expectClose(`grad ${k}`, pg, g, DEFAULT_TOL);
      }
      const xin = make(c.logProbInput);
      expectClose('logProb', m.logProb(xin), c.logProb, DEFAULT_TOL);
      expectClose('predict', m.predict(xin), c.predict, DEFAULT_TOL);
    });
  }
});
