/** multiHeadAttentionForward (torch.nn.functional.multi_head_attention_forward). */
import { F } from '@kindling/nn-layers';
import { cat, type Tensor } from '@kindling/tensor';
import { canonicalMask, checkMaskDtype, fmt, sameShape } from './mask.js';
import { scaledDotProductAttention } from './sdpa.js';

export interface MultiHeadAttentionForwardOptions {
  /** Apply dropout (default true; MultiheadAttention passes its training flag). */
  training?: boolean;
  /** (N, S) or, unbatched, (S): bool (true = ignore that key) or float (added to the scores). */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** (L, S) or (N·numHeads, L, S): bool (true = not allowed to attend) or float (added). */
  attnMask?: Tensor | null;
  /** Project with qProjWeight / kProjWeight / vProjWeight instead of inProjWeight (kdim/vdim ≠ embedDim). */
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  /** Precomputed keys / values (N·numHeads, S, headDim), used instead of the projected ones. */
  staticK?: Tensor | null;
  staticV?: Tensor | null;
  /** Average the returned weights over the heads (default true). */
  averageAttnWeights?: boolean;
  /** Hint that attnMask is the causal mask; it needs attnMask (default false). */
  isCausal?: boolean;
}

const assert = (cond: boolean, msg: string): void => {
  if (!cond) throw new Error(msg);
};

/** PyTorch's _mha_shape_check: whether the input is batched (3-D) or not (2-D). */
function mhaShapeCheck(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  kpm: Tensor | null,
  attnMask: Tensor | null,
  numHeads: number,
): boolean {
  if (query.ndim === 3) {
    assert(
      key.ndim === 3 && value.ndim === 3,
      `For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`,
    );
    if (kpm)
      assert(
        kpm.ndim === 2,
        `For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${kpm.ndim}-D tensor instead`,
      );
    if (attnMask)
      assert(
        attnMask.ndim === 2 || attnMask.ndim === 3,
        `For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`,
      );
    return true;
  }
  if (query.ndim === 2) {
    assert(
      key.ndim === 2 && value.ndim === 2,
      `For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`,
    );
    if (kpm)
      assert(
        kpm.ndim === 1,
        `For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${kpm.ndim}-D tensor instead`,
      );
    if (attnMask) {
      assert(
        attnMask.ndim === 2 || attnMask.ndim === 3,
        `For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`,
      );
      if (attnMask.ndim === 3) {
        const expected = [numHeads, query.shape[0], key.shape[0]];
        assert(
          sameShape(attnMask.shape, expected),
          `Expected \`attn_mask\` shape to be ${fmt(expected)} but got ${fmt(attnMask.shape)}`,
        );
      }
    }
    return false;
  }
  throw new Error(
    `query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`,
  );
}

/** The packed in-projection (PyTorch's _in_projection_packed), one matmul for self-attention. */
function inProjectionPacked(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor | null): Tensor[] {
  const E = q.shape[q.ndim - 1];
  if (k === v) {
    if (q === k) return F.linear(q, w, b).chunk(3, -1);
    const [wq, wkv] = w.split([E, 2 * E]);
    const [bq, bkv] = b ? b.split([E, 2 * E]) : [null, null];
    return [F.linear(q, wq, bq), ...F.linear(k, wkv, bkv).chunk(2, -1)];
  }
  const [wq, wk, wv] = w.chunk(3);
  const [bq, bk, bv] = b ? b.chunk(3) : [null, null, null];
  return [F.linear(q, wq, bq), F.linear(k, wk, bk), F.linear(v, wv, bv)];
}

/** The separate in-projection (PyTorch's _in_projection), with its shape checks. */
function inProjection(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  wq: Tensor,
  wk: Tensor,
  wv: Tensor,
  b: Tensor | null,
): Tensor[] {
  const Eq = q.shape[q.ndim - 1];
  const Ek = k.shape[k.ndim - 1];
  const Ev = v.shape[v.ndim - 1];
  assert(
    sameShape(wq.shape, [Eq, Eq]),
    `expecting query weights shape of ${fmt([Eq, Eq])}, but got ${fmt(wq.shape)}`,
  );
  assert(
    sameShape(wk.shape, [Eq, Ek]),
    `expecting key weights shape of ${fmt([Eq, Ek])}, but got ${fmt(wk.shape)}`,
  );
  assert(
    sameShape(wv.shape, [Eq, Ev]),
    `expecting value weights shape of ${fmt([Eq, Ev])}, but got ${fmt(wv.shape)}`,
  );
  const [bq, bk, bv] = b ? b.chunk(3) : [null, null, null];
  return [F.linear(q, wq, bq), F.linear(k, wk, bk), F.linear(v, wv, bv)];
}

/** Append one zero column (PyTorch's `pad(mask, (0, 1))`) to an additive mask. */
const padLast = (m: Tensor): Tensor => cat([m, m.newZeros([...m.shape.slice(0, -1), 1])], -1);

/**
 * Multi-head attention over (L, N, E) query and (S, N, E_k), (S, N, E_v) key/value (or unbatched
 * (L, E), (S, E_k), (S, E_v)), with PyTorch's packed or separate projection weights
 * (torch.nn.functional.multi_head_attention_forward). Masks are combined additively (bool → −inf)
 * as in PyTorch 2; without needWeights the attention itself is scaledDotProductAttention.
 *
 * Returns [output (L, N, E), weights (N, L, S) averaged over heads, (N, numHeads, L, S) per head,
 * or null without needWeights]; unbatched inputs give unbatched results.
 *
 * @example
 * const [out, w] = multiHeadAttentionForward(q, k, v, 8, 2, inW, inB, null, null, false, 0,
 *   outW, outB, { keyPaddingMask });
 */
export function multiHeadAttentionForward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  embedDimToCheck: number,
  numHeads: number,
  inProjWeight: Tensor | null,
  inProjBias: Tensor | null,
  biasK: Tensor | null,
  biasV: Tensor | null,
  addZeroAttn: boolean,
  dropoutP: number,
  outProjWeight: Tensor,
  outProjBias: Tensor | null,
  opts: MultiHeadAttentionForwardOptions = {},
): [Tensor, Tensor | null] {
  const {
    training = true,
    needWeights = true,
    useSeparateProjWeight = false,
    averageAttnWeights = true,
    isCausal = false,
  } = opts;
  let kpm = opts.keyPaddingMask ?? null;
  let attnMask = opts.attnMask ?? null;
  const isBatched = mhaShapeCheck(query, key, value, kpm, attnMask, numHeads);
  if (!isBatched) {
    // keep the identities that select the packed projection's shortcuts
    const qk = query === key;
    const kv = key === value;
    query = query.unsqueeze(1);
    key = qk ? query : key.unsqueeze(1);
    value = kv ? key : value.unsqueeze(1);
    if (kpm) kpm = kpm.unsqueeze(0);
  }
  const [tgtLen, bsz, embedDim] = query.shape;
  let srcLen = key.shape[0];
  checkMaskDtype(kpm, 'key_padding_mask');
  checkMaskDtype(attnMask, 'attn_mask');
  if (isCausal && !attnMask) {
    throw new Error(
      'Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.',
    );
  }
  assert(
    embedDim === embedDimToCheck,
    `was expecting embedding dimension of ${embedDimToCheck}, but got ${embedDim}`,
  );
  const headDim = Math.floor(embedDim / numHeads);
  assert(headDim * numHeads === embedDim, `embed_dim ${embedDim} not divisible by num_heads ${numHeads}`);
  if (useSeparateProjWeight) {
    assert(
      sameShape(key.shape.slice(0, 2), value.shape.slice(0, 2)),
      `key's sequence and batch dims ${fmt(key.shape.slice(0, 2))} do not match value's ${fmt(value.shape.slice(0, 2))}`,
    );
  } else {
    assert(
      sameShape(key.shape, value.shape),
      `key shape ${fmt(key.shape)} does not match value shape ${fmt(value.shape)}`,
    );
  }
  if (bsz !== key.shape[1]) {
    throw new Error(`key's batch size ${key.shape[1]} does not match query's ${bsz}`);
  }

  // masks: validated before any computation, then made additive
  if (attnMask) {
    if (attnMask.ndim === 2) {
      const correct = [tgtLen, srcLen];
      if (!sameShape(attnMask.shape, correct))
        throw new Error(
          `The shape of the 2D attn_mask is ${fmt(attnMask.shape)}, but should be ${fmt(correct)}.`,
        );
    } else if (attnMask.ndim === 3) {
      const correct = [bsz * numHeads, tgtLen, srcLen];
      if (!sameShape(attnMask.shape, correct))
        throw new Error(
          `The shape of the 3D attn_mask is ${fmt(attnMask.shape)}, but should be ${fmt(correct)}.`,
        );
    } else {
      throw new Error(`attn_mask's dimension ${attnMask.ndim} is not supported`);
    }
  }
  const kpmLen = opts.staticK ? opts.staticK.shape[1] : srcLen;
  if (kpm && !sameShape(kpm.shape, [bsz, kpmLen])) {
    throw new Error(`expecting key_padding_mask shape of ${fmt([bsz, kpmLen])}, but got ${fmt(kpm.shape)}`);
  }

  // in-projection
  let q: Tensor;
  let k: Tensor;
  let v: Tensor;
  if (!useSeparateProjWeight) {
    assert(inProjWeight != null, 'use_separate_proj_weight is False but in_proj_weight is None');
    [q, k, v] = inProjectionPacked(query, key, value, inProjWeight as Tensor, inProjBias);
  } else {
    const { qProjWeight: wq, kProjWeight: wk, vProjWeight: wv } = opts;
    assert(wq != null, 'use_separate_proj_weight is True but q_proj_weight is None');
    assert(wk != null, 'use_separate_proj_weight is True but k_proj_weight is None');
    assert(wv != null, 'use_separate_proj_weight is True but v_proj_weight is None');
    [q, k, v] = inProjection(query, key, value, wq as Tensor, wk as Tensor, wv as Tensor, inProjBias);
  }

  attnMask = canonicalMask(attnMask, 'attn_mask', q.dtype);
  kpm = canonicalMask(kpm, 'key_padding_mask', q.dtype);
  if (attnMask && attnMask.ndim === 2) attnMask = attnMask.unsqueeze(0);

  // bias_k / bias_v: one more key position
  if (biasK && biasV) {
    assert(!opts.staticK, 'bias cannot be added to static key.');
    assert(!opts.staticV, 'bias cannot be added to static value.');
    k = cat([k, biasK.repeat(1, bsz, 1)]);
    v = cat([v, biasV.repeat(1, bsz, 1)]);
    if (attnMask) attnMask = padLast(attnMask);
    if (kpm) kpm = padLast(kpm);
  } else {
    assert(!biasK && !biasV, 'bias_k and bias_v must both be given or both be None');
  }

  // heads: (L, N, E) → (N·H, L, headDim)
  q = q.reshape([tgtLen, bsz * numHeads, headDim]).transpose(0, 1);
  if (!opts.staticK) {
    k = k.reshape([k.shape[0], bsz * numHeads, headDim]).transpose(0, 1);
  } else {
    const sk = opts.staticK;
    assert(
      sk.shape[0] === bsz * numHeads,
      `expecting static_k.size(0) of ${bsz * numHeads}, but got ${sk.shape[0]}`,
    );
    assert(sk.shape[2] === headDim, `expecting static_k.size(2) of ${headDim}, but got ${sk.shape[2]}`);
    k = sk;
  }
  if (!opts.staticV) {
    v = v.reshape([v.shape[0], bsz * numHeads, headDim]).transpose(0, 1);
  } else {
    const sv = opts.staticV;
    assert(
      sv.shape[0] === bsz * numHeads,
      `expecting static_v.size(0) of ${bsz * numHeads}, but got ${sv.shape[0]}`,
    );
    assert(sv.shape[2] === headDim, `expecting static_v.size(2) of ${headDim}, but got ${sv.shape[2]}`);
    v = sv;
  }

  if (addZeroAttn) {
    const zerosShape = [bsz * numHeads, 1, headDim];
    k = cat([k, k.newZeros(zerosShape)], 1);
    v = cat([v, v.newZeros(zerosShape)], 1);
    if (attnMask) attnMask = padLast(attnMask);
    if (kpm) kpm = padLast(kpm);
  }
  srcLen = k.shape[1];

  if (kpm) {
    assert(
      sameShape(kpm.shape, [bsz, srcLen]),
      `expecting key_padding_mask shape of ${fmt([bsz, srcLen])}, but got ${fmt(kpm.shape)}`,
    );
    const merged = kpm
      .reshape([bsz, 1, 1, srcLen])
      .expand([bsz, numHeads, 1, srcLen])
      .reshape([bsz * numHeads, 1, srcLen]);
    attnMask = attnMask ? attnMask.add(merged) : merged;
  }
  const p = training ? dropoutP : 0;

  if (needWeights) {
    const qScaled = q.mul(Math.sqrt(1 / headDim));
    let w = qScaled.matmul(k.transpose(-2, -1));
    if (attnMask) w = w.add(attnMask);
    w = w.softmax(-1);
    if (p > 0) w = F.dropout(w, { p });
    let out = w.matmul(v); // (N·H, L, headDim)
    out = out.transpose(0, 1).reshape([tgtLen * bsz, embedDim]);
    out = F.linear(out, outProjWeight, outProjBias).reshape([tgtLen, bsz, -1]);
    let weights = w.reshape([bsz, numHeads, tgtLen, srcLen]);
    if (averageAttnWeights) weights = weights.sum(1).div(numHeads);
    if (!isBatched) return [out.squeeze(1), weights.squeeze(0)];
    return [out, weights];
  }

  if (attnMask) {
    attnMask =
      attnMask.shape[0] === 1 && attnMask.ndim === 3
        ? attnMask.unsqueeze(0)
        : attnMask.reshape([bsz, numHeads, -1, srcLen]);
  }
  const q4 = q.reshape([bsz, numHeads, tgtLen, headDim]);
  const k4 = k.reshape([bsz, numHeads, srcLen, headDim]);
  const v4 = v.reshape([bsz, numHeads, srcLen, headDim]);
  let out = scaledDotProductAttention(q4, k4, v4, { attnMask, dropoutP: p });
  out = out.permute([2, 0, 1, 3]).reshape([bsz * tgtLen, embedDim]);
  out = F.linear(out, outProjWeight, outProjBias).reshape([tgtLen, bsz, -1]);
  if (!isBatched) out = out.squeeze(1);
  return [out, null];
}
