/** scaledDotProductAttention (torch.nn.functional.scaled_dot_product_attention) with its own backward. */
import {
  customOp,
  fusedAttention,
  fusedAttentionBackward,
  type Generator,
  isGradEnabled,
  noGrad,
  rand,
  type Tensor,
} from '@kindling/tensor';
import { fmt } from './mask.js';

export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to (N, ..., L, S). Bool: true marks the positions that take part in attention
   * (PyTorch's convention for this function; MultiheadAttention's masks mean the opposite).
   * Float: added to the scores (use −inf to mask); it gets a gradient when it requires one.
   */
  attnMask?: Tensor | null;
  /** Dropout probability on the attention weights (always applied when > 0). Default 0. */
  dropoutP?: number;
  /** Causal attention: query i sees keys 0..i (top-left aligned). Excludes attnMask. Default false. */
  isCausal?: boolean;
  /** Score scale; default 1/√E. */
  scale?: number | null;
  /** Generator for the dropout mask (default: the global one). */
  generator?: Generator;
}

function broadcastBatch(shapes: readonly (readonly number[])[]): number[] {
  const nd = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const d = s[i];
      const at = nd - s.length + i;
      if (d === 1) continue;
      if (out[at] !== 1 && out[at] !== d) return [];
      out[at] = d;
    }
  }
  return out;
}

/**
 * softmax(Q·Kᵀ·scale + mask)·V over the last two dims, batch dims broadcast
 * (torch.nn.functional.scaled_dot_product_attention, PyTorch 2 semantics). One autograd node:
 * without dropout, forward and backward are the device's fused attention kernels (on the GPU
 * flash-style: the [L, S] weights never exist in memory); with dropout they are composed from
 * matmul and softmax. Fully masked rows give NaN, as PyTorch's math path does.
 *
 * Shapes: query (N, ..., L, E), key (N, ..., S, E), value (N, ..., S, Ev) → (N, ..., L, Ev).
 *
 * @example
 * const q = randn([2, 4, 10, 16]); // batch 2, 4 heads, 10 queries, head size 16
 * const k = randn([2, 4, 12, 16]);
 * const v = randn([2, 4, 12, 16]);
 * scaledDotProductAttention(q, k, v, { isCausal: true }).shape; // [2, 4, 10, 16]
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  opts: ScaledDotProductAttentionOptions = {},
): Tensor {
  const { attnMask = null, dropoutP = 0, isCausal = false, generator } = opts;
  const fn = 'scaled_dot_product_attention';
  for (const [name, t] of [
    ['query', query],
    ['key', key],
    ['value', value],
  ] as const) {
    if (t.ndim < 2) {
      throw new RangeError(
        `${fn}: expected ${name} to have at least 2 dims (..., seq, features), got ${fmt(t.shape)}`,
      );
    }
  }
  if (query.dtype !== key.dtype || query.dtype !== value.dtype) {
    throw new TypeError(
      `Expected query, key, and value to have the same dtype, but got query.dtype: ${query.dtype} key.dtype: ${key.dtype} and value.dtype: ${value.dtype} instead.`,
    );
  }
  if (!query.isFloatingPoint()) {
    throw new TypeError(`${fn}: expected floating-point query, key and value, got ${query.dtype}`);
  }
  const L = query.shape[query.ndim - 2];
  const E = query.shape[query.ndim - 1];
  const S = key.shape[key.ndim - 2];
  const Ev = value.shape[value.ndim - 1];
  if (key.shape[key.ndim - 1] !== E) {
    throw new RangeError(
      `${fn}: query and key must have the same last dim (embedding size), got query ${fmt(query.shape)} and key ${fmt(key.shape)}`,
    );
  }
  if (value.shape[value.ndim - 2] !== S) {
    throw new RangeError(
      `${fn}: key and value must have the same sequence length, got key ${fmt(key.shape)} and value ${fmt(value.shape)}`,
    );
  }
  if (!(dropoutP >= 0 && dropoutP <= 1)) {
    throw new RangeError(`dropout probability has to be between 0 and 1, but got ${dropoutP}`);
  }
  if (isCausal && attnMask) {
    throw new Error(
      '_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True',
    );
  }
  const shapes = [query.shape.slice(0, -2), key.shape.slice(0, -2), value.shape.slice(0, -2)];
  let bias: Tensor | null = null;
  if (attnMask) {
    if (attnMask.dtype !== 'bool' && !attnMask.isFloatingPoint()) {
      throw new TypeError(
        `Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: ${attnMask.dtype} and query.dtype: ${query.dtype} instead.`,
      );
    }
    const ms = attnMask.shape;
    const mL = ms.length >= 2 ? ms[ms.length - 2] : 1;
    const mS = ms.length >= 1 ? ms[ms.length - 1] : 1;
    if ((mL !== 1 && mL !== L) || (mS !== 1 && mS !== S)) {
      throw new RangeError(
        `${fn}: attn_mask of shape ${fmt(ms)} cannot be broadcast to the attention weights' shape [..., ${L}, ${S}]`,
      );
    }
    shapes.push(ms.slice(0, Math.max(0, ms.length - 2)));
    bias =
      attnMask.dtype === 'bool'
        ? noGrad(() => additive(attnMask.logicalNot(), query))
        : attnMask.dtype === query.dtype
          ? attnMask
          : attnMask.to(query.dtype);
  }
  const batch = broadcastBatch(shapes);
  if (batch.length === 0 && shapes.some((s) => s.length > 0)) {
    throw new RangeError(
      `${fn}: the batch dims of query ${fmt(query.shape)}, key ${fmt(key.shape)}, value ${fmt(value.shape)}${attnMask ? ` and attn_mask ${fmt(attnMask.shape)}` : ''} do not broadcast`,
    );
  }
  const scale = opts.scale ?? 1 / Math.sqrt(E);
  return attention(query, key, value, bias, {
    batch,
    L,
    S,
    E,
    Ev,
    scale,
    dropoutP,
    causal: isCausal,
    generator,
  });
}

interface Dims {
  batch: number[];
  L: number;
  S: number;
  E: number;
  Ev: number;
  scale: number;
  dropoutP: number;
  causal: boolean;
  generator?: Generator;
}

/** −inf where `masked`, 0 elsewhere, in `like`'s dtype and device. */
const additive = (masked: Tensor, like: Tensor): Tensor =>
  like.newZeros(masked.shape).maskedFill(masked, Number.NEGATIVE_INFINITY);

/** The causal mask as an additive [L, S] bias (only the composed path needs it in memory). */
const causalBias = (q: Tensor, L: number, S: number): Tensor =>
  noGrad(() => additive(q.newOnes([L, S]).triu(1).to('bool'), q));

/** Test hook: `composedOnly` makes every device take the composed (matmul + softmax) path. */
export const _sdpaInternals = { composedOnly: false };

/** q·kᵀ·scale + bias (the scale applied to q, as PyTorch does). */
function scores(q: Tensor, k: Tensor, bias: Tensor | null, scale: number): Tensor {
  const s = q.mul(scale).matmul(k.transpose(-1, -2));
  return bias ? s.add(bias) : s;
}

/**
 * The closed-form attention gradient over tensor ops, from the weights p (recomputed from q, k
 * and the mask when null, so that under createGraph they are differentiable) and the dropout
 * keep mask. Returns [dq, dk, dv, d bias].
 */
function composedBackward(
  gOut: Tensor,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  bias: Tensor | null,
  scale: number,
  probs: Tensor | null,
  keep: Tensor | null,
  keepScale: number,
): (Tensor | null)[] {
  const p = probs ?? scores(q, k, bias, scale).softmax(-1);
  const pd = keep ? p.mul(keep).mul(keepScale) : p;
  const gV = v.requiresGrad ? pd.transpose(-1, -2).matmul(gOut) : null;
  let gP = gOut.matmul(v.transpose(-1, -2));
  if (keep) gP = gP.mul(keep).mul(keepScale);
  // softmax backward: (gP − Σ_j gP·p) · p, then the score scale
  const gS = gP.sub(gP.mul(p).sum(-1, true)).mul(p);
  const gSs = gS.mul(scale);
  const gQ = q.requiresGrad ? gSs.matmul(k) : null;
  const gK = k.requiresGrad ? gSs.transpose(-1, -2).matmul(q) : null;
  const gB = bias?.requiresGrad ? gS : null;
  return [gQ, gK, gV, gB];
}

/**
 * The one-node attention. Without dropout: the fused kernel of every device (flash-style on
 * the GPU: no [L, S] weights in memory; causal attention needs no mask either) and its fused
 * backward, which recomputes the weights from the saved log-sum-exp. The composed backward
 * takes over for double backward and for a mask that needs its own gradient (both need the
 * weights). With dropout: matmul + softmax + dropout and the closed-form backward.
 */
function attention(q: Tensor, k: Tensor, v: Tensor, bias: Tensor | null, d: Dims): Tensor {
  const { batch, L, S, Ev, scale, dropoutP, causal, generator } = d;
  if (dropoutP === 0 && !_sdpaInternals.composedOnly) {
    let out: Tensor | null = null;
    let lse: Tensor | null = null;
    const forward = (): Tensor => {
      [out, lse] = fusedAttention(q, k, v, bias, { scale, causal });
      return out;
    };
    return customOp('ScaledDotProductAttentionBackward', [q, k, v, bias], forward, (gOut) => {
      if (isGradEnabled() || bias?.requiresGrad) {
        return composedBackward(gOut, q, k, v, causal ? causalBias(q, L, S) : bias, scale, null, null, 0);
      }
      const [gQ, gK, gV] = fusedAttentionBackward(
        q,
        k,
        v,
        out as unknown as Tensor,
        gOut,
        lse as unknown as Tensor,
        bias,
        {
          scale,
          causal,
        },
      );
      return [q.requiresGrad ? gQ : null, k.requiresGrad ? gK : null, v.requiresGrad ? gV : null, null];
    });
  }
  const mask = causal ? causalBias(q, L, S) : bias;
  const needGrad = isGradEnabled() && [q, k, v, mask].some((t) => t?.requiresGrad);
  const outShape = [...batch, L, Ev];
  const pShape = [...batch, L, S];
  let probs: Tensor | null = null;
  let keep: Tensor | null = null;
  const keepScale = dropoutP > 0 && dropoutP < 1 ? 1 / (1 - dropoutP) : 0;
  const forward = (): Tensor => {
    const keepMask =
      dropoutP > 0 ? rand(pShape, { dtype: 'float32', device: q.device, generator }).lt(1 - dropoutP) : null;
    const p = scores(q, k, mask, scale).softmax(-1);
    if (needGrad) {
      probs = p;
      keep = keepMask ? keepMask.to(q.dtype) : null;
    }
    const pd = keepMask ? p.mul(keepMask.to(p.dtype)).mul(keepScale) : p;
    return pd.matmul(v).expand(outShape);
  };
  return customOp('ScaledDotProductAttentionBackward', [q, k, v, mask], forward, (gOut) =>
    // with createGraph, rebuild the weights from q, k and the mask so that they are differentiable
    composedBackward(gOut, q, k, v, mask, scale, isGradEnabled() ? null : probs, keep, keepScale),
  );
}
