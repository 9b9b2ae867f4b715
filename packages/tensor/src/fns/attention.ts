/**
 * Fused scaled dot-product attention (PyTorch's _scaled_dot_product_flash_attention and its
 * backward): softmax(q·kᵀ·scale + mask)·v without the [L, S] weights in memory, returning the
 * per-row log-sum-exp the backward recomputes them from. No gradient is recorded (see runFused):
 * scaledDotProductAttention wraps the pair in one autograd node.
 */
import { broadcastShapes, fmtShape, sameShape } from '@kindling/ops';
import type { Tensor } from '../tensor.js';
import { runFused } from './fused.js';

export interface FusedAttentionOptions {
  /** Score scale (scaledDotProductAttention's default is 1/√E). */
  readonly scale: number;
  /** Query i sees keys j <= i. Default false. */
  readonly causal?: boolean;
}

interface Geometry {
  readonly batch: number[];
  readonly L: number;
  readonly S: number;
  readonly E: number;
  readonly Ev: number;
}

function geometry(op: string, q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null): Geometry {
  for (const [name, t] of [
    ['query', q],
    ['key', k],
    ['value', v],
  ] as const) {
    if (t.ndim < 2)
      throw new RangeError(
        `${op}: expected ${name} with at least 2 dims (..., seq, features), got ${fmtShape(t.shape)}`,
      );
  }
  const [L, E] = q.shape.slice(-2);
  const [S, Ek] = k.shape.slice(-2);
  const [Sv, Ev] = v.shape.slice(-2);
  if (Ek !== E || Sv !== S) {
    throw new RangeError(
      `${op}: query ${fmtShape(q.shape)}, key ${fmtShape(k.shape)} and value ${fmtShape(v.shape)} do not fit together`,
    );
  }
  const lead = [q.shape.slice(0, -2), k.shape.slice(0, -2), v.shape.slice(0, -2)];
  if (mask) {
    const ms = mask.shape;
    const mL = ms.length >= 2 ? ms[ms.length - 2] : 1;
    const mS = ms.length >= 1 ? ms[ms.length - 1] : 1;
    if ((mL !== 1 && mL !== L) || (mS !== 1 && mS !== S)) {
      throw new RangeError(
        `${op}: mask ${fmtShape(ms)} does not broadcast to the weights' shape [..., ${L}, ${S}]`,
      );
    }
    lead.push(ms.slice(0, Math.max(0, ms.length - 2)));
  }
  return { batch: broadcastShapes(op, ...lead), L, S, E, Ev };
}

/**
 * q (..., L, E), k (..., S, E), v (..., S, Ev), mask: an additive float mask broadcastable to
 * (..., L, S) (−inf masks) or null; batch dims broadcast. Returns [out (batch, L, Ev), lse
 * (batch, L)]; a row with no finite score gives NaN.
 */
export function fusedAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  mask: Tensor | null,
  opts: FusedAttentionOptions,
): [Tensor, Tensor] {
  const op = 'fusedAttention';
  const { batch, L, S, E, Ev } = geometry(op, q, k, v, mask);
  const ins = mask ? [q, k, v, mask] : [q, k, v];
  const shapes = [
    [...batch, L, E],
    [...batch, S, E],
    [...batch, S, Ev],
    [...batch, L, S],
  ];
  const [out, lse] = runFused(
    op,
    'attention',
    ins,
    [{ shape: [...batch, L, Ev] }, { shape: [...batch, L] }],
    { scale: opts.scale, causal: !!opts.causal },
    shapes,
  );
  return [out, lse];
}

/**
 * The gradient of fusedAttention from its inputs, its outputs out and lse, and dout (batch, L,
 * Ev): [dq, dk, dv] in the shapes of q, k and v (broadcast batch dims summed back). The mask's
 * own gradient is not computed (it needs the [L, S] weights).
 */
export function fusedAttentionBackward(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  out: Tensor,
  dout: Tensor,
  lse: Tensor,
  mask: Tensor | null,
  opts: FusedAttentionOptions,
): [Tensor, Tensor, Tensor] {
  const op = 'fusedAttentionBackward';
  const { batch, L, S, E, Ev } = geometry(op, q, k, v, mask);
  const outShape = [...batch, L, Ev];
  for (const [name, t, want] of [
    ['out', out, outShape],
    ['dout', dout, outShape],
    ['lse', lse, [...batch, L]],
  ] as const) {
    if (!sameShape(t.shape, want))
      throw new RangeError(`${op}: expected ${name} of shape ${fmtShape(want)}, got ${fmtShape(t.shape)}`);
  }
  const ins = [q, k, v, out, dout, lse];
  const shapes = [[...batch, L, E], [...batch, S, E], [...batch, S, Ev], outShape, outShape, [...batch, L]];
  if (mask) {
    ins.push(mask);
    shapes.push([...batch, L, S]);
  }
  const [dq, dk, dv] = runFused(
    op,
    'attentionBackward',
    ins,
    [{ shape: [...batch, L, E] }, { shape: [...batch, S, E] }, { shape: [...batch, S, Ev] }],
    { scale: opts.scale, causal: !!opts.causal },
    shapes,
  );
  return [dq.sumToShape(q.shape), dk.sumToShape(k.shape), dv.sumToShape(v.shape)];
}
