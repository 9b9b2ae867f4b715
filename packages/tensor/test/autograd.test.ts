import { grad, gradcheck } from '@kindling/autograd';
import { cpuBackend } from '@kindling/kernels-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { noGrad, randn, registerBackend, type Tensor, tensor } from '../src/index.js';

beforeAll(() => registerBackend(cpuBackend));

const vals = (t: Tensor | null) => Array.from((t as Tensor).dataSync(), Number);

describe('backward', () => {
  it('accumulates into leaves and reduces broadcasts', () => {
    const a = tensor([[1, 2, 3]], { dtype: 'float32', requiresGrad: true });
    const b = tensor([[1], [2]], { dtype: 'float32', requiresGrad: true });
    a.mul(b).sum().backward();
    expect(vals(a.grad)).toEqual([3, 3, 3]);
    expect(vals(b.grad)).toEqual([6, 6]);
    a.mul(b).sum().backward();
    expect(vals(a.grad)).toEqual([6, 6, 6]);
  });

  it('refuses a non-scalar without a gradient, and a second backward through a freed graph', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = x.exp();
    expect(() => y.backward()).toThrow('grad can be implicitly created only for scalar outputs');
    const z = y.sum();
    z.backward();
    expect(() => z.backward()).toThrow('Trying to backward through the graph a second time');
  });

  it('retainGraph allows a second backward', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const z = x.exp().sum();
    z.backward(null, { retainGraph: true });
    z.backward();
    expect(vals(x.grad)).toEqual(vals(x.exp().mul(2)));
  });

  it('refuses a saved tensor modified in place (version counter)', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = x.exp();
    const z = y.mul(2).sum().add(y.sum());
    noGrad(() => y.add_(1));
    expect(() => z.backward()).toThrow(
      /modified by an inplace operation.*is at version 1; expected version 0/,
    );
  });

  it('refuses in-place ops on leaves that require grad', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    expect(() => x.add_(1)).toThrow(
      'a leaf Variable that requires grad is being used in an in-place operation.',
    );
    noGrad(() => x.add_(1));
    expect(vals(x)).toEqual([2, 3]);
  });

  it('in-place ops on non-leaves rebase the graph', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = x.mul(3);
    y.mul_(x);
    y.sum().backward();
    expect(vals(x.grad)).toEqual([6, 12]);
  });

  it('hooks and retainGrad', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = x.mul(2);
    y.retainGrad();
    const seen: number[][] = [];
    const h = x.registerHook((g) => {
      seen.push(vals(g as Tensor));
      return (g as Tensor).mul(10);
    });
    y.sum().backward();
    expect(vals(y.grad)).toEqual([1, 1]);
    expect(seen).toEqual([[2, 2]]);
    expect(vals(x.grad)).toEqual([20, 20]);
    h.remove();
  });

  it('norm with p = 0 counts nonzeros and passes a zero gradient, as PyTorch', () => {
    const x = tensor(
      [
        [0, 2, -3],
        [0, 0, 1],
      ],
      { dtype: 'float32', requiresGrad: true },
    );
    const n = x.norm(0, 1);
    expect(vals(n)).toEqual([2, 1]);
    n.sum().backward();
    expect(vals(x.grad).every((v) => v === 0)).toBe(true);
  });

  it('noGrad stops recording', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBe(null);
  });

  it('gradFn names follow PyTorch', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    expect(x.mul(2).gradFn?.name).toBe('MulBackward0');
  });
});

describe('grad()', () => {
  it('returns gradients without touching .grad, and supports higher order', () => {
    const x = tensor([0.5, 1.5], { dtype: 'float64', requiresGrad: true });
    const y = x.pow(3).sum();
    const [g] = grad(y, [x], { createGraph: true });
    expect(vals(g)).toEqual([0.75, 6.75]);
    expect(x.grad).toBe(null);
    const [g2] = grad((g as Tensor).sum(), [x]);
    expect(vals(g2)).toEqual([3, 9]);
  });

  it('gradcheck passes for a composite in float64', async () => {
    const a = randn([3, 4], { dtype: 'float64', requiresGrad: true });
    const b = randn([4, 2], { dtype: 'float64', requiresGrad: true });
    await expect(gradcheck((p, q) => p.matmul(q).tanh().softmax(1), [a, b])).resolves.toBe(true);
  });
});

describe('in-place on views', () => {
  it('rebases the base like PyTorch (CopySlices)', () => {
    const x = tensor(
      [
        [1, -2],
        [3, -4],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    const b = x.mul(2);
    b.select(1, 1).relu_();
    b.reshape([-1]).mul_(3);
    b.mul(
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'float64' },
      ),
    )
      .sum()
      .backward();
    // b = [[2*1*3, relu(-4)*3], [6*3, relu(-8)*3]] -> d/dx: col 0: 2*3*w, col 1: 0 (relu of negatives)
    expect(vals(b)).toEqual([6, 0, 18, 0]);
    expect(vals(x.grad)).toEqual([6, 0, 18, 0]);
  });

  it('refuses a view of a leaf that requires grad', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    expect(() => x.narrow(0, 0, 1).mul_(2)).toThrow(
      'a view of a leaf Variable that requires grad is being used in an in-place operation.',
    );
  });
});
