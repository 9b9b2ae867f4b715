/**
 * Packing utilities of torch.nn.utils.rnn: packPaddedSequence, padPackedSequence, padSequence,
 * packSequence, unpadSequence, unpackSequence. Each gathers with one indexSelect, so the
 * gradient flows back to the padded tensor with one scatter.
 */
import { cat, full, pad, stack, type Tensor, tensor } from '@kindling/tensor';
import { hostIndices, PackedSequence, rememberHost } from './packed-sequence.js';
import { hostInts } from './host-ints.js';
import { list } from './py-format.js';

export interface PackPaddedOptions {
  /** Input is (B, T, *) instead of (T, B, *). Default false. */
  batchFirst?: boolean;
  /** Require lengths sorted in decreasing order (default true); false sorts them and records the permutation. */
  enforceSorted?: boolean;
}

const TORCH_TYPE: Record<string, string> = {
  float32: 'Float',
  float64: 'Double',
  float16: 'Half',
  int32: 'Long',
  bool: 'Bool',
};

/** lengths as numbers, checked as PyTorch checks its `lengths` argument. */
function lengthsOf(lengths: Tensor | readonly number[]): number[] {
  if (!Array.isArray(lengths)) {
    const t = lengths as Tensor;
    if (t.ndim !== 1 || t.device !== 'cpu') {
      throw new RangeError(
        `'lengths' argument should be a 1D CPU int64 tensor, but got ${t.ndim}D ${t.device} ${TORCH_TYPE[t.dtype]} tensor`,
      );
    }
  }
  return hostInts(lengths);
}

const idx = (values: readonly number[], device: Tensor['device']) =>
  tensor(Int32Array.from(values), { shape: [values.length], dtype: 'int32', device });

/** Batch sizes of lengths sorted in decreasing order: how many sequences are longer than t. */
function batchSizesOf(sorted: readonly number[]): number[] {
  const out: number[] = [];
  for (let t = 0; t < (sorted[0] ?? 0); t++) {
    let b = 0;
    while (b < sorted.length && sorted[b] > t) b++;
    out.push(b);
  }
  return out;
}

/**
 * Pack a padded batch of variable-length sequences (torch.nn.utils.rnn.pack_padded_sequence).
 *
 * input: (T, B, *) or, with batchFirst, (B, T, *). lengths: B lengths (a number list or a 1-D
 * CPU tensor), each in 1..T; sorted in decreasing order unless `enforceSorted: false`.
 *
 * @example
 * const x = randn([5, 3, 8]);                       // T=5, B=3
 * const packed = packPaddedSequence(x, [5, 3, 2]);
 * packed.batchSizes;                                 // tensor([3, 3, 2, 1, 1])
 * const [out, hN] = new GRU(8, 16).call(packed);     // out is a PackedSequence
 */
export function packPaddedSequence(
  input: Tensor,
  lengths: Tensor | readonly number[],
  o: PackPaddedOptions = {},
): PackedSequence {
  const batchFirst = o.batchFirst ?? false;
  const enforceSorted = o.enforceSorted ?? true;
  const lens = lengthsOf(lengths);
  if (input.numel() === 0) throw new RangeError('Cannot pack empty tensors.');
  if (input.ndim < 2) {
    throw new RangeError(
      `pack_padded_sequence: expected input of at least 2 dimensions (T x B x *), got ${list(input.shape)}`,
    );
  }
  const bDim = batchFirst ? 0 : 1;
  const B = input.shape[bDim];
  const T = input.shape[1 - bDim];
  if (lens.length !== B) {
    throw new RangeError(
      `Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${B})`,
    );
  }
  let order: number[] | null = null;
  let sorted = lens;
  if (!enforceSorted) {
    order = lens.map((_, i) => i).sort((a, b) => lens[b] - lens[a] || a - b);
    sorted = order.map((i) => lens[i]);
  }
  if (sorted[B - 1] <= 0) {
    throw new RangeError(
      "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0",
    );
  }
  for (let i = 1; i < B; i++) {
    if (sorted[i] > sorted[i - 1]) {
      throw new RangeError(
        '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.',
      );
    }
  }
  if (sorted[0] > T) {
    throw new RangeError(
      `Length of all samples has to be at most the padded sequence length ${T}, but found an element in 'lengths' that is ${sorted[0]}`,
    );
  }
  const batchSizes = batchSizesOf(sorted);
  // row of (t, sorted batch b) in the flattened input, in packed order
  const rows: number[] = [];
  batchSizes.forEach((bs, t) => {
    for (let b = 0; b < bs; b++) {
      const src = order ? order[b] : b;
      rows.push(batchFirst ? src * T + t : t * B + src);
    }
  });
  const feat = input.shape.slice(2);
  const data = input.reshape([B * T, ...feat]).indexSelect(0, idx(rows, input.device));
  const sortedIndices = order ? rememberHost(idx(order, input.device), order) : null;
  return new PackedSequence(data, idx(batchSizes, 'cpu'), sortedIndices);
}

export interface PadPackedOptions {
  /** Return (B, T, *) instead of (T, B, *). Default false. */
  batchFirst?: boolean;
  /** Value of the padded positions. Default 0. */
  paddingValue?: number;
  /** Pad to this many steps (at least the longest sequence). */
  totalLength?: number | null;
}

/**
 * Unpack a PackedSequence into a padded batch and the lengths
 * (torch.nn.utils.rnn.pad_packed_sequence); the inverse of `packPaddedSequence`, batch in the
 * original order.
 *
 * Returns [padded (T, B, *) or (B, T, *), lengths (B,) int32 on the CPU].
 *
 * @example
 * const [out] = lstm.call(packPaddedSequence(x, lengths, { enforceSorted: false }));
 * const [padded, lens] = padPackedSequence(out, { totalLength: x.shape[0] });
 */
export function padPackedSequence(sequence: PackedSequence, o: PadPackedOptions = {}): [Tensor, Tensor] {
  const batchFirst = o.batchFirst ?? false;
  const bs = hostInts(sequence.batchSizes);
  let T = bs.length;
  if (o.totalLength !== undefined && o.totalLength !== null) {
    if (o.totalLength < T) {
      throw new RangeError(
        `Expected total_length to be at least the length of the longest sequence in input, but got total_length=${o.totalLength} and max sequence length being ${T}`,
      );
    }
    T = o.totalLength;
  }
  const data = sequence.data;
  const N = data.shape[0];
  const B = bs[0] ?? 0;
  const lengths = Array.from({ length: B }, (_, b) => bs.filter((n) => n > b).length);
  const offsets: number[] = [];
  for (let t = 0, at = 0; t < bs.length; at += bs[t++]) offsets.push(at);
  // each padded slot reads its packed row, or row N (the padding row)
  const rows: number[] = [];
  const slot = (t: number, b: number) => (t < bs.length && b < bs[t] ? offsets[t] + b : N);
  if (batchFirst) for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) rows.push(slot(t, b));
  else for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) rows.push(slot(t, b));
  const feat = data.shape.slice(1);
  const src = cat(
    [data, full([1, ...feat], o.paddingValue ?? 0, { dtype: data.dtype, device: data.device })],
    0,
  );
  let padded = src
    .indexSelect(0, idx(rows, data.device))
    .reshape(batchFirst ? [B, T, ...feat] : [T, B, ...feat]);
  let lens = lengths;
  const unsorted = sequence.unsortedIndices;
  if (unsorted) {
    padded = padded.indexSelect(batchFirst ? 0 : 1, unsorted);
    lens = hostIndices(unsorted).map((i) => lengths[i]);
  }
  return [padded, idx(lens, 'cpu')];
}

export interface PadSequenceOptions {
  /** Return (B, T, *) instead of (T, B, *). Default false. */
  batchFirst?: boolean;
  /** Value of the padded positions. Default 0. */
  paddingValue?: number;
  /** Pad after each sequence ('right', default) or before it ('left'). */
  paddingSide?: 'right' | 'left';
}

/**
 * Stack sequences of different lengths into one padded tensor (torch.nn.utils.rnn.pad_sequence).
 *
 * sequences: B tensors (L_i, *) with the same trailing dims. Output: (T, B, *) or, with
 * batchFirst, (B, T, *), T = max L_i.
 *
 * @example
 * padSequence([ones([25, 300]), ones([22, 300]), ones([15, 300])]).shape; // [25, 3, 300]
 */
export function padSequence(sequences: readonly Tensor[], o: PadSequenceOptions = {}): Tensor {
  const side = o.paddingSide ?? 'right';
  if (side !== 'left' && side !== 'right')
    throw new RangeError(`Expected padding_side to be one of left or right, but got ${side}.`);
  if (sequences.length === 0) throw new RangeError('received an empty list of sequences');
  const ref = sequences[0].shape.slice(1);
  sequences.forEach((s, i) => {
    if (s.ndim === 0) throw new RangeError(`pad_sequence: sequence ${i} is a 0-d tensor; expected (L, *)`);
    const tail = s.shape.slice(1);
    const d = tail.findIndex((n, k) => n !== ref[k]);
    if (tail.length !== ref.length || d >= 0) {
      const k = d >= 0 ? d : Math.min(tail.length, ref.length);
      throw new RangeError(
        `pad_sequence: The size of tensor a (${ref[k]}) must match the size of tensor b (${tail[k]}) at non-singleton dimension ${k + 1} (sequence 0 is ${list(sequences[0].shape)}, sequence ${i} is ${list(s.shape)})`,
      );
    }
  });
  const T = Math.max(...sequences.map((s) => s.shape[0]));
  const value = o.paddingValue ?? 0;
  const padded = sequences.map((s) => {
    const extra = T - s.shape[0];
    if (extra === 0) return s;
    const p = new Array<number>(2 * s.ndim).fill(0);
    p[2 * s.ndim - (side === 'left' ? 2 : 1)] = extra;
    return pad(s, p, { value });
  });
  return stack(padded, o.batchFirst ? 0 : 1);
}

/**
 * Pack a list of variable-length sequences (torch.nn.utils.rnn.pack_sequence): padSequence then
 * packPaddedSequence.
 *
 * @example
 * const packed = packSequence([tensor([1, 2, 3]), tensor([4, 5]), tensor([6])]);
 * packed.data; // tensor([1, 4, 6, 2, 5, 3])
 */
export function packSequence(
  sequences: readonly Tensor[],
  o: { enforceSorted?: boolean } = {},
): PackedSequence {
  const lengths = sequences.map((s) => s.shape[0]);
  return packPaddedSequence(padSequence(sequences), lengths, { enforceSorted: o.enforceSorted ?? true });
}

/**
 * Split a padded batch back into its sequences (torch.nn.utils.rnn.unpad_sequence).
 *
 * padded: (T, B, *) or, with batchFirst, (B, T, *). Returns B tensors (L_i, *) (views of padded).
 *
 * @example
 * const seqs = unpadSequence(padSequence([a, b, c]), [a.shape[0], b.shape[0], c.shape[0]]);
 */
export function unpadSequence(
  padded: Tensor,
  lengths: Tensor | readonly number[],
  o: { batchFirst?: boolean } = {},
): Tensor[] {
  const lens = hostInts(lengths);
  const bDim = o.batchFirst ? 0 : 1;
  if (padded.ndim < 2)
    throw new RangeError(
      `unpad_sequence: expected padded sequences of at least 2 dimensions, got ${list(padded.shape)}`,
    );
  const T = padded.shape[1 - bDim];
  if (lens.length !== padded.shape[bDim]) {
    throw new RangeError(
      `Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${padded.shape[bDim]})`,
    );
  }
  const bad = lens.find((n) => n < 0 || n > T);
  if (bad !== undefined) {
    throw new RangeError(
      `unpad_sequence: every length has to be in 0..${T} (the padded sequence length), but found ${bad}`,
    );
  }
  return lens.map((n, b) => padded.select(bDim, b).narrow(0, 0, n));
}

/**
 * Split a PackedSequence into its sequences, in the original batch order
 * (torch.nn.utils.rnn.unpack_sequence).
 *
 * @example
 * unpackSequence(packSequence([a, b, c], { enforceSorted: false })); // [a, b, c]
 */
export function unpackSequence(packed: PackedSequence): Tensor[] {
  const [padded, lengths] = padPackedSequence(packed, { batchFirst: true });
  return unpadSequence(padded, lengths, { batchFirst: true });
}
