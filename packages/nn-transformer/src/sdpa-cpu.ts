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
 * Four query rows at a time: the scores and the weighted sums are 4×4 register-blocked products
 * (indices past the end are clamped, the duplicates discarded). A row whose scores are all −inf
 * (or hold a NaN) comes out NaN, as PyTorch's softmax does.
 */
// biome-ignore format: the accumulators read as the 4x4 tiles they are
export function attentionForwardCpu(
  lay: AttnLayout,
  x: AttnInputs,
  out: Float32Array | Float64Array,
  probs: Float32Array | Float64Array | null,
): void {
  const { B, L, S, E, Ev, qOff, kOff, vOff, mOff, mRow, mCol } = lay;
  const { q, k, v, mask, keep, keepScale, scale } = x;
  const rows = [new Float64Array(S), new Float64Array(S), new Float64Array(S), new Float64Array(S)];
  const [r0, r1, r2, r3] = rows;
  const S1 = S - 1;
  const E1 = Ev - 1;
  for (let b = 0; b < B; b++) {
    const kb = kOff[b];
    const vb = vOff[b];
    const mb = mOff ? mOff[b] : 0;
    for (let i = 0; i < L; i += 4) {
      const n = Math.min(4, L - i);
      const q0 = qOff[b] + i * E;
      const q1 = qOff[b] + Math.min(i + 1, L - 1) * E;
      const q2 = qOff[b] + Math.min(i + 2, L - 1) * E;
      const q3 = qOff[b] + Math.min(i + 3, L - 1) * E;
      // scores: 4 rows × 4 keys per block
      for (let j = 0; j < S; j += 4) {
        const k0 = kb + j * E;
        const k1 = kb + Math.min(j + 1, S1) * E;
        const k2 = kb + Math.min(j + 2, S1) * E;
        const k3 = kb + Math.min(j + 3, S1) * E;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let e = 0; e < E; e++) {
          const a0 = q[q0 + e], a1 = q[q1 + e], a2 = q[q2 + e], a3 = q[q3 + e];
          const c0 = k[k0 + e], c1 = k[k1 + e], c2 = k[k2 + e], c3 = k[k3 + e];
          s00 += a0 * c0; s01 += a0 * c1; s02 += a0 * c2; s03 += a0 * c3;
          s10 += a1 * c0; s11 += a1 * c1; s12 += a1 * c2; s13 += a1 * c3;
          s20 += a2 * c0; s21 += a2 * c1; s22 += a2 * c2; s23 += a2 * c3;
          s30 += a3 * c0; s31 += a3 * c1; s32 += a3 * c2; s33 += a3 * c3;
        }
        r0[j] = s00; r1[j] = s10; r2[j] = s20; r3[j] = s30;
        if (j + 1 < S) { r0[j + 1] = s01; r1[j + 1] = s11; r2[j + 1] = s21; r3[j + 1] = s31; }
        if (j + 2 < S) { r0[j + 2] = s02; r1[j + 2] = s12; r2[j + 2] = s22; r3[j + 2] = s32; }
        if (j + 3 < S) { r0[j + 3] = s03; r1[j + 3] = s13; r2[j + 3] = s23; r3[j + 3] = s33; }
      }
      // scale, mask, softmax (and dropout) per row
      for (let r = 0; r < n; r++) {
        const row = rows[r];
        const mi = mb + (i + r) * mRow;
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < S; j++) {
          let sc = row[j] * scale;
          if (mask) sc += mask[mi + j * mCol];
          row[j] = sc;
          if (sc > max || sc !== sc) max = sc;
        }
        let sum = 0;
        for (let j = 0; j < S; j++) {
          const ex = Math.exp(row[j] - max);
          row[j] = ex;
          sum += ex;
        }
        const inv = 1 / sum;
        const pRow = (b * L + i + r) * S;
        for (let j = 0; j < S; j++) row[j] *= inv;
        if (probs) for (let j = 0; j < S; j++) probs[pRow + j] = row[j];
        if (keep) for (let j = 0; j < S; j++) row[j] = keep[pRow + j] ? row[j] * keepScale : 0;
      }
      // output rows = weights · V: 4 rows × 4 features per block
      const o = (b * L + i) * Ev;
      for (let e = 0; e < Ev; e += 4) {
        const e1 = Math.min(e + 1, E1);
        const e2 = Math.min(e + 2, E1);
        const e3 = Math.min(e + 3, E1);
        let t00 = 0, t01 = 0, t02 = 0, t03 = 0, t10 = 0, t11 = 0, t12 = 0, t13 = 0;
        let t20 = 0, t21 = 0, t22 = 0, t23 = 0, t30 = 0, t31 = 0, t32 = 0, t33 = 0;
        for (let j = 0, vs = vb; j < S; j++, vs += Ev) {
          const c0 = v[vs + e], c1 = v[vs + e1], c2 = v[vs + e2], c3 = v[vs + e3];
          const p0 = r0[j], p1 = r1[j], p2 = r2[j], p3 = r3[j];
          t00 += p0 * c0; t01 += p0 * c1; t02 += p0 * c2; t03 += p0 * c3;
          t10 += p1 * c0; t11 += p1 * c1; t12 += p1 * c2; t13 += p1 * c3;
          t20 += p2 * c0; t21 += p2 * c1; t22 += p2 * c2; t23 += p2 * c3;
          t30 += p3 * c0; t31 += p3 * c1; t32 += p3 * c2; t33 += p3 * c3;
        }
        if (n === 4 && e + 3 < Ev) {
          const a = o + e;
          out[a] = t00; out[a + 1] = t01; out[a + 2] = t02; out[a + 3] = t03;
          out[a + Ev] = t10; out[a + Ev + 1] = t11; out[a + Ev + 2] = t12; out[a + Ev + 3] = t13;
          out[a + 2 * Ev] = t20; out[a + 2 * Ev + 1] = t21; out[a + 2 * Ev + 2] = t22; out[a + 2 * Ev + 3] = t23;
          out[a + 3 * Ev] = t30; out[a + 3 * Ev + 1] = t31; out[a + 3 * Ev + 2] = t32; out[a + 3 * Ev + 3] = t33;
          continue;
        }
        // tails: fewer than 4 rows or features left
        const acc = [t00, t01, t02, t03, t10, t11, t12, t13, t20, t21, t22, t23, t30, t31, t32, t33];
        for (let r = 0; r < n; r++) {
          for (let c = 0; c < 4 && e + c < Ev; c++) out[o + r * Ev + e + c] = acc[r * 4 + c];
        }
      }
    }
  }
}
