import { createCpuBackend } from '@kindling/kernels-cpu';
import {
  memoryStats,
  registerBackend,
  type Tensor,
  tensor,
  unregisterBackend,
  zeros,
} from '@kindling/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as optim from '../src/index.js';
import { useCpu, vals } from './helpers.js';

useCpu();

type Ctor = new (p: unknown, o?: unknown) => optim.Optimizer;
const ALL: [string, Record<string, unknown>][] = [
  ['SGD', { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 }],
  ['Adam', { amsgrad: true, weightDecay: 0.1 }],
  ['AdamW', { amsgrad: true, maximize: true }],
  ['RMSprop', { centered: true, momentum: 0.5, weightDecay: 0.1 }],
  ['Adagrad', { lrDecay: 0.1, weightDecay: 0.1 }],
  ['Adadelta', { weightDecay: 0.1 }],
  ['Adamax', { weightDecay: 0.1 }],
  ['NAdam', { weightDecay: 0.1 }],
  ['RAdam', { weightDecay: 0.1, decoupledWeightDecay: true }],
];
const make = (name: string, params: unknown, o: Record<string, unknown> = {}) =>
  new (optim as unknown as Record<string, Ctor>)[name](params, o);

/** Parameters with gradients from one backward pass. */
function withGrads(device: 'cpu' | 'webgpu' = 'cpu'): Tensor[] {
  const w = tensor(
    [
      [0.5, -0.25],
      [1, 2],
    ],
    { device, requiresGrad: true },
  );
  const b = tensor([0.1, -0.2], { device, requiresGrad: true });
  w.matmul(b.reshape([2, 1]))
    .tanh()
    .sum()
    .add(b.square().sum())
    .backward();
  return [w, b];
}

describe('updates run on a device without synchronous reads, reading nothing back', () => {
  let reads = 0;
  beforeAll(() => {
    const inner = createCpuBackend();
    const fake: Parameters<typeof registerBackend>[0] = {
      ...inner,
      device: 'webgpu',
      name: 'fake-webgpu',
      canReadSync: false,
      gcFreesBuffers: false,
      read: (v) => {
        reads++;
        return inner.read(v as never);
      },
      readSync: () => {
        throw new Error('readSync on the fake webgpu device');
      },
    };
    registerBackend(fake);
  });
  afterAll(() => unregisterBackend('webgpu'));

  for (const [name, o] of ALL) {
    it(name, async () => {
      const ref = withGrads('cpu');
      const ps = withGrads('webgpu');
      const a = make(name, ref, o);
      const b = make(name, ps, o);
      const sched = new optim.OneCycleLR(b, {
        maxLr: 0.05,
        totalSteps: 10,
        cycleMomentum: 'momentum' in b.defaults || 'betas' in b.defaults,
      });
      const schedRef = new optim.OneCycleLR(a, {
        maxLr: 0.05,
        totalSteps: 10,
        cycleMomentum: 'momentum' in a.defaults || 'betas' in a.defaults,
      });
      reads = 0;
      for (let i = 0; i < 4; i++) {
        b.step();
        sched.step();
        a.step();
        schedRef.step();
      }
      expect(reads).toBe(0);
      for (let i = 0; i < ps.length; i++) {
        const got = Array.from(await ps[i].data(), Number);
        vals(ref[i]).forEach((v, j) => {
          expect(got[j]).toBeCloseTo(v, 6);
        });
        for (const st of Object.values(b.state.get(ps[i]) ?? {})) {
          if (st && typeof st === 'object') expect(st.device).toBe('webgpu');
        }
      }
    });
  }
});

describe('Optimizer', () => {
  it('rejects bad params and options, naming the optimizer and the option', () => {
    const [w] = withGrads();
    expect(() => new optim.SGD(w as never, { lr: 0.1 })).toThrow(
      /SGD: params argument given to the optimizer should be an iterable of Tensors or dicts/,
    );
    expect(() => new optim.Adam([], {})).toThrow(/Adam: optimizer got an empty parameter list/);
    expect(() => new optim.SGD([w], { lr: -1 })).toThrow(/SGD: Invalid learning rate: -1 \(option lr\)/);
    expect(() => new optim.Adam([w], { betas: [1, 0.9] })).toThrow(
      /Adam: Invalid beta parameter at index 0: 1/,
    );
    expect(() => new optim.SGD([w], { lr: 0.1, nesterov: true })).toThrow(
      /Nesterov momentum requires a momentum and zero dampening/,
    );
    expect(() => new optim.SGD([w, 3] as never, { lr: 0.1 })).toThrow(
      /optimizer can only optimize Tensors, but one of the params is number/,
    );
    expect(() => new optim.SGD([w.mul(2)], { lr: 0.1 })).toThrow(/can't optimize a non-leaf Tensor/);
    expect(() => new optim.SGD([{ params: [w] }, { params: [w] }], { lr: 0.1 })).toThrow(
      /some parameters appear in more than one parameter group/,
    );
  });

  it('fills groups from the defaults; addParamGroup; PyTorch defaults', () => {
    const [w, b] = withGrads();
    const opt = new optim.SGD([{ params: [w] }], { lr: 0.5, momentum: 0.9 });
    opt.addParamGroup({ params: b, lr: 0.01 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.params.length])).toEqual([
      [0.5, 0.9, 1],
      [0.01, 0.9, 1],
    ]);
    expect(new optim.Adam([w]).defaults).toMatchObject({
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
    });
    expect(new optim.AdamW([w]).defaults.weightDecay).toBe(1e-2);
    expect(new optim.RMSprop([w]).defaults).toMatchObject({ lr: 1e-2, alpha: 0.99, eps: 1e-8 });
    expect(new optim.Adagrad([w]).defaults).toMatchObject({
      lr: 1e-2,
      eps: 1e-10,
      lrDecay: 0,
      initialAccumulatorValue: 0,
    });
    expect(new optim.Adadelta([w]).defaults).toMatchObject({ lr: 1, rho: 0.9, eps: 1e-6 });
    expect(new optim.Adamax([w]).defaults).toMatchObject({ lr: 2e-3 });
    expect(new optim.NAdam([w]).defaults).toMatchObject({ lr: 2e-3, momentumDecay: 4e-3 });
    expect(new optim.RAdam([w]).defaults).toMatchObject({ lr: 1e-3 });
  });

  it('skips parameters without a gradient and keeps no state for them', () => {
    const [w] = withGrads();
    const idle = zeros([3], { requiresGrad: true });
    const opt = new optim.Adam([w, idle], { lr: 0.1 });
    opt.step();
    expect(opt.state.has(idle)).toBe(false);
    expect(vals(idle)).toEqual([0, 0, 0]);
    expect(opt.state.get(w)?.step).toBe(1);
  });

  it('zeroGrad sets gradients to null, or to zeros with setToNone=false', () => {
    const [w, b] = withGrads();
    const opt = new optim.SGD([w, b], { lr: 0.1 });
    opt.zeroGrad(false);
    expect(vals(w.grad as Tensor)).toEqual([0, 0, 0, 0]);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  it('step(closure) evaluates the closure with grad enabled and returns its loss', () => {
    const w = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const opt = new optim.SGD([w], { lr: 0.5 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = w.square().sum();
      l.backward();
      return l;
    });
    expect(vals(loss as Tensor)).toEqual([5]);
    expect(vals(w)).toEqual([0, 0]);
  });

  it('a step leaves no live buffers behind but the state (temporaries are disposed)', () => {
    for (const [name, o] of ALL) {
      const ps = withGrads();
      const opt = make(name, ps, o);
      opt.step();
      const live = memoryStats('cpu').liveBuffers;
      for (let i = 0; i < 5; i++) opt.step();
      expect(memoryStats('cpu').liveBuffers, name).toBe(live);
    }
  });

  it('stateDict uses PyTorch keys; loadStateDict checks groups and converts snake_case option keys', () => {
    const [w, b] = withGrads();
    const opt = new optim.Adam([{ params: [w] }, { params: [b], lr: 0.1 }], { amsgrad: true });
    opt.step();
    const sd = opt.stateDict();
    expect(sd.paramGroups.map((g) => g.params)).toEqual([[0], [1]]);
    expect(Object.keys(sd.state[0]).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    expect(sd.state[0].step).toBe(1);
    const other = new optim.Adam([w, b]);
    expect(() => other.loadStateDict(sd)).toThrow(
      /Adam.loadStateDict: loaded state dict has a different number of parameter groups/,
    );
    const torchStyle = {
      state: {
        0: { step: tensor(3), exp_avg: zeros([2, 2], { dtype: 'float64' }), exp_avg_sq: zeros([2, 2]) },
      },
      param_groups: [
        {
          params: [0, 1],
          lr: 0.25,
          betas: [0.5, 0.9],
          eps: 1e-8,
          weight_decay: 0.5,
          amsgrad: false,
          maximize: false,
        },
      ],
    };
    other.loadStateDict(torchStyle);
    expect(other.paramGroups[0]).toMatchObject({ lr: 0.25, weightDecay: 0.5 });
    expect(other.paramGroups[0].params).toEqual([w, b]);
    const st = other.state.get(w) as optim.ParamState;
    expect(st.step).toBe(3);
    expect((st.exp_avg as Tensor).dtype).toBe('float32');
  });
});

describe('schedulers', () => {
  const opt = () => new optim.SGD([zeros([1], { requiresGrad: true })], { lr: 1, momentum: 0.9 });

  it('set initialLr, expose getLastLr and round-trip stateDict', () => {
    const o = opt();
    const s = new optim.StepLR(o, { stepSize: 2, gamma: 0.5 });
    expect(o.paramGroups[0].initialLr).toBe(1);
    const lrs: number[] = [];
    for (let i = 0; i < 5; i++) {
      o.step();
      s.step();
      lrs.push(s.getLastLr()[0]);
    }
    expect(lrs).toEqual([1, 0.5, 0.5, 0.25, 0.25]);
    const sd = s.stateDict();
    expect(sd).toMatchObject({ stepSize: 2, gamma: 0.5, lastEpoch: 5, baseLrs: [1] });
    const o2 = opt();
    const s2 = new optim.StepLR(o2, { stepSize: 2, gamma: 0.5 });
    s2.loadStateDict(sd);
    expect(s2.lastEpoch).toBe(5);
  });

  it('reject bad arguments with the scheduler and option named', () => {
    expect(() => new optim.StepLR(opt(), { stepSize: 0 })).toThrow(
      /StepLR: stepSize must be a positive integer/,
    );
    expect(() => new optim.LinearLR(opt(), { startFactor: 2 })).toThrow(/LinearLR: startFactor/);
    expect(() => new optim.OneCycleLR(opt(), { maxLr: 1 })).toThrow(
      /OneCycleLR: You must define either totalSteps/,
    );
    expect(() => new optim.ReduceLROnPlateau(opt(), { factor: 1 })).toThrow(
      /ReduceLROnPlateau: Factor should be < 1.0/,
    );
    expect(() => new optim.StepLR(opt(), { stepSize: 1, lastEpoch: 3 })).toThrow(
      /param 'initialLr' is not specified/,
    );
    const o = opt();
    const a = new optim.LinearLR(o);
    expect(() => new optim.SequentialLR(o, { schedulers: [a], milestones: [1] })).toThrow(
      /SequentialLR: expects number of schedulers/,
    );
    const s = new optim.OneCycleLR(opt(), { maxLr: 1, totalSteps: 2 });
    s.step();
    s.step();
    expect(() => s.step()).toThrow(
      /OneCycleLR: Tried to step 4 times. The specified number of total steps is 2/,
    );
  });

  it('ReduceLROnPlateau takes a one-element cpu tensor as the metric', () => {
    const o = opt();
    const s = new optim.ReduceLROnPlateau(o, { patience: 0 });
    s.step(tensor(1));
    s.step(tensor([2]));
    expect(s.getLastLr()).toEqual([0.1]);
  });
});

describe('with nn-layers modules', () => {
  it('trains a Linear regression with Adam + CosineAnnealingLR; state follows the Parameters', async () => {
    const { Linear } = await import('@kindling/nn-layers');
    const { manualSeed, randn } = await import('@kindling/tensor');
    manualSeed(0);
    const model = new Linear(3, 1);
    const x = randn([32, 3]);
    const y = x.matmul(tensor([[1.5], [-2], [0.5]], { dtype: 'float32' })).add(0.3);
    const opt = new optim.Adam(model.parameters(), { lr: 0.1 });
    const sched = new optim.CosineAnnealingLR(opt, { TMax: 200, etaMin: 0.001 });
    let first = 0;
    let last = 0;
    for (let i = 0; i < 200; i++) {
      opt.zeroGrad();
      const loss = model.call(x).sub(y).square().mean();
      loss.backward();
      opt.step();
      sched.step();
      last = vals(loss)[0];
      if (i === 0) first = last;
    }
    expect(last).toBeLessThan(first * 1e-3);
    expect(opt.state.has(model.weight)).toBe(true);
    expect(vals(model.bias as Tensor)[0]).toBeCloseTo(0.3, 2);
  });
});
