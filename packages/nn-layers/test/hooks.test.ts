import { type Tensor, tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import { Linear, Module, ReLU, Sequential } from '../src/index.js';
import { expectClose, useCpu, vals } from './helpers.js';

useCpu();

class MulAdd extends Module {
  override forward(a: Tensor, b: Tensor): Tensor {
    return a.mul(b).add(a);
  }
}

const inputs = () => [
  tensor([1, 2], { dtype: 'float32', requiresGrad: true }),
  tensor([3, 4], { dtype: 'float32', requiresGrad: true }),
];

describe('forward hooks', () => {
  it('pre-hooks may replace the arguments, forward hooks the output; handles remove them', () => {
    const m = new ReLU();
    const calls: string[] = [];
    const h1 = m.registerForwardPreHook((_mod, args) => {
      calls.push('pre');
      return (args[0] as Tensor).sub(1);
    });
    const h2 = m.registerForwardHook((_mod, args, out) => {
      calls.push('post');
      expect(vals(args[0] as Tensor)).toEqual([0, 1, -3]);
      return (out as Tensor).mul(10);
    });
    const x = tensor([1, 2, -2], { dtype: 'float32' });
    expect(vals(m.call(x))).toEqual([0, 10, 0]);
    expect(calls).toEqual(['pre', 'post']);
    // forward() is the bare computation
    expect(vals(m.forward(x))).toEqual([1, 2, 0]);
    h1.remove();
    h2.remove();
    h2.remove();
    expect(vals(m.call(x))).toEqual([1, 2, 0]);
  });

  it('runs hooks in registration order, prepend puts one first', () => {
    const m = new ReLU();
    const order: number[] = [];
    m.registerForwardHook(() => void order.push(1));
    m.registerForwardHook(() => void order.push(2));
    m.registerForwardHook(() => void order.push(0), { prepend: true });
    m.call(tensor([1.5]));
    expect(order).toEqual([0, 1, 2]);
  });

  it('hooks of children run when the parent calls them', () => {
    const fc = new Linear(2, 2);
    const seen: number[][] = [];
    fc.registerForwardHook((_m, _a, out) => void seen.push([...(out as Tensor).shape]));
    new Sequential(fc, new ReLU()).call(
      tensor(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        { dtype: 'float32' },
      ),
    );
    expect(seen).toEqual([[3, 2]]);
  });

  it('alwaysCall hooks run when forward throws', () => {
    const m = new Linear(2, 2);
    let called = 0;
    m.registerForwardHook(() => void called++, { alwaysCall: true });
    expect(() => m.call(tensor([1.5, 2.5, 3.5]))).toThrow(/expected input of shape \[\*, 2\], got \[3\]/);
    expect(called).toBe(1);
  });
});

describe('full backward hooks', () => {
  it('see gradInput and gradOutput and may replace gradInput', () => {
    const m = new MulAdd();
    let seen: { gi: number[][]; go: number[][] } | null = null;
    m.registerFullBackwardHook((_mod, gradInput, gradOutput) => {
      seen = { gi: gradInput.map((g) => vals(g)), go: gradOutput.map((g) => vals(g)) };
      return gradInput.map((g) => (g as Tensor).mul(2));
    });
    const [a, b] = inputs();
    const out = m.call(a, b);
    expect(vals(out)).toEqual([4, 10]);
    out
      .mul(tensor([1, 2], { dtype: 'float32' }))
      .sum()
      .backward();
    expect(seen).toEqual({
      gi: [
        [4, 10],
        [1, 4],
      ],
      go: [[1, 2]],
    });
    expect(vals(a.grad)).toEqual([8, 20]);
    expect(vals(b.grad)).toEqual([2, 8]);
  });

  it('backward pre-hooks may replace gradOutput', () => {
    const m = new MulAdd();
    m.registerFullBackwardPreHook((_mod, gradOutput) => gradOutput.map((g) => (g as Tensor).mul(10)));
    const [a, b] = inputs();
    m.call(a, b).sum().backward();
    expect(vals(a.grad)).toEqual([40, 50]);
    expect(vals(b.grad)).toEqual([10, 20]);
  });

  it('reports null for inputs that do not require grad', () => {
    const m = new Linear(2, 1);
    let gi: (Tensor | null)[] = [];
    let go: (Tensor | null)[] = [];
    m.registerFullBackwardHook((_mod, gradInput, gradOutput) => {
      gi = gradInput;
      go = gradOutput;
    });
    m.call(tensor([[1, 2]], { dtype: 'float32' }))
      .sum()
      .backward();
    expect(gi).toEqual([null]);
    expectClose(go[0], [1]);
    expect(m.weight.grad).not.toBeNull();
  });

  it('handles a module used inside a larger graph and removal', () => {
    const fc = new Linear(2, 2);
    const net = new Sequential(fc, new ReLU());
    const grads: number[][] = [];
    const h = fc.registerFullBackwardHook((_m, gi) => void grads.push(vals(gi[0])));
    const x = tensor([[1, -1]], { dtype: 'float32', requiresGrad: true });
    (net.call(x) as Tensor).sum().backward();
    expect(grads.length).toBe(1);
    expectClose(grads[0], vals(x.grad));
    h.remove();
    (net.call(x) as Tensor).sum().backward();
    expect(grads.length).toBe(1);
  });
});
