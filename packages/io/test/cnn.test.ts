import {
  BatchNorm2d,
  Conv2d,
  Linear,
  MaxPool2d,
  AdaptiveAvgPool2d,
  Module,
  ReLU,
  Sequential,
} from '@kindling/nn-layers';
import { type Tensor, tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, saveSafetensors, torchLoad, torchSave } from '../src/index.js';
import { expectClose, fixture, fixtureJson, useCpu, vals } from './helpers.js';

useCpu();

/** The CNN of scripts/fixtures.py, built from nn-layers (same state-dict keys). */
class CNN extends Module {
  declare features: Sequential;
  declare classifier: Linear;
  constructor() {
    super();
    this.features = new Sequential(
      new Conv2d(3, 4, 3, { padding: 1 }),
      new BatchNorm2d(4),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(4, 6, 3, { bias: false }),
      new BatchNorm2d(6),
      new ReLU(),
      new AdaptiveAvgPool2d(1),
    );
    this.classifier = new Linear(6, 5);
  }
  override forward(x: Tensor): Tensor {
    return this.classifier.call((this.features.call(x) as Tensor).flatten(1));
  }
}

interface Spec {
  shape: number[];
  data: number[];
}
const expected = fixtureJson<{ keys: string[]; input: Spec; output: Spec; state: Record<string, Spec> }>(
  'cnn.json',
);
const input = () => tensor(Float32Array.from(expected.input.data), { shape: expected.input.shape });

describe('a CNN with BatchNorm trained in PyTorch', () => {
  for (const [file, load] of [
    ['cnn.pt', (b: Uint8Array) => torchLoad(b)],
    ['cnn_deflate.pt', (b: Uint8Array) => torchLoad(b)],
    ['cnn.safetensors', (b: Uint8Array) => loadSafetensors(b)],
  ] as const) {
    it(`loads ${file} in two lines and gives PyTorch's outputs`, () => {
      const model = new CNN();
      model.loadStateDict(load(fixture(file)));
      model.eval();
      expect([...model.stateDict().keys()]).toEqual(expected.keys);
      const y = model.call(input());
      expect(y.shape).toEqual(expected.output.shape);
      expectClose(vals(y), expected.output.data, 1e-5);
      expect(vals(model.stateDict().get('features.1.num_batches_tracked') as Tensor)).toEqual([3]);
    });
  }

  it('loads the state as saved: keys in order, int64 num_batches_tracked as int32', () => {
    const sd = torchLoad(fixture('cnn.pt'));
    expect([...sd.keys()]).toEqual(expected.keys);
    for (const [k, t] of sd) {
      expect(t.shape, k).toEqual(expected.state[k].shape);
      expectClose(vals(t), expected.state[k].data, 0);
    }
    expect(sd.get('features.1.num_batches_tracked')?.dtype).toBe('int32');
  });

  it('round-trips a Kindling model exactly through torchSave/torchLoad and saveSafetensors/loadSafetensors', () => {
    const a = new CNN();
    a.loadStateDict(torchLoad(fixture('cnn.pt')));
    const x = input();
    a.eval();
    const ya = vals(a.call(x));
    for (const [save, load] of [
      [torchSave, torchLoad],
      [saveSafetensors, loadSafetensors],
    ] as const) {
      const b = new CNN();
      b.loadStateDict(load(save(a.stateDict())));
      b.eval();
      for (const [k, t] of a.stateDict()) {
        const u = b.stateDict().get(k) as Tensor;
        expect(u.dtype, k).toBe(t.dtype);
        expect(vals(u), k).toEqual(vals(t));
      }
      expect(vals(b.call(x))).toEqual(ya);
    }
  });
});
