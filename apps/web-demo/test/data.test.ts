import { cpuBackend } from '@kindling/kernels-cpu';
import { CrossEntropyLoss } from '@kindling/nn-losses';
import { Adam } from '@kindling/optim';
import { manualSeed, noGrad, registerBackend, type Tensor, tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import { buildFashionSubset, TEST_COUNT, TRAIN_COUNT } from '../fashion-subset.js';
import { batchOf, parseSubset, syntheticDataset } from '../src/data.js';
import { smallCnn } from '../src/model.js';

/** The demo's data and model without a browser: the embedded subset, the synthetic fallback, and the CNN on the CPU. */
describe('web demo data', () => {
  const subset = buildFashionSubset();

  it.skipIf(!subset)('packs the Fashion-MNIST subset from apps/examples/data and reads it back', () => {
    const d = parseSubset((subset as { bytes: Uint8Array }).bytes.slice().buffer);
    expect(d.kind).toBe('fashion-mnist');
    expect([d.train.n, d.test.n, d.rows, d.cols]).toEqual([TRAIN_COUNT, TEST_COUNT, 28, 28]);
    expect(d.train.images).toHaveLength(TRAIN_COUNT * 784);
    expect(Math.max(...d.train.labels)).toBe(9);
    // every class is present in both splits
    expect(new Set(d.train.labels).size).toBe(10);
    expect(new Set(d.test.labels).size).toBe(10);
  });

  it('rejects data that is not a subset file', () => {
    expect(() => parseSubset(new Uint8Array(32).buffer)).toThrow(/KFM1/);
  });

  it('generates a balanced, deterministic synthetic set', () => {
    const a = syntheticDataset(200, 50, 3);
    const b = syntheticDataset(200, 50, 3);
    expect(a.train.images).toEqual(b.train.images);
    expect(a.classes).toHaveLength(10);
    const counts = new Array(10).fill(0);
    for (const l of a.train.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(20));
    const { x, y } = batchOf(a.train, [0, 1, 2], 784);
    expect(x).toHaveLength(3 * 784);
    expect(Array.from(y)).toEqual([0, 1, 2]);
  });

  it('the CNN learns the synthetic set on the CPU', () => {
    registerBackend(cpuBackend);
    manualSeed(0);
    const d = syntheticDataset(320, 100, 5);
    const model = smallCnn(10);
    const opt = new Adam(model.parameters(), { lr: 0.004 });
    const lossFn = new CrossEntropyLoss();
    const test = batchOf(
      d.test,
      Array.from({ length: d.test.n }, (_, i) => i),
      784,
    );
    const testX = tensor(test.x, { shape: [d.test.n, 1, 28, 28] });
    const accuracy = () =>
      noGrad(() => {
        const p = (model.call(testX) as Tensor).argmax(1).dataSync();
        return Array.from(p).filter((v, i) => Number(v) === test.y[i]).length / d.test.n;
      });
    const before = accuracy();
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      const idx = Array.from({ length: 32 }, (_, i) => (step * 32 + i) % d.train.n);
      const { x, y } = batchOf(d.train, idx, 784);
      opt.zeroGrad();
      const loss = lossFn.call(
        model.call(tensor(x, { shape: [32, 1, 28, 28] })) as Tensor,
        tensor(y, { shape: [32] }),
      );
      loss.backward();
      opt.step();
      losses.push(Number(loss.dataSync()[0]));
    }
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(losses[0] * 0.6);
    expect(accuracy()).toBeGreaterThan(before + 0.3);
  }, 120_000);
});
