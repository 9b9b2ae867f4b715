/**
 * The fused CPU forward of scaled dot-product attention: for each batch entry and query row, the
 * scores q·kᵀ·scale + mask, their softmax and the weighted sum of the values, in one pass over
 * plain typed arrays with float64 accumulation. Batch dims broadcast (stride 0); the mask
 * broadcasts over every dim.
 */
import type { TypedArray } from '@kindling/tensor';

/** Where each operand's rows start for every flattened batch index. */
export interface AttnLayout {
  /** Flattened batch size, query length, key length, query/key width, value width. */
  B: number;
  L: number;
  S: number;
  E: number;
  Ev: number;
  qOff: Int32Array;
  kOff: Int32Array;
  vOff: Int32Array;
  /** Mask offsets and strides along L and S (0 where the mask broadcasts); null: no mask. */
  mOff: Int32Array | null;
  mRow: number;
  mCol: number;
}

export interface AttnInputs {
  q: TypedArray;
  k: TypedArray;
  v: TypedArray;
  mask: TypedArray | null;
  /** 1 = keep, 0 = dropped, per [B, L, S] element; null: no dropout. */
  keep: Uint8Array | null;
  /** 1 / (1 − p). */
  keepScale: number;
  scale: number;
}

const contiguousStrides = (shape: readonly number[]): number[] => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
};

/**
 * Offsets into a row-major tensor of `shape` (padded on the left with 1s to batch.length + 2
 * dims) for every index of `batch`, broadcasting its size-1 batch dims.
 */
export function batchOffsets(shape: readonly number[], batch: readonly number[]): Int32Array {
  const nd = batch.length;
  const padded = [...new Array<number>(Math.max(0, nd + 2 - shape.length)).fill(1), ...shape];
  const strides = contiguousStrides(padded);
  let n = 1;
  for (const d of batch) n *= d;
  const out = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    let rem = b;
    let off = 0;
    for (let d = nd - 1; d >= 0; d--) {
      const i = rem % batch[d];
      rem = (rem - i) / batch[d];
      if (padded[d] !== 1) off += i * strides[d];
    }
    out[b] = off;
  }
  return out;
}

/**
 * out[b, i, :] = Σ_j softmax_j(q_i·k_j·scale + m_ij) · keep_ij · keepScale · v_j.
 * Fills `out` ([B, L, Ev]) and, when given, `probs` ([B, L, S], the softmax before dropout).
 * A row whose scores are all −inf (or hold a NaN) comes out NaN, as PyTorch's softmax does.
 */
export function attentionForwardCpu(
  lay: AttnLayout,
  x: AttnInputs,
  out: Float32Array | Float64Array,
  probs: Float32Array | Float64Array | null,
): void {
  const { B, L, S, E, Ev, qOff, kOff, vOff, mOff, mRow, mCol } = lay;
  const { q, k, v, mask, keep, keepScale, scale } = x;
  const row = new Float64Array(S);
  const acc = new Float64Array(Ev);
  const qi = new Float64Array(E);
  for (let b = 0; b < B; b++) {
    const kb = kOff[b];
    const vb = vOff[b];
    const mb = mOff ? mOff[b] : 0;
    for (let i = 0; i < L; i++) {
      const qs = qOff[b] + i * E;
      for (let e = 0; e < E; e++) qi[e] = q[qs + e];
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0, ks = kb; j < S; j++, ks += E) {
        let s = 0;
        for (let e = 0; e < E; e++) s += qi[e] * k[ks + e];
        s *= scale;
        if (mask) s += mask[mb + i * mRow + j * mCol];
        row[j] = s;
        if (s > max || s !== s) max = s;
      }
      let sum = 0;
      for (let j = 0; j < S; j++) {
        const ex = Math.exp(row[j] - max);
        row[j] = ex;
        sum += ex;
      }
      const inv = 1 / sum;
      const pRow = (b * L + i) * S;
      for (let j = 0; j < S; j++) row[j] *= inv;
      if (probs) for (let j = 0; j < S; j++) probs[pRow + j] = row[j];
      if (keep) for (let j = 0; j < S; j++) row[j] = keep[pRow + j] ? row[j] * keepScale : 0;
      acc.fill(0);
      for (let j = 0, vs = vb; j < S; j++, vs += Ev) {
        const p = row[j];
        for (let e = 0; e < Ev; e++) acc[e] += p * v[vs + e];
      }
      const o = (b * L + i) * Ev;
      for (let e = 0; e < Ev; e++) out[o + e] = acc[e];
    }
  }
}
