import { readFileSync } from 'node:fs';
import type { Tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import * as optim from '../src/index.js';
import { expectNear, fromSpec, type Spec, useCpu, vals } from './helpers.js';

useCpu();

interface SchedSpec {
  type: string;
  options?: Record<string, unknown>;
  lambda?: string;
  milestones?: number[];
  metrics?: number[];
  schedulers?: SchedSpec[];
}
interface StepRec {
  loss: number;
  w: number[];
  b: number[];
  lr: number[];
  momentum?: number[];
  beta1?: number[];
}
interface Case {
  id: string;
  optimizer: string;
  options: Record<string, unknown>;
  groups?: ({ params: string[] } & Record<string, unknown>)[];
  scheduler?: SchedSpec;
  steps: StepRec[];
}

const doc = JSON.parse(readFileSync(new URL('./fixtures/goldens.json', import.meta.url), 'utf8')) as {
  problem: Record<'x' | 'y' | 'w' | 'b', Spec>;
  cases: Case[];
};

const LAMBDAS: Record<string, (e: number) => number> = {
  '0.95**epoch': (e) => 0.95 ** e,
  '1/(1+epoch)': (e) => 1 / (1 + e),
};

type AnySched = { step(arg?: number): void; getLastLr(): number[] };

function makeScheduler(opt: optim.Optimizer, s: SchedSpec): AnySched {
  const o = s.options ?? {};
  const S = optim as unknown as Record<string, new (opt: optim.Optimizer, o: unknown) => AnySched>;
  if (s.type === 'LambdaLR' || s.type === 'MultiplicativeLR')
    return new S[s.type](opt, { lrLambda: LAMBDAS[s.lambda as string] });
  if (s.type === 'SequentialLR') {
    const subs = (s.schedulers ?? []).map((x) => makeScheduler(opt, x));
    return new optim.SequentialLR(opt, {
      schedulers: subs as optim.LRScheduler[],
      milestones: s.milestones ?? [],
    });
  }
  return new S[s.type](opt, o);
}

const loss = (w: Tensor, b: Tensor) => {
  const x = fromSpec(doc.problem.x);
  const y = fromSpec(doc.problem.y);
  return x.matmul(w).add(b).tanh().sub(y).square().mean();
};

function setup(c: Case) {
  const w = fromSpec(doc.problem.w, true);
  const b = fromSpec(doc.problem.b, true);
  const named: Record<string, Tensor> = { w, b };
  const Opt = (optim as unknown as Record<string, new (p: unknown, o: unknown) => optim.Optimizer>)[
    c.optimizer
  ];
  const params = c.groups ? c.groups.map((g) => ({ ...g, params: g.params.map((n) => named[n]) })) : [w, b];
  const opt = new Opt(params, c.options);
  const sched = c.scheduler ? makeScheduler(opt, c.scheduler) : null;
  return { w, b, opt, sched };
}

function runStep(c: Case, i: number, s: ReturnType<typeof setup>): number {
  s.opt.zeroGrad();
  const l = loss(s.w, s.b);
  l.backward();
  s.opt.step();
  if (s.sched) {
    if (c.scheduler?.metrics) s.sched.step(c.scheduler.metrics[i]);
    else s.sched.step();
  }
  return Number(l.dataSync()[0]);
}

function check(c: Case, i: number, s: ReturnType<typeof setup>, l: number): void {
  const rec = c.steps[i];
  expectNear(`${c.id} step ${i + 1} loss`, [l], [rec.loss]);
  expectNear(`${c.id} step ${i + 1} w`, vals(s.w), rec.w);
  expectNear(`${c.id} step ${i + 1} b`, vals(s.b), rec.b);
  expectNear(
    `${c.id} step ${i + 1} lr`,
    s.opt.paramGroups.map((g) => g.lr),
    rec.lr,
    1e-12,
    1e-15,
  );
  if (s.sched) expectNear(`${c.id} step ${i + 1} getLastLr`, s.sched.getLastLr(), rec.lr, 1e-12, 1e-15);
  if (rec.momentum)
    expectNear(
      `${c.id} step ${i + 1} momentum`,
      s.opt.paramGroups.map((g) => g.momentum as number),
      rec.momentum,
      1e-12,
      1e-15,
    );
  if (rec.beta1)
    expectNear(
      `${c.id} step ${i + 1} beta1`,
      s.opt.paramGroups.map((g) => (g.betas as number[])[0]),
      rec.beta1,
      1e-12,
      1e-15,
    );
}

describe('PyTorch goldens: 10 steps of each optimizer / scheduler', () => {
  for (const c of doc.cases) {
    it(c.id, () => {
      const s = setup(c);
      for (let i = 0; i < c.steps.length; i++) check(c, i, s, runStep(c, i, s));
    });
  }
});

describe('stateDict / loadStateDict', () => {
  for (const c of doc.cases.filter((k) => !k.scheduler)) {
    it(`${c.id}: 5 steps, save, restore into a fresh optimizer, 5 more steps`, () => {
      const a = setup(c);
      for (let i = 0; i < 5; i++) runStep(c, i, a);
      const sd = a.opt.stateDict();
      const b = setup(c);
      b.w.detach().copy_(a.w.detach());
      b.b.detach().copy_(a.b.detach());
      b.opt.loadStateDict(sd);
      // the restored state is a copy: stepping `a` must not move `b`
      for (let i = 5; i < 10; i++) check(c, i, b, runStep(c, i, b));
      expect(Object.keys(b.opt.stateDict().state)).toEqual(Object.keys(sd.state));
    });
  }
});
