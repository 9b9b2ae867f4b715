import { ones, type Tensor, tensor, zeros } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import {
  Identity,
  Linear,
  type Module,
  ModuleDict,
  ModuleList,
  Parameter,
  ParameterDict,
  ParameterList,
  ReLU,
  Sequential,
  Tanh,
} from '../src/index.js';
import { useCpu, vals } from './helpers.js';

useCpu();

const names = (m: Module) => [...m.namedChildren()].map(([k, c]) => `${k}:${c._getName()}`);

describe('Sequential', () => {
  it('chains its children and supports indexing', () => {
    const s = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    expect(s.length).toBe(3);
    expect(s.at(-1)).toBe(s.at(2));
    expect(s.get(1)).toBeInstanceOf(ReLU);
    expect(() => s.at(3)).toThrow('index 3 is out of range');
    expect((s.call(tensor([[1, 2]], { dtype: 'float32' })) as Tensor).shape).toEqual([1, 1]);
    expect([...s].length).toBe(3);
  });

  it('takes named children from a Map or object and keeps names when slicing', () => {
    const s = new Sequential(
      new Map<string, Module>([
        ['fc', new Linear(2, 2)],
        ['act', new Tanh()],
        ['out', new Linear(2, 1)],
      ]),
    );
    expect(names(s)).toEqual(['fc:Linear', 'act:Tanh', 'out:Linear']);
    expect([...s.stateDict().keys()]).toEqual(['fc.weight', 'fc.bias', 'out.weight', 'out.bias']);
    expect(names(s.slice(1))).toEqual(['act:Tanh', 'out:Linear']);
    expect(names(new Sequential({ a: new ReLU(), b: new Identity() }))).toEqual(['a:ReLU', 'b:Identity']);
  });

  it('append / insert / extend / set / delete / pop', () => {
    const s = new Sequential(new ReLU());
    s.append(new Tanh()).extend([new Identity()]);
    expect(names(s)).toEqual(['0:ReLU', '1:Tanh', '2:Identity']);
    s.insert(1, new Linear(1, 1));
    expect(names(s)).toEqual(['0:ReLU', '1:Linear', '2:Tanh', '3:Identity']);
    s.insert(-1, new ReLU());
    expect(names(s)).toEqual(['0:ReLU', '1:Linear', '2:Tanh', '3:ReLU', '4:Identity']);
    s.delete(0);
    expect(names(s)).toEqual(['0:Linear', '1:Tanh', '2:ReLU', '3:Identity']);
    s.set(-1, new Tanh());
    expect(names(s)).toEqual(['0:Linear', '1:Tanh', '2:ReLU', '3:Tanh']);
    expect(s.pop()).toBeInstanceOf(Tanh);
    expect(s.length).toBe(3);
    expect(() => s.insert(9, new ReLU())).toThrow('Index out of range: 9');
  });
});

describe('ModuleList', () => {
  it('registers as 0, 1, ... and edits like a list', () => {
    const l = new ModuleList([new Linear(1, 1), new ReLU()]);
    expect([...l.stateDict().keys()]).toEqual(['0.weight', '0.bias']);
    l.append(new Tanh());
    l.insert(0, new Identity());
    expect(names(l)).toEqual(['0:Identity', '1:Linear', '2:ReLU', '3:Tanh']);
    l.delete(1);
    expect(names(l)).toEqual(['0:Identity', '1:ReLU', '2:Tanh']);
    expect(names(l.slice(1, 3))).toEqual(['0:ReLU', '1:Tanh']);
    expect(l.at(-1)).toBeInstanceOf(Tanh);
    l.set(0, new Linear(2, 2));
    expect([...l.stateDict().keys()]).toEqual(['0.weight', '0.bias']);
    expect(() => l.forward()).toThrow('Module [ModuleList] is missing the required "forward" function');
    const nested = new ModuleList([new ModuleList([new Linear(2, 2)])]);
    expect([...nested.stateDict().keys()]).toEqual(['0.0.weight', '0.0.bias']);
  });
});

describe('ModuleDict', () => {
  it('keeps insertion order and behaves like a map', () => {
    const d = new ModuleDict({ fc: new Linear(3, 4), act: new ReLU() });
    d.set('out', new Linear(4, 2));
    expect(d.keys()).toEqual(['fc', 'act', 'out']);
    expect([...d]).toEqual(['fc', 'act', 'out']);
    expect(d.get('act')).toBeInstanceOf(ReLU);
    expect(d.has('fc')).toBe(true);
    expect([...d.stateDict().keys()]).toEqual(['fc.weight', 'fc.bias', 'out.weight', 'out.bias']);
    expect(d.pop('fc')).toBeInstanceOf(Linear);
    d.update([['z', new Tanh()]]);
    expect(d.keys()).toEqual(['act', 'out', 'z']);
    expect(() => d.get('nope')).toThrow("KeyError: 'nope'");
    d.clear();
    expect(d.length).toBe(0);
  });
});

describe('ParameterList / ParameterDict', () => {
  it('wrap tensors as Parameters under 0, 1, ... / their keys', () => {
    const pl = new ParameterList([new Parameter(zeros(2, 3)), ones(4)]);
    expect(pl.at(1)).toBeInstanceOf(Parameter);
    expect(pl.at(1).requiresGrad).toBe(true);
    pl.append(zeros(1));
    expect([...pl.stateDict().keys()]).toEqual(['0', '1', '2']);
    expect([...pl].length).toBe(3);
    const pd = new ParameterDict({ alpha: new Parameter(ones(3)) });
    pd.set('beta', zeros(2, 2));
    expect(pd.keys()).toEqual(['alpha', 'beta']);
    expect([...pd.namedParameters()].map(([k]) => k)).toEqual(['alpha', 'beta']);
    pd.loadStateDict({
      alpha: tensor([1, 2, 3]),
      beta: tensor([
        [1, 1],
        [1, 1],
      ]),
    });
    expect(vals(pd.get('alpha'))).toEqual([1, 2, 3]);
    expect(pd.pop('alpha').shape).toEqual([3]);
    expect(pd.length).toBe(1);
  });

  it('ParameterDict takes a plain object in sorted key order and a Map in its own (PyTorch 1.13)', () => {
    const sorted = new ParameterDict({ w: zeros(1), b: zeros(2), scale: zeros(3) });
    expect([...sorted.stateDict().keys()]).toEqual(['b', 'scale', 'w']);
    const ordered = new ParameterDict(
      new Map([
        ['w', zeros(1)],
        ['b', zeros(2)],
      ]),
    );
    expect(ordered.keys()).toEqual(['w', 'b']);
    expect(new ParameterDict(ordered).keys()).toEqual(['w', 'b']);
  });
});
