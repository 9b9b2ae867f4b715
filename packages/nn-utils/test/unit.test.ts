import { BatchNorm1d, Linear, Module, Parameter } from '@kindling/nn-layers';
import { manualSeed, randn, type Tensor, tensor, zeros } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import {
  cached,
  clipGradNorm_,
  clipGradNormAsync_,
  clipGradValue_,
  functionalCall,
  fuseLinearBnEval,
  isParametrized,
  orthogonal,
  parametersToVector,
  prune,
  registerParametrization,
  removeParametrizations,
  removeSpectralNorm,
  removeWeightNorm,
  spectralNorm,
  vectorToParameters,
  weightNorm,
} from '../src/index.js';
import { useCpu, vals } from './helpers.js';

useCpu();

const close = (a: number[], b: number[], tol = 1e-5) => {
  a.forEach((v, i) => {
    expect(Math.abs(v - b[i])).toBeLessThan(tol);
  });
};
const attr = (m: Module, k: string) => (m as unknown as Record<string, Tensor>)[k];

function withGrad(values: number[][], grads: (number[] | null)[]): Tensor[] {
  return values.map((v, i) => {
    const p = tensor(v, { dtype: 'float32', requiresGrad: true });
    const g = grads[i];
    if (g) p.grad = tensor(g, { dtype: 'float32' });
    return p;
  });
}

describe('clipGradNorm_ / clipGradValue_', () => {
  it('takes one tensor or an iterable, skips null grads, returns 0 without grads', () => {
    const [a, b] = withGrad([[1, 2], [3]], [[3, 4], null]);
    const total = clipGradNorm_(a, 1);
    close(vals(total), [5]);
    close(vals(a.grad as Tensor), [0.6, 0.8]);
    expect(b.grad).toBeNull();
    expect(vals(clipGradNorm_([b], 1))).toEqual([0]);
    clipGradValue_(new Set([a, b]), 0.7);
    close(vals(a.grad as Tensor), [0.6, 0.7]);
  });

  it('errorIfNonfinite throws (sync and async), naming the function; otherwise scales by the non-finite norm', async () => {
    const [a] = withGrad([[1, 2]], [[Number.POSITIVE_INFINITY, 1]]);
    expect(() => clipGradNorm_([a], 1, { errorIfNonfinite: true })).toThrow(
      /clipGradNorm_: The total norm of order 2 for gradients from `parameters` is non-finite/,
    );
    await expect(clipGradNormAsync_([a], 1, { errorIfNonfinite: true })).rejects.toThrow(
      /clipGradNormAsync_: The total norm of order 2/,
    );
    const total = clipGradNorm_([a], 1);
    expect(vals(total)).toEqual([Number.POSITIVE_INFINITY]);
    const [c] = withGrad([[1]], [[-3]]);
    close(vals(await clipGradNormAsync_([c], 1, { normType: Number.POSITIVE_INFINITY })), [3]);
  });

  it('rejects bad arguments', () => {
    expect(() => clipGradNorm_(3 as never, 1)).toThrow(
      /clipGradNorm_: parameters must be a Tensor or an iterable of Tensors/,
    );
    expect(() => clipGradNorm_([], 'x' as never)).toThrow(/clipGradNorm_: maxNorm must be a number/);
    expect(() => clipGradValue_([], Number.NaN)).toThrow(/clipGradValue_: clipValue must be a number/);
  });
});

describe('parametersToVector / vectorToParameters', () => {
  it('round-trips and is differentiable', () => {
    const m = new Linear(3, 2);
    const v = parametersToVector(m.parameters());
    expect(v.shape).toEqual([8]);
    v.mul(2).sum().backward();
    close(vals(m.weight.grad as Tensor), [2, 2, 2, 2, 2, 2]);
    vectorToParameters(tensor([1, 2, 3, 4, 5, 6, 7, 8], { dtype: 'float32' }), m.parameters());
    expect(vals(m.weight)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(vals(m.bias as Tensor)).toEqual([7, 8]);
    expect(() => vectorToParameters([1] as never, m.parameters())).toThrow(
      /vectorToParameters: expected vec to be a Tensor/,
    );
    expect(() => vectorToParameters(zeros([3]), m.parameters())).toThrow(
      /vectorToParameters: vec has 3 elements, the parameters 8/,
    );
  });
});

describe('weightNorm / spectralNorm hooks', () => {
  it('weightNorm recomputes the weight on call, and removeWeightNorm restores a plain parameter', () => {
    const m = weightNorm(new Linear(3, 2));
    expect([...m.stateDict().keys()]).toEqual(['bias', 'weight_g', 'weight_v']);
    const w0 = vals(attr(m, 'weight'));
    attr(m, 'weight_g').detach().mul_(2);
    m.call(zeros([1, 3]));
    close(
      vals(attr(m, 'weight')),
      w0.map((x) => 2 * x),
    );
    expect(() => weightNorm(m)).toThrow(/Cannot register two weight_norm hooks on the same parameter weight/);
    removeWeightNorm(m);
    expect([...m.stateDict().keys()]).toEqual(['bias', 'weight']);
    expect(m.weight).toBeInstanceOf(Parameter);
    close(
      vals(m.weight),
      w0.map((x) => 2 * x),
    );
    expect(m._forwardPreHooks.size).toBe(0);
    expect(() => removeWeightNorm(m)).toThrow(
      /removeWeightNorm: weight_norm of 'weight' not found in Linear/,
    );
  });

  it('spectralNorm brings the largest singular value to ~1 after a few training calls', () => {
    manualSeed(3);
    const m = spectralNorm(new Linear(6, 4), 'weight', { nPowerIterations: 5 });
    for (let i = 0; i < 5; i++) m.call(randn([2, 6]));
    const w = attr(m, 'weight');
    // ‖W v‖ for the top right singular vector estimate is σ(W)/σ = 1
    const v = m._buffers.get('weight_v') as Tensor;
    close(vals(w.mv(v).norm()), [1], 1e-3);
    removeSpectralNorm(m);
    expect([...m.stateDict().keys()]).toEqual(['bias', 'weight']);
    expect(() => spectralNorm(m, 'weight', { nPowerIterations: 0 })).toThrow(
      /spectralNorm: Expected nPowerIterations to be positive/,
    );
  });
});

class Symmetric extends Module {
  override forward(x: Tensor): Tensor {
    return x.triu().add(x.triu(1).transpose(0, 1));
  }
  rightInverse(a: Tensor): Tensor {
    return a.triu();
  }
}

class Scale extends Module {
  calls = 0;
  override forward(x: Tensor): Tensor {
    this.calls++;
    return x.mul(2);
  }
}

describe('parametrize', () => {
  it('registers, chains, assigns through rightInverse, caches and removes', () => {
    const m = new Linear(3, 3);
    registerParametrization(m, 'weight', new Symmetric());
    expect(isParametrized(m)).toBe(true);
    expect(isParametrized(m, 'bias')).toBe(false);
    expect(m._getName()).toBe('ParametrizedLinear');
    expect([...m.stateDict().keys()]).toEqual(['bias', 'parametrizations.weight.original']);
    const w = vals(m.weight);
    expect(w[1]).toBe(w[3]);
    // assignment goes through rightInverse
    (m as unknown as { weight: Tensor }).weight = tensor(
      [
        [1, 2, 3],
        [2, 4, 5],
        [3, 5, 6],
      ],
      { dtype: 'float32' },
    );
    expect(vals(m.weight)).toEqual([1, 2, 3, 2, 4, 5, 3, 5, 6]);
    const scale = new Scale();
    registerParametrization(m, 'weight', scale);
    expect(vals(m.weight)).toEqual([2, 4, 6, 4, 8, 10, 6, 10, 12]);
    scale.calls = 0;
    cached(() => {
      m.call(zeros([2, 3]));
      m.call(zeros([2, 3]));
    });
    expect(scale.calls).toBe(1);
    // gradients reach the original
    m.call(tensor([[1, 0, 0]], { dtype: 'float32' }))
      .sum()
      .backward();
    const orig = [...m.namedParameters()].find(([k]) => k === 'parametrizations.weight.original')?.[1];
    expect(orig?.grad).not.toBeNull();
    removeParametrizations(m, 'weight');
    expect(isParametrized(m)).toBe(false);
    expect(m._getName()).toBe('Linear');
    expect([...m.stateDict().keys()]).toEqual(['bias', 'weight']);
    expect(vals(m.weight)).toEqual([2, 4, 6, 4, 8, 10, 6, 10, 12]);
  });

  it('removeParametrizations(leaveParametrized=false) restores the original; errors name the function', () => {
    const m = new Linear(2, 2);
    registerParametrization(m, 'weight', new Scale());
    const orig = vals(m.stateDict().get('parametrizations.weight.original') as Tensor);
    removeParametrizations(m, 'weight', false);
    expect(vals(m.weight)).toEqual(orig);
    expect(() => removeParametrizations(m, 'weight')).toThrow(
      /removeParametrizations: Module Linear does not have a parametrization on weight/,
    );
    expect(() => registerParametrization(m, 'nope', new Scale())).toThrow(
      /registerParametrization: Module 'Linear' does not have a parameter, a buffer, or a parametrized element with name 'nope'/,
    );
    class Shrink extends Module {
      override forward(x: Tensor): Tensor {
        return x.narrow(0, 0, 1);
      }
    }
    expect(() => registerParametrization(new Linear(2, 2), 'weight', new Shrink())).toThrow(
      /may not change the shape of the tensor, unless the unsafe flag is enabled/,
    );
  });

  it('orthogonal keeps the weight orthogonal while its original trains', () => {
    manualSeed(1);
    const m = orthogonal(new Linear(3, 5), 'weight', { orthogonalMap: 'matrix_exp' });
    const q = m.weight;
    close(vals(q.t().matmul(q)), [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-5);
    const orig = (m as unknown as { parametrizations: { get(k: string): Module } }).parametrizations
      .get('weight')
      ._parameters.get('original') as Tensor;
    orig.detach().add_(randn(orig.shape as number[]).mul(0.5));
    const q2 = m.weight;
    close(vals(q2.t().matmul(q2)), [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-5);
    expect(() => orthogonal(new Linear(3, 3), 'bias')).toThrow(
      /orthogonal: Expected a matrix or batch of matrices. Got a tensor of 1 dimensions/,
    );
    expect(() => orthogonal(new Linear(3, 3), 'weight', { orthogonalMap: 'qr' as never })).toThrow(
      /orthogonalMap has to be one of/,
    );
  });
});

describe('prune', () => {
  it('randomUnstructured prunes exactly the requested count; amounts follow PyTorch (round half to even)', () => {
    manualSeed(0);
    const m = new Linear(5, 2);
    prune.randomUnstructured(m, 'weight', { amount: 0.25 }); // round(2.5) = 2
    expect(vals(m._buffers.get('weight_mask') as Tensor).filter((v) => v === 0).length).toBe(2);
    prune.randomUnstructured(m, 'weight', { amount: 3 });
    expect(vals(m._buffers.get('weight_mask') as Tensor).filter((v) => v === 0).length).toBe(5);
    const w = vals(attr(m, 'weight'));
    expect(w.filter((v) => v === 0).length).toBeGreaterThanOrEqual(5);
    expect(() => prune.l1Unstructured(m, 'weight', { amount: 6 })).toThrow(
      /l1Unstructured: amount=6 should be smaller than the number of parameters to prune=5/,
    );
    expect(() => prune.l1Unstructured(m, 'bias', { amount: -1 })).toThrow(
      /amount=-1 should either be a float in the range \[0, 1\] or a non-negative integer/,
    );
    expect(() => prune.remove(m, 'bias')).toThrow(
      /remove: Parameter 'bias' of module Linear has to be pruned before pruning can be removed/,
    );
    expect(() => prune.l1Unstructured(m, 'nope', { amount: 1 })).toThrow(
      /l1Unstructured: Linear has no parameter or buffer named 'nope'/,
    );
  });
});

describe('functionalCall', () => {
  it('substitutes, restores, handles tied weights and kwargs, and checks names', () => {
    class Tied extends Module {
      declare a: Linear;
      declare b: Linear;
      constructor() {
        super();
        this.a = new Linear(2, 2, { bias: false });
        this.b = new Linear(2, 2, { bias: false });
        this.b.weight = this.a.weight;
      }
      override forward(x: Tensor, o: { scale?: number } = {}): Tensor {
        return this.b.call(this.a.call(x)).mul(o.scale ?? 1);
      }
    }
    const m = new Tied();
    const eye = tensor(
      [
        [1, 0],
        [0, 1],
      ],
      { dtype: 'float32' },
    );
    const x = tensor([[1, 2]], { dtype: 'float32' });
    expect(vals(functionalCall<Tensor>(m, { 'a.weight': eye }, [x], { scale: 3 }))).toEqual([3, 6]);
    expect(vals(m.call(x))).not.toEqual([1, 2]);
    expect(m.a.weight).toBe(m.b.weight);
    expect(() => functionalCall(m, { 'c.weight': eye }, x)).toThrow(
      /functionalCall: Tied has no parameter or buffer named 'c.weight'/,
    );
    expect(() => functionalCall(m, {}, x, null, { strict: true })).toThrow(
      /functionalCall: strict: missing key\(s\) in parametersAndBuffers: 'a.weight', 'b.weight'/,
    );
  });
});

describe('fuseLinearBnEval', () => {
  it('matches linear then batch norm in eval mode', () => {
    manualSeed(2);
    const fc = new Linear(4, 3);
    const bn = new BatchNorm1d(3);
    bn.train();
    bn.call(fc.call(randn([8, 4])));
    fc.eval();
    bn.eval();
    const x = randn([5, 4]);
    const fused = fuseLinearBnEval(fc, bn);
    close(vals(fused.call(x)), vals(bn.call(fc.call(x))), 1e-5);
  });
});
