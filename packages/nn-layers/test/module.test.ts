import { scope, tensor, type Tensor, zeros } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Dropout, Linear, Module, Parameter, ReLU, Sequential } from '../src/index.js';
import { expectClose, useCpu, vals } from './helpers.js';

useCpu();

class Net extends Module {
  declare fc1: Linear;
  declare fc2: Linear;
  declare scale: Parameter;
  declare steps: Tensor;
  constructor() {
    super();
    this.fc1 = new Linear(3, 4);
    this.scale = new Parameter(tensor([2], { dtype: 'float32' }));
    this.registerBuffer('steps', tensor(0));
    this.fc2 = new Linear(4, 2);
  }
  override forward(x: Tensor): Tensor {
    return this.fc2.call(this.fc1.call(x).relu()).mul(this.scale);
  }
}

describe('registration by assignment', () => {
  it('registers parameters, buffers and children in PyTorch key order', () => {
    const net = new Net();
    expect([...net.stateDict().keys()]).toEqual([
      'scale',
      'steps',
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
    expect([...net.namedParameters()].map(([k]) => k)).toEqual([
      'scale',
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
    expect([...net.namedBuffers()].map(([k]) => k)).toEqual(['steps']);
    expect([...net.namedChildren()].map(([k]) => k)).toEqual(['fc1', 'fc2']);
    expect([...net.namedModules()].map(([k]) => k)).toEqual(['', 'fc1', 'fc2']);
    expect(net.fc1).toBeInstanceOf(Linear);
    expect(net.scale).toBeInstanceOf(Parameter);
    expect('fc1' in net).toBe(true);
    expect(Object.hasOwn(net, 'fc1')).toBe(false);
  });

  it('works with class fields and TypeScript field declarations', () => {
    class WithFields extends Module {
      act = new ReLU();
      w!: Parameter;
      constructor() {
        super();
        this.w = new Parameter(zeros(2));
      }
    }
    const m = new WithFields();
    expect([...m.namedChildren()].map(([k]) => k)).toEqual(['act']);
    expect([...m.namedParameters()].map(([k]) => k)).toEqual(['w']);
  });

  it('reassigning keeps the key position; null keeps the slot; delete removes it', () => {
    const net = new Net();
    const old = net.fc1;
    net.fc1 = new Linear(3, 4, { bias: false });
    expect(net.fc1).not.toBe(old);
    expect([...net.stateDict().keys()]).toEqual(['scale', 'steps', 'fc1.weight', 'fc2.weight', 'fc2.bias']);
    (net as unknown as { fc2: Linear | null }).fc2 = null;
    expect(net._modules.has('fc2')).toBe(true);
    expect([...net.children()].length).toBe(1);
    delete (net as unknown as { scale?: Parameter }).scale;
    expect(net._parameters.has('scale')).toBe(false);
  });

  it('follows __setattr__ rules for type changes and bad values', () => {
    const net = new Net();
    expect(() => {
      (net as unknown as { scale: unknown }).scale = tensor([1.5]);
    }).toThrow(
      /cannot assign 'torch.FloatTensor' as parameter 'scale' \(torch.nn.Parameter or None expected\)/,
    );
    expect(() => {
      (net as unknown as { fc1: unknown }).fc1 = 3;
    }).toThrow(/as child module 'fc1'/);
    expect(() => {
      (net as unknown as { steps: unknown }).steps = 'x';
    }).toThrow(/as buffer 'steps'/);
    // as in PyTorch, a registered parameter name only takes a Parameter or null
    expect(() => {
      (net as unknown as { scale: unknown }).scale = new ReLU();
    }).toThrow("cannot assign 'ReLU' as parameter 'scale'");
    // but a module name may take a Parameter (it moves to the parameters)
    (net as unknown as { fc2: unknown }).fc2 = new Parameter(zeros(1));
    expect(net._modules.has('fc2')).toBe(false);
    expect(net._parameters.has('fc2')).toBe(true);
  });

  it('validates registerParameter / registerBuffer / addModule names', () => {
    const m = new Module();
    expect(() => m.registerParameter('a.b', null)).toThrow('parameter name can\'t contain ".", got: a.b');
    expect(() => m.registerBuffer('', null)).toThrow('buffer name can\'t be empty string ""');
    expect(() => m.addModule('train', new ReLU())).toThrow("attribute 'train' already exists");
    expect(() => m.registerParameter('w', tensor([1]) as Parameter)).toThrow(
      /torch.nn.Parameter or None required/,
    );
    expect(() => m.addModule('x', {} as Module)).toThrow(/is not a Module subclass/);
    m.registerBuffer('b', tensor([1]), { persistent: false });
    expect([...m.namedBuffers()].map(([k]) => k)).toEqual(['b']);
    expect([...m.stateDict().keys()]).toEqual([]);
  });
});

describe('iteration', () => {
  it('deduplicates shared parameters and modules unless asked not to', () => {
    const shared = new Linear(2, 2);
    const seq = new Sequential(shared, new ReLU(), shared);
    expect([...seq.namedParameters()].map(([k]) => k)).toEqual(['0.weight', '0.bias']);
    expect([...seq.namedParameters({ removeDuplicate: false })].map(([k]) => k)).toEqual([
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
    ]);
    expect([...seq.namedModules()].map(([k]) => k)).toEqual(['', '0', '1']);
    expect([...seq.namedParameters('model')].map(([k]) => k)).toEqual(['model.0.weight', 'model.0.bias']);
    expect([...seq.parameters(false)]).toEqual([]);
    expect([...seq.stateDict().keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });

  it('getSubmodule / getParameter / getBuffer follow dotted paths', () => {
    const m = new Sequential(new Sequential(new Linear(2, 3), new BatchNorm1d(3)));
    expect(m.getSubmodule('0.1')).toBeInstanceOf(BatchNorm1d);
    expect(m.getSubmodule('')).toBe(m);
    expect(m.getParameter('0.0.weight').shape).toEqual([3, 2]);
    expect(m.getBuffer('0.1.running_mean').shape).toEqual([3]);
    expect(() => m.getSubmodule('0.7')).toThrow('Sequential has no attribute `7`');
    expect(() => m.getParameter('0.1.running_mean')).toThrow('`running_mean` is not an nn.Parameter');
  });

  it('apply visits children first, then the module', () => {
    const order: string[] = [];
    new Sequential(new Linear(1, 1), new ReLU()).apply((m) => order.push(m._getName()));
    expect(order).toEqual(['Linear', 'ReLU', 'Sequential']);
  });
});

describe('modes and bulk operations', () => {
  it('train/eval propagate and change Dropout', () => {
    const m = new Sequential(new Linear(4, 4), new Dropout({ p: 0.5 }));
    expect(m.training).toBe(true);
    m.eval();
    expect([...m.modules()].every((x) => !x.training)).toBe(true);
    const x = tensor([[1, 2, 3, 4]]);
    expect(vals(m.call(x) as Tensor)).toEqual(vals(m.call(x) as Tensor));
    expect(m.train()).toBe(m);
    expect(m.at(1).training).toBe(true);
    expect(() => m.train('yes' as unknown as boolean)).toThrow('training mode is expected to be boolean');
  });

  it('zeroGrad sets gradients to null (or zeros), requiresGrad_ toggles every parameter', () => {
    const m = new Linear(3, 2);
    (m.call(tensor([[1, 2, 3]])) as Tensor).sum().backward();
    expect(m.weight.grad).not.toBeNull();
    m.zeroGrad(false);
    expect(vals(m.weight.grad)).toEqual([0, 0, 0, 0, 0, 0]);
    m.zeroGrad();
    expect(m.weight.grad).toBeNull();
    expect(m.bias?.grad).toBeNull();
    m.requiresGrad_(false);
    expect([...m.parameters()].every((p) => !p.requiresGrad)).toBe(true);
  });

  it('to(dtype) keeps Parameter identity and requiresGrad; integer buffers stay integer', () => {
    const m = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
    const w = (m.at(0) as Linear).weight;
    const before = vals(w);
    (
      m.call(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ) as Tensor
    )
      .sum()
      .backward();
    expect(m.double()).toBe(m);
    expect((m.at(0) as Linear).weight).toBe(w);
    expect(w.dtype).toBe('float64');
    expect(w.requiresGrad).toBe(true);
    expect(w.grad?.dtype).toBe('float64');
    expectClose(vals(w), before);
    const sd = m.stateDict();
    expect(sd.get('1.running_mean')?.dtype).toBe('float64');
    expect(sd.get('1.num_batches_tracked')?.dtype).toBe('int32');
    const y = m.call(
      tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { dtype: 'float64' },
      ),
    ) as Tensor;
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    m.float();
    expect(w.dtype).toBe('float32');
    m.half();
    expect(w.dtype).toBe('float16');
    expect(() => m.to('int32')).toThrow(/only accepts floating point/);
    m.cpu();
  });
});

describe('memory scopes', () => {
  it('a module built or converted inside scope() keeps its parameters and buffers', () => {
    const m = scope(() => new Sequential(new Linear(2, 2), new BatchNorm1d(2)));
    scope(() => {
      m.double();
    });
    const y = m.call(
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'float64' },
      ),
    ) as Tensor;
    expect(y.shape).toEqual([2, 2]);
    expect(vals(m.stateDict().get('1.running_var')).length).toBe(2);
  });
});

describe('constructor shorthands', () => {
  it("accepts PyTorch's first keyword argument positionally", () => {
    expect(new Dropout(0.2).p).toBe(0.2);
    expect(new ReLU(true).inplace).toBe(true);
  });
});
