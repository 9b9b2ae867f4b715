/** embedding and embeddingBag (torch.nn.functional). */
import { arange, noGrad, type Tensor, where, zeros } from '@kindling/tensor';
import { shapeStr } from './shape-str.js';

export interface EmbeddingOptions {
  /** Row whose gradient stays zero. */
  paddingIdx?: number | null;
  /** Renormalise looked-up rows whose normType-norm exceeds maxNorm (in place in the weight). */
  maxNorm?: number | null;
  normType?: number;
  /** Scale each row's gradient by 1 / (its count in the batch). */
  scaleGradByFreq?: boolean;
  /** Accepted for compatibility; gradients are dense. */
  sparse?: boolean;
}

function checkIndices(where: string, input: Tensor, num: number): void {
  if (input.dtype !== 'int32') {
    throw new TypeError(
      `${where}: Expected tensor for argument #1 'indices' to have scalar type int32; but got ${input.dtype} instead (shape ${shapeStr(input)})`,
    );
  }
  if (input.numel() && input.device === 'cpu') {
    const data = input.dataSync();
    for (let i = 0; i < data.length; i++) {
      if (data[i] < 0 || data[i] >= num)
        throw new RangeError(`${where}: index ${data[i]} is out of range in self (${num} rows)`);
    }
  }
}

/** Resolve a negative paddingIdx and check it (PyTorch's Embedding rule). */
export function resolvePaddingIdx(paddingIdx: number | null | undefined, num: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (paddingIdx >= num || paddingIdx < -num)
    throw new RangeError('Padding_idx must be within num_embeddings');
  return paddingIdx < 0 ? paddingIdx + num : paddingIdx;
}

/** PyTorch's embedding_renorm_: rows of `weight` referenced by `indices` rescaled to norm ≤ maxNorm, in place. */
export function embeddingRenorm_(weight: Tensor, indices: Tensor, maxNorm: number, normType = 2): void {
  noGrad(() => {
    const flat = indices.reshape([-1]);
    const n = flat.numel();
    if (!n) return;
    const rows = weight.indexSelect(0, flat);
    const norms = rows.norm(normType, 1, true);
    const scale = where(norms.gt(maxNorm), norms.add(1e-7).reciprocal().mul(maxNorm), 1);
    const index = flat.unsqueeze(1).expand([n, weight.shape[1]]);
    weight.copy_(weight.scatter(0, index, rows.mul(scale)));
  });
}

/** Per-position 1 / (count of that index in `flat`), for scaleGradByFreq. */
function inverseFrequency(flat: Tensor, num: number, dtype: Tensor['dtype']): Tensor {
  const counts = zeros([num], { dtype, device: flat.device }).scatterAdd(
    0,
    flat,
    zeros([flat.numel()], { dtype, device: flat.device }).add(1),
  );
  return counts.gather(0, flat).reciprocal();
}

/** Rows of `weight` [num, dim] at `input` (int32, any shape) → [*input.shape, dim]. */
export function embedding(input: Tensor, weight: Tensor, o: EmbeddingOptions = {}): Tensor {
  if (weight.ndim !== 2) throw new RangeError(`embedding: 'weight' must be 2-D, got ${shapeStr(weight)}`);
  const num = weight.shape[0];
  checkIndices('embedding', input, num);
  const paddingIdx = resolvePaddingIdx(o.paddingIdx, num);
  if (o.maxNorm !== null && o.maxNorm !== undefined)
    embeddingRenorm_(weight, input, o.maxNorm, o.normType ?? 2);
  const flat = input.reshape([-1]);
  const out = weight.indexSelect(0, flat).reshape([...input.shape, weight.shape[1]]);
  if (out.requiresGrad && (paddingIdx !== null || o.scaleGradByFreq)) {
    let scale: Tensor | null = null;
    if (o.scaleGradByFreq) scale = inverseFrequency(flat, num, weight.dtype);
    if (paddingIdx !== null) {
      const keep = flat.ne(paddingIdx).to(weight.dtype);
      scale = scale ? scale.mul(keep) : keep;
    }
    const s = (scale as Tensor).reshape([...input.shape, 1]);
    out.registerHook((g) => g.mul(s));
  }
  return out;
}

export interface EmbeddingBagOptions extends EmbeddingOptions {
  /** 'mean' (default), 'sum' or 'max'. */
  mode?: 'sum' | 'mean' | 'max';
  /** Weights of each index (mode 'sum' only), same shape as input. */
  perSampleWeights?: Tensor | null;
  /** offsets has one more entry: the end of the last bag. */
  includeLastOffset?: boolean;
}

/**
 * Sums, means or maxima of bags of embeddings. input [B, L] (bags are rows) or input [n] with
 * offsets [B] (bag b starts at offsets[b]) → [B, dim]. Empty bags give zeros; entries equal to
 * paddingIdx are left out.
 */
export function embeddingBag(
  input: Tensor,
  weight: Tensor,
  offsets?: Tensor | null,
  o: EmbeddingBagOptions = {},
): Tensor {
  const mode = o.mode ?? 'mean';
  if (mode !== 'sum' && mode !== 'mean' && mode !== 'max')
    throw new RangeError(`mode has to be one of sum, mean or max, got ${mode}`);
  if (weight.ndim !== 2)
    throw new RangeError(
      `embedding_bag: weight has to be a 2D Tensor, but got Tensor of dimension ${weight.ndim}`,
    );
  const num = weight.shape[0];
  const dim = weight.shape[1];
  const psw = o.perSampleWeights ?? null;
  if (psw && mode !== 'sum') {
    throw new Error(
      `embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`,
    );
  }
  if (psw && (psw.ndim !== input.ndim || psw.shape.some((d, i) => d !== input.shape[i]))) {
    throw new RangeError(
      `embedding_bag: per_sample_weights (${shapeStr(psw)}) and input (${shapeStr(input)}) must have the same shape`,
    );
  }
  let flat: Tensor;
  let starts: Tensor;
  let end: Tensor | null = null;
  let bags: number;
  if (input.ndim === 2) {
    if (offsets) {
      throw new Error(
        'if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences.',
      );
    }
    bags = input.shape[0];
    flat = input.reshape([-1]);
    starts = arange(0, bags * input.shape[1], Math.max(input.shape[1], 1), { device: input.device });
    if (input.shape[1] === 0) starts = zeros([bags], { dtype: 'int32', device: input.device });
  } else if (input.ndim === 1) {
    if (!offsets) throw new Error('offsets has to be a 1D Tensor but got None');
    if (offsets.ndim !== 1) throw new RangeError(`offsets has to be a 1D Tensor, got ${shapeStr(offsets)}`);
    if (offsets.dtype !== 'int32')
      throw new TypeError(`embedding_bag: offsets must be int32, got ${offsets.dtype}`);
    flat = input;
    bags = o.includeLastOffset ? offsets.shape[0] - 1 : offsets.shape[0];
    if (bags < 0) throw new RangeError('embedding_bag: include_last_offset needs at least one offset');
    starts = offsets.narrow(0, 0, bags);
    if (o.includeLastOffset) end = offsets.narrow(0, bags, 1);
  } else {
    throw new RangeError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.ndim}`);
  }
  checkIndices('embedding_bag', flat, num);
  if (o.maxNorm !== null && o.maxNorm !== undefined)
    embeddingRenorm_(weight, flat, o.maxNorm, o.normType ?? 2);
  const n = flat.numel();
  let rows = weight.indexSelect(0, flat);
  if (o.scaleGradByFreq && rows.requiresGrad) {
    const s = inverseFrequency(flat, num, weight.dtype).reshape([n, 1]);
    rows.registerHook((g) => g.mul(s));
  }
  if (psw) rows = rows.mul(psw.reshape([n, 1]).to(weight.dtype));
  // membership [bags, n]: element i belongs to the last bag starting at or before it
  const pos = arange(0, n, { device: input.device });
  const bagOf = pos
    .reshape([n, 1])
    .ge(starts.reshape([1, bags]))
    .to('int32')
    .sum(1)
    .sub(1);
  let valid = bagOf.ge(0);
  if (end) valid = valid.logicalAnd(pos.lt(end));
  const paddingIdx = resolvePaddingIdx(o.paddingIdx, num);
  if (paddingIdx !== null) valid = valid.logicalAnd(flat.ne(paddingIdx));
  const member = bagOf
    .reshape([1, n])
    .eq(arange(0, bags, { device: input.device }).reshape([bags, 1]))
    .logicalAnd(valid.reshape([1, n]));
  const count = member.to(weight.dtype).sum(1, true);
  if (mode === 'max') {
    const dense = where(member.reshape([bags, n, 1]), rows.reshape([1, n, dim]), Number.NEGATIVE_INFINITY);
    if (n === 0) return zeros([bags, dim], { dtype: weight.dtype, device: weight.device });
    const [values] = dense.max(1);
    return where(count.gt(0), values, 0);
  }
  const sums = member.to(weight.dtype).matmul(rows);
  return mode === 'sum' ? sums : sums.div(count.clamp(1));
}
