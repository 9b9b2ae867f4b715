import { arange, type Tensor, tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import { Embedding, EmbeddingBag } from '../src/index.js';
import { expectClose, useCpu, vals } from './helpers.js';

useCpu();

const table = () => arange(0, 12, { dtype: 'float64' }).div(10).reshape([4, 3]);
const idx = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });

describe('Embedding', () => {
  it('zeroes the padding row at init and gives it no gradient', () => {
    const e = new Embedding(5, 2, { paddingIdx: -1 });
    expect(e.paddingIdx).toBe(4);
    expect(vals(e.weight).slice(8)).toEqual([0, 0]);
    e.call(idx([4, 1, 4]))
      .sum()
      .backward();
    expect(vals(e.weight.grad)).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(() => new Embedding(3, 2, { paddingIdx: 3 })).toThrow('Padding_idx must be within num_embeddings');
  });

  it('scaleGradByFreq with paddingIdx matches PyTorch', () => {
    const e = Embedding.fromPretrained(table(), { freeze: false, paddingIdx: 1, scaleGradByFreq: true });
    const y = e.call(
      idx([
        [0, 1, 2],
        [0, 0, 3],
      ]),
    );
    expectClose(y, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0, 0.1, 0.2, 0, 0.1, 0.2, 0.9, 1, 1.1]);
    y.mul(arange(0, 18, { dtype: 'float64' }).reshape([2, 3, 3]))
      .sum()
      .backward();
    expectClose(e.weight.grad, [7, 8, 9, 0, 0, 0, 6, 7, 8, 15, 16, 17]);
  });

  it('fromPretrained freezes by default and keeps the padding row as given', () => {
    const e = Embedding.fromPretrained(table(), { paddingIdx: 0 });
    expect(e.weight.requiresGrad).toBe(false);
    expectClose(vals(e.weight).slice(0, 3), [0, 0.1, 0.2]);
    expect(e.numEmbeddings).toBe(4);
  });

  it('maxNorm renormalises the looked-up rows of the weight in place', () => {
    const e = Embedding.fromPretrained(
      tensor(
        [
          [3, 4],
          [0.3, 0.4],
          [6, 8],
        ],
        { dtype: 'float64' },
      ),
      { maxNorm: 1 },
    );
    const y = e.call(idx([0, 1]));
    expectClose(y, [0.6, 0.8, 0.3, 0.4], 1e-6);
    expectClose(e.weight, [0.6, 0.8, 0.3, 0.4, 6, 8], 1e-6);
  });

  it('rejects bad indices clearly without touching the weight', () => {
    const e = new Embedding(3, 2, { maxNorm: 0.1 });
    const before = vals(e.weight);
    expect(() => e.call(idx([0, 3]))).toThrow('embedding: index 3 is out of range in self (3 rows)');
    expect(() => e.call(tensor([0.5]))).toThrow(/expected int32 indices, got float32 of shape \[1\]/);
    expect(vals(e.weight)).toEqual(before);
  });
});

describe('EmbeddingBag', () => {
  it('mean with paddingIdx, empty bags and includeLastOffset matches PyTorch', () => {
    const b = EmbeddingBag.fromPretrained(table(), {
      freeze: false,
      mode: 'mean',
      includeLastOffset: true,
      paddingIdx: 2,
    });
    const y = b.call(idx([0, 2, 1, 3, 2, 3]), idx([0, 3, 3, 6]));
    expectClose(y, [0.15, 0.25, 0.35, 0, 0, 0, 0.9, 1, 1.1]);
    y.mul(arange(0, 9, { dtype: 'float64' }).reshape([3, 3]))
      .sum()
      .backward();
    expectClose(b.weight.grad, [0, 0.5, 1, 0, 0.5, 1, 0, 0, 0, 6, 7, 8]);
  });

  it('max sends the gradient to the maximum', () => {
    const b = EmbeddingBag.fromPretrained(table(), { freeze: false, mode: 'max' });
    const y = b.call(idx([0, 2, 1, 3, 2, 3]), idx([0, 3, 3]));
    expectClose(y, [0.6, 0.7, 0.8, 0, 0, 0, 0.9, 1, 1.1]);
    y.mul(arange(0, 9, { dtype: 'float64' }).reshape([3, 3]))
      .sum()
      .backward();
    expectClose(b.weight.grad, [0, 0, 0, 0, 0, 0, 0, 1, 2, 6, 7, 8]);
  });

  it('2-D input makes fixed-length bags; sum takes perSampleWeights', () => {
    const b = EmbeddingBag.fromPretrained(table(), { mode: 'sum' });
    const y = b.call(
      idx([
        [0, 1],
        [2, 3],
      ]),
      null,
      tensor(
        [
          [1, 2],
          [0.5, 0],
        ],
        { dtype: 'float64' },
      ),
    ) as Tensor;
    expectClose(y, [0.6, 0.9, 1.2, 0.3, 0.35, 0.4]);
    expect(() => new EmbeddingBag(4, 2).call(idx([0, 1]), idx([0]), tensor([1, 1]))).toThrow(
      /only supported for mode='sum'/,
    );
    expect(() => new EmbeddingBag(4, 2).call(idx([[0, 1]]), idx([0]))).toThrow(/offsets has to be None/);
  });
});
