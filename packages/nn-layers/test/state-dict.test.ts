import { type Tensor, tensor, zeros } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, LazyLinear, Linear, Module, Parameter, Sequential } from '../src/index.js';
import { useCpu, vals } from './helpers.js';

useCpu();

const snapshot = (m: Module) => [...m.stateDict()].map(([k, t]) => [k, vals(t)]);

describe('stateDict', () => {
  it('has PyTorch keys, detached values sharing storage, int32 num_batches_tracked', () => {
    const m = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
    const sd = m.stateDict();
    expect([...sd.keys()]).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '1.running_mean',
      '1.running_var',
      '1.num_batches_tracked',
    ]);
    expect(sd.get('1.num_batches_tracked')?.dtype).toBe('int32');
    expect(sd.get('1.num_batches_tracked')?.shape).toEqual([]);
    expect(sd.get('0.weight')?.requiresGrad).toBe(false);
    expect(sd.get('0.weight')?._storage).toBe((m.at(0) as Linear).weight._storage);
    expect(m.stateDict({ keepVars: true }).get('0.weight')).toBe((m.at(0) as Linear).weight);
    expect([...m.stateDict({ prefix: 'model.' }).keys()][0]).toBe('model.0.weight');
  });
});

describe('loadStateDict', () => {
  it('copies values (dtype-converted) into the existing tensors', () => {
    const m = new Linear(2, 2);
    const w = m.weight;
    const res = m.loadStateDict({
      weight: tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'float64' },
      ),
      bias: tensor([5, 6]),
    });
    expect(res).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(m.weight).toBe(w);
    expect(w.dtype).toBe('float32');
    expect(vals(w)).toEqual([1, 2, 3, 4]);
    expect(vals(m.bias)).toEqual([5, 6]);
    expect(w.requiresGrad).toBe(true);
  });

  it("throws PyTorch's message listing every problem and changes nothing", () => {
    const m = new Linear(4, 3);
    const before = snapshot(m);
    let msg = '';
    try {
      m.loadStateDict(
        new Map([
          ['weight', zeros(4, 3)],
          ['extra', zeros(1)],
          ['extra2.x', zeros(1)],
        ]),
      );
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toBe(
      'Error(s) in loading state_dict for Linear:\n' +
        '\tMissing key(s) in state_dict: "bias". \n' +
        '\tUnexpected key(s) in state_dict: "extra", "extra2.x". \n' +
        '\tsize mismatch for weight: copying a param with shape [4, 3] from checkpoint, the shape in current model is [3, 4].',
    );
    expect(snapshot(m)).toEqual(before);
  });

  it('non-strict returns the missing and unexpected keys and loads the rest', () => {
    const m = new Sequential(new Linear(2, 1), new Linear(1, 1));
    const res = m.loadStateDict(
      { '0.weight': tensor([[7, 8]]), '1.zzz': zeros(1), '1.bias': tensor([3]) },
      { strict: false },
    );
    expect(res).toEqual({ missingKeys: ['0.bias', '1.weight'], unexpectedKeys: ['1.zzz'] });
    expect(vals((m.at(0) as Linear).weight)).toEqual([7, 8]);
    expect(vals((m.at(1) as Linear).bias)).toEqual([3]);
    // a wrong shape throws even when not strict
    expect(() => m.loadStateDict({ '0.weight': zeros(3) }, { strict: false })).toThrow(
      /size mismatch for 0.weight/,
    );
  });

  it('round-trips through stateDict, skips non-persistent buffers, accepts old BatchNorm checkpoints', () => {
    const a = new BatchNorm1d(3);
    a.call(
      tensor(
        [
          [1, 2, 3],
          [4, 5, 7],
        ],
        { dtype: 'float32' },
      ),
    );
    const b = new BatchNorm1d(3);
    b.loadStateDict(a.stateDict());
    expect(snapshot(b)).toEqual(snapshot(a));
    const old = new Map(a.stateDict());
    old.delete('num_batches_tracked');
    expect(new BatchNorm1d(3).loadStateDict(old).missingKeys).toEqual([]);

    class WithCache extends Module {
      declare cache: Tensor;
      constructor() {
        super();
        this.registerBuffer('cache', zeros(2), { persistent: false });
      }
    }
    const c = new WithCache();
    expect([...c.stateDict().keys()]).toEqual([]);
    expect(() => c.loadStateDict({ cache: zeros(2) })).toThrow('Unexpected key(s) in state_dict: "cache".');
  });

  it('assign: true uses the given tensors', () => {
    const m = new Linear(2, 1);
    const w = tensor([[1, 2]], { dtype: 'float32' });
    m.loadStateDict({ weight: w, bias: tensor([0.5]) }, { assign: true });
    expect(m.weight._storage).toBe(w._storage);
    expect(m.weight).toBeInstanceOf(Parameter);
    expect(m.weight.requiresGrad).toBe(true);
  });

  it('materialises lazy parameters from the checkpoint', () => {
    const m = new LazyLinear(2);
    m.loadStateDict({
      weight: tensor(
        [
          [1, 0, 0],
          [0, 1, 0],
        ],
        { dtype: 'float32' },
      ),
      bias: tensor([1, 2], { dtype: 'float32' }),
    });
    expect(m.weight.shape).toEqual([2, 3]);
    expect(vals(m.call(tensor([[5, 6, 7]], { dtype: 'float32' })))).toEqual([6, 8]);
    expect(m).toBeInstanceOf(Linear);
    expect(m.toString()).toBe('Linear(in_features=3, out_features=2, bias=True)');
  });
});
