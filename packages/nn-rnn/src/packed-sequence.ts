/** PackedSequence (torch.nn.utils.rnn.PackedSequence) and invertPermutation. */
import { arange, type Device, type DType, type Tensor, zerosLike } from '@kindling/tensor';

/** Host copies of index tensors made on the host (so reading them back needs no device sync). */
const hostCopies = new WeakMap<Tensor, readonly number[]>();

/** Record the host values of an index tensor built from them. */
export function rememberHost(t: Tensor, values: readonly number[]): Tensor {
  hostCopies.set(t, values);
  return t;
}

/** The values of a 1-D index tensor on the host: a remembered copy, else read back. */
export function hostIndices(t: Tensor): number[] {
  const known = hostCopies.get(t);
  if (known) return [...known];
  return Array.from((t.device === 'cpu' ? t : t.to('cpu')).dataSync(), Number);
}

/**
 * The inverse of a permutation of 0..n-1: `out[perm[i]] = i` (torch.nn.utils.rnn.invert_permutation).
 * Returns null for null. Runs on the permutation's device.
 *
 * @example
 * invertPermutation(tensor([2, 0, 1])); // tensor([1, 2, 0])
 */
export function invertPermutation(permutation: Tensor | null | undefined): Tensor | null {
  if (!permutation) return null;
  const n = permutation.numel();
  return zerosLike(permutation).scatter(
    0,
    permutation,
    arange(n, { dtype: permutation.dtype, device: permutation.device }),
  );
}

/**
 * A batch of variable-length sequences packed time step by time step
 * (torch.nn.utils.rnn.PackedSequence), as made by `packPaddedSequence` / `packSequence` and
 * accepted and returned by `RNN`, `LSTM` and `GRU`.
 *
 * Like PyTorch's namedtuple it is also the array `[data, batchSizes, sortedIndices, unsortedIndices]`
 * (so it destructures, and memory scopes keep the tensors it holds).
 *
 * - `data`: (N, *) with N = Σ lengths: step 0 of every sequence, then step 1 of those still running, ...
 * - `batchSizes`: (T,) int32 on the CPU: how many sequences are running at each step (non-increasing).
 * - `sortedIndices`: (B,) the batch order used inside (longest first), or null when the input was sorted.
 * - `unsortedIndices`: (B,) its inverse, or null.
 *
 * @example
 * const packed = packSequence([tensor([1, 2, 3]), tensor([4, 5]), tensor([6])]);
 * packed.data;       // tensor([1, 4, 6, 2, 5, 3])
 * packed.batchSizes; // tensor([3, 2, 1])
 */
export class PackedSequence extends Array<Tensor | null> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  constructor(
    data: Tensor,
    batchSizes: Tensor,
    sortedIndices: Tensor | null = null,
    unsortedIndices: Tensor | null = null,
  ) {
    super();
    if (batchSizes.device !== 'cpu') {
      throw new RangeError(
        'batch_sizes should always be on CPU. Instances of PackedSequence should never be created manually. They should be instantiated by functions like packSequence and packPaddedSequence.',
      );
    }
    let unsorted = unsortedIndices ?? null;
    if (!unsorted && sortedIndices) {
      const known = hostCopies.get(sortedIndices);
      unsorted = invertPermutation(sortedIndices);
      if (known && unsorted) {
        const inv = new Array<number>(known.length);
        known.forEach((v, i) => {
          inv[v] = i;
        });
        rememberHost(unsorted, inv);
      }
    }
    this.push(data, batchSizes, sortedIndices, unsorted);
  }

  get data(): Tensor {
    return this[0] as Tensor;
  }
  get batchSizes(): Tensor {
    return this[1] as Tensor;
  }
  get sortedIndices(): Tensor | null {
    return this[2];
  }
  get unsortedIndices(): Tensor | null {
    return this[3];
  }

  /** The same sequences with `data` moved / converted; the indices follow data's device, batchSizes stays on the CPU. */
  to(target: Device | DType | { device?: Device; dtype?: DType }): PackedSequence {
    const data = this.data.to(target);
    if (data === this.data) return this;
    const move = (t: Tensor | null) => {
      if (!t || t.device === data.device) return t;
      const moved = t.to(data.device);
      const known = hostCopies.get(t);
      return known ? rememberHost(moved, known) : moved;
    };
    return new PackedSequence(data, this.batchSizes, move(this.sortedIndices), move(this.unsortedIndices));
  }
  cpu(): PackedSequence {
    return this.to('cpu');
  }
  float(): PackedSequence {
    return this.to('float32');
  }
  double(): PackedSequence {
    return this.to('float64');
  }
  half(): PackedSequence {
    return this.to('float16');
  }
  get isCuda(): boolean {
    return false;
  }

  override toString(): string {
    const s = (t: Tensor | null) => (t ? t.toString() : 'None');
    return `PackedSequence(data=${s(this.data)}, batch_sizes=${s(this.batchSizes)}, sorted_indices=${s(this.sortedIndices)}, unsorted_indices=${s(this.unsortedIndices)})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Whether `x` is a PackedSequence. */
export const isPackedSequence = (x: unknown): x is PackedSequence => x instanceof PackedSequence;
