import { readFileSync } from 'node:fs';
import {
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  Linear,
  type Module,
  Sequential,
  Tanh,
} from '@kindling/nn-layers';
import { type Tensor, tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import {
  clipGradNorm_,
  functionalCall,
  fuseConvBnEval,
  householderProduct,
  matrixExp,
  orthogonal,
  type OrthogonalMap,
  parametrizations,
  prune,
  spectralNorm,
  weightNorm,
} from '../src/index.js';
import { expectSpec, fromSpec, type Spec, stateMap, useCpu, vals } from './helpers.js';

useCpu();

// biome-ignore lint/suspicious/noExplicitAny: JSON fixture
type Golden = any;
const G = JSON.parse(readFileSync(new URL('./fixtures/goldens.json', import.meta.url), 'utf8'))
  .cases as Record<string, Golden>;

interface RunCase {
  state: Record<string, Spec>;
  input: Spec;
  output: Spec;
  gradOut: Spec;
  inputGrad: Spec;
  paramGrads: Record<string, Spec>;
  stateAfter: Record<string, Spec>;
}

/** Load the golden state, run forward/backward like the generator, compare everything. */
function check(id: string, m: Module, c: RunCase, mode: 'train' | 'eval' = 'train', tol = 1e-5): void {
  expect([...m.stateDict().keys()], `${id}: state-dict keys`).toEqual(Object.keys(c.state));
  m.loadStateDict(stateMap(c.state));
  m.train(mode === 'train');
  const x = fromSpec(c.input, true);
  const y = m.call(x) as Tensor;
  expectSpec(`${id} output`, y, c.output, tol);
  y.mul(fromSpec(c.gradOut)).sum().backward();
  expectSpec(`${id} input grad`, x.grad, c.inputGrad, tol);
  const params = new Map(m.namedParameters());
  expect([...params.keys()].sort(), `${id}: parameters`).toEqual(Object.keys(c.paramGrads).sort());
  for (const [k, s] of Object.entries(c.paramGrads))
    expectSpec(`${id} grad ${k}`, params.get(k)?.grad, s, tol);
  const after = m.stateDict();
  for (const [k, s] of Object.entries(c.stateAfter))
    expectSpec(`${id} state after ${k}`, after.get(k), s, tol);
}

describe('weightNorm / spectralNorm (hooks), as PyTorch', () => {
  for (const dim of [0, 1, null]) {
    const id = `weightNorm/dim=${dim === null ? 'None' : dim}`;
    it(id, () => check(id, weightNorm(new Linear(4, 3), 'weight', dim), G[id]));
  }
  it('weightNorm on a Conv2d', () =>
    check('weightNorm/conv', weightNorm(new Conv2d(2, 3, 3)), G['weightNorm/conv']));
  for (const mode of ['train', 'eval'] as const) {
    it(`spectralNorm, ${mode} mode`, () =>
      check(
        `spectralNorm/${mode}`,
        spectralNorm(new Linear(5, 4), 'weight', { nPowerIterations: 2 }),
        G[`spectralNorm/${mode}`],
        mode,
      ));
  }
  it('spectralNorm on a ConvTranspose2d (dim 1)', () =>
    check(
      'spectralNorm/convTranspose',
      spectralNorm(new ConvTranspose2d(3, 2, 2)),
      G['spectralNorm/convTranspose'],
    ));
});

describe('parametrizations, as PyTorch', () => {
  for (const [id, c] of Object.entries(G).filter(
    ([k]) => k.startsWith('orthogonal/') && !k.startsWith('orthogonal/init'),
  )) {
    it(id, () => {
      const m = orthogonal(new Linear(c.build.in, c.build.out), 'weight', {
        orthogonalMap: c.build.orthogonalMap as OrthogonalMap,
        useTrivialization: c.build.useTrivialization,
      });
      m.loadStateDict(stateMap(c.state));
      expectSpec(`${id} weight`, (m as unknown as { weight: Tensor }).weight, c.weight, 2e-5);
      check(id, m, c, 'train', 2e-5);
    });
  }
  for (const id of ['orthogonal/init/householder', 'orthogonal/init/matrix_exp']) {
    it(`${id}: the initial value is the Q of the weight's QR`, () => {
      const c = G[id];
      const m = new Linear(c.weight0.shape[1], c.weight0.shape[0]);
      m.weight.detach().copy_(fromSpec(c.weight0));
      orthogonal(
        m,
        'weight',
        id.endsWith('householder') ? { orthogonalMap: 'householder', useTrivialization: false } : {},
      );
      expectSpec(`${id} weight`, (m as unknown as { weight: Tensor }).weight, c.weight, 2e-5);
      expect([...m.stateDict().keys()]).toEqual(Object.keys(c.state));
      for (const [k, s] of Object.entries(c.state as Record<string, Spec>)) {
        if (k.startsWith('parametrizations.')) expectSpec(`${id} ${k}`, m.stateDict().get(k), s, 2e-5);
      }
    });
  }
  it('parametrizations.weightNorm', () =>
    check(
      'parametrizations.weightNorm',
      parametrizations.weightNorm(new Linear(4, 3)),
      G['parametrizations.weightNorm'],
    ));
  it('parametrizations.spectralNorm', () =>
    check(
      'parametrizations.spectralNorm',
      parametrizations.spectralNorm(new Linear(5, 4)),
      G['parametrizations.spectralNorm'],
    ));
});

describe('prune, as PyTorch', () => {
  it('L1 masks (fraction, iterative, count), forward/backward, remove', () => {
    const c = G['prune/l1'];
    const m = new Linear(5, 4);
    m.weight.detach().copy_(fromSpec(c.weight));
    (m.bias as Tensor).detach().copy_(fromSpec(c.bias));
    prune.l1Unstructured(m, 'weight', { amount: 0.3 });
    expectSpec('mask1', m._buffers.get('weight_mask'), c.mask1, 0);
    prune.l1Unstructured(m, 'weight', { amount: 0.5 });
    expectSpec('mask2', m._buffers.get('weight_mask'), c.mask2, 0);
    prune.l1Unstructured(m, 'bias', { amount: 2 });
    expectSpec('bias mask', m._buffers.get('bias_mask'), c.biasMask, 0);
    expect([...m.stateDict().keys()]).toEqual(c.keys);
    expect(prune.isPruned(m)).toBe(true);
    check('prune/l1', m, {
      ...c,
      state: Object.fromEntries(c.keys.map((k: string) => [k, c.stateAfter[k]])),
    });
    prune.remove(m, 'weight');
    expect([...m.stateDict().keys()]).toEqual(c.keysAfterRemove);
    expectSpec('weight after remove', m.weight, c.weightAfterRemove, 0);
  });
});

describe('fuseConvBnEval, functionalCall, clipGradNorm_, linalg, as PyTorch', () => {
  it('fuseConvBnEval', () => {
    const c = G.fuseConvBnEval;
    const conv = new Conv2d(3, 4, 3, { padding: 1, bias: false });
    const bn = new BatchNorm2d(4);
    conv.loadStateDict(stateMap(c.conv));
    bn.loadStateDict(stateMap(c.bn));
    conv.eval();
    bn.eval();
    const before = vals(conv.weight);
    const fused = fuseConvBnEval(conv, bn);
    for (const [k, s] of Object.entries(c.fused as Record<string, Spec>))
      expectSpec(`fused ${k}`, fused.stateDict().get(k), s);
    const x = fromSpec(c.input);
    expectSpec('fused output', fused.call(x), c.output);
    expectSpec('reference output', bn.call(conv.call(x)), c.reference, 1e-4);
    expect(vals(conv.weight)).toEqual(before);
    expect(conv.bias).toBeNull();
    expect(() => fuseConvBnEval(conv.train(), bn)).toThrow(/fuseConvBnEval: Fusion only for eval!/);
  });
  it('fuseConvBnEval with ConvTranspose2d (transpose)', () => {
    const c = G['fuseConvBnEval/transpose'];
    const conv = new ConvTranspose2d(3, 4, 2, { stride: 2 });
    const bn = new BatchNorm2d(4);
    conv.loadStateDict(stateMap(c.conv));
    bn.loadStateDict(stateMap(c.bn));
    const fused = fuseConvBnEval(conv.eval(), bn.eval(), true);
    expect(fused).toBeInstanceOf(ConvTranspose2d);
    for (const [k, s] of Object.entries(c.fused as Record<string, Spec>))
      expectSpec(`fused ${k}`, fused.stateDict().get(k), s);
    expectSpec('fused output', fused.call(fromSpec(c.input)), c.output);
  });
  it('functionalCall', () => {
    const c = G.functionalCall;
    const m = new Sequential(new Linear(3, 4), new Tanh(), new Linear(4, 2));
    m.loadStateDict(stateMap(c.state));
    const repl = new Map(
      Object.entries(c.replacements as Record<string, Spec>).map(([k, s]) => [k, fromSpec(s, true)]),
    );
    const x = fromSpec(c.input);
    const y = functionalCall<Tensor>(m, repl, x);
    expectSpec('output', y, c.output);
    y.sum().backward();
    for (const [k, s] of Object.entries(c.replacementGrads as Record<string, Spec>))
      expectSpec(`grad ${k}`, repl.get(k)?.grad, s);
    const first = (m as unknown as { 0: Linear })[0];
    expect(first.weight.grad).toBeNull();
    expect(first.bias?.grad).toBeNull();
    expectSpec('module unchanged', m.call(x) as Tensor, c.plainOutput);
  });
  it('clipGradNorm_ with normType 3', () => {
    const c = G['clipGradNorm/norm3'];
    const ps = (c.grads as Spec[]).map((s) => {
      const p = fromSpec(s, true);
      p.grad = fromSpec(s);
      return p;
    });
    const total = clipGradNorm_(ps, 2, { normType: 3 });
    expect(vals(total)[0]).toBeCloseTo(c.total, 5);
    ps.forEach((p, i) => {
      expectSpec(`grad ${i}`, p.grad, c.clipped[i]);
    });
  });
  it('matrixExp and householderProduct', () => {
    expectSpec('exp', matrixExp(fromSpec(G.matrixExp.a)), G.matrixExp.exp, 1e-5);
    const h = G.householderProduct;
    expectSpec('householder', householderProduct(fromSpec(h.a), fromSpec(h.tau)), h.q);
    expect(
      vals(
        matrixExp(
          tensor(
            [
              [0, 0],
              [0, 0],
            ],
            { dtype: 'float32' },
          ),
        ),
      ),
    ).toEqual([1, 0, 0, 1]);
  });
});
