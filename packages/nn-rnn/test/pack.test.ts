import { arange, randn, type Tensor, tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import {
  invertPermutation,
  isPackedSequence,
  PackedSequence,
  packPaddedSequence,
  packSequence,
  padPackedSequence,
  padSequence,
  unpackSequence,
  unpadSequence,
} from '../src/index.js';
import { expectClose, useCpu, vals } from './helpers.js';

useCpu();

describe('PackedSequence', () => {
  it('is the tuple [data, batchSizes, sortedIndices, unsortedIndices]', () => {
    const p = packSequence([tensor([4, 5]), tensor([1, 2, 3]), tensor([6])], { enforceSorted: false });
    const [data, batchSizes, sorted, unsorted] = p;
    expect(isPackedSequence(p)).toBe(true);
    expect(vals(data as Tensor)).toEqual([1, 4, 6, 2, 5, 3]);
    expect(vals(batchSizes as Tensor)).toEqual([3, 2, 1]);
    expect(vals(sorted as Tensor)).toEqual([1, 0, 2]);
    expect(vals(unsorted as Tensor)).toEqual([1, 0, 2]);
    expect(p.map((t) => t?.shape)).toEqual([[6], [3], [3], [3]]);
    expect(p.map((t) => t)).not.toBeInstanceOf(PackedSequence);
    const d = p.to('float64');
    expect(d.data.dtype).toBe('float64');
    expect(d.batchSizes).toBe(p.batchSizes);
    expect(p.to('int32')).toBe(p);
    expect(String(packSequence([tensor([1, 2]), tensor([3])]))).toMatch(
      /^PackedSequence\(data=.*, batch_sizes=.*, sorted_indices=None, unsorted_indices=None\)$/s,
    );
  });

  it('inverts permutations', () => {
    expect(vals(invertPermutation(tensor([2, 0, 3, 1])) as Tensor)).toEqual([1, 3, 0, 2]);
    expect(invertPermutation(null)).toBeNull();
  });
});

describe('packing', () => {
  it('pads on the left with paddingSide', () => {
    const out = padSequence(
      [
        tensor([[1, 2]]),
        tensor([
          [3, 4],
          [5, 6],
          [7, 8],
        ]),
      ],
      { paddingSide: 'left', batchFirst: true, paddingValue: -1 },
    );
    expect(out.shape).toEqual([2, 3, 2]);
    expect(vals(out)).toEqual([-1, -1, -1, -1, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => padSequence([tensor([1])], { paddingSide: 'middle' as never })).toThrow(
      'Expected padding_side to be one of left or right, but got middle.',
    );
    expect(() => padSequence([randn([2, 3]), randn([3, 4])])).toThrow(
      'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1',
    );
  });

  it('round-trips pack → pad (batchFirst, unsorted) and unpacks to the original sequences', () => {
    const seqs = [randn([2, 3]), randn([4, 3]), randn([1, 3])];
    const padded = padSequence(seqs, { batchFirst: true });
    const p = packPaddedSequence(padded, tensor([2, 4, 1]), { batchFirst: true, enforceSorted: false });
    const [back, lens] = padPackedSequence(p, { batchFirst: true });
    expectClose('round trip', back, padded, 0);
    expect(vals(lens)).toEqual([2, 4, 1]);
    for (const [i, s] of unpackSequence(p).entries()) expectClose(`sequence ${i}`, s, seqs[i], 0);
    for (const [i, s] of unpadSequence(padded, [2, 4, 1], { batchFirst: true }).entries())
      expectClose(`unpadded ${i}`, s, seqs[i], 0);
  });

  it('checks its lengths argument', () => {
    const x = arange(12, { dtype: 'float32' }).reshape([3, 2, 2]);
    expect(() => packPaddedSequence(x, tensor([[3, 2]]))).toThrow(
      "'lengths' argument should be a 1D CPU int64 tensor, but got 2D cpu Long tensor",
    );
    expect(vals(packPaddedSequence(x, [3.7, 2.2]).batchSizes)).toEqual([2, 2, 1]);
    expect(() => unpadSequence(x, [4, 1])).toThrow(/every length has to be in 0\.\.3/);
  });

  it('requires batchSizes on the CPU', () => {
    const p = new PackedSequence(randn([3, 2]), tensor([2, 1]));
    expect(p.sortedIndices).toBeNull();
    expect(p.unsortedIndices).toBeNull();
  });
});
