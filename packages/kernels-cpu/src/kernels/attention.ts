import type { CpuKernel } from '../context.js';
import { SLOT } from '../scratch.js';
import { numelOf } from '../strided.js';
import { attentionBackwardF32, attentionF32, useAttentionF32 } from './attention-f32.js';
import { batchBases, dimsOf, floats, opOf } from './attention-layout.js';

/**
 * Scaled dot-product attention and its gradient, fused: per batch entry and query row the
 * scores, their softmax and the weighted sum of the values, with float64 accumulation and only a
 * row of scores in scratch (never the [L, S] weights). The backward recomputes each row's
 * weights from the saved log-sum-exp, so nothing but `lse` has to be kept between the passes.
 * Operands are any strided views; batch dims are already broadcast (stride 0 allowed). Float32
 * problems of some size go to attention-f32.ts instead, which runs the products on the wasm GEMM.
 */

/**
 * out = softmax(q·kᵀ·scale + mask)·v, lse = the log-sum-exp of each row of scores. Four query
 * rows at a time: scores and weighted sums are 4×4 register-blocked (indices past the end are
 * clamped and the duplicates discarded). Causal rows stop at their own index.
 */
// biome-ignore format: the accumulators read as the 4x4 tiles they are
export const attention: CpuKernel<'attention'> = (ctx, [out, lse], [q, k, v, mask], { scale, causal }) => {
  floats('attention', mask ? [out, lse, q, k, v, mask] : [out, lse, q, k, v]);
  const d = dimsOf('attention', q, k, v, mask);
  const { batch, L, S, E, Ev } = d;
  if (numelOf(batch) === 0 || L === 0) return;
  // float32 problems of some size run on the wasm GEMM
  if (useAttentionF32(ctx, [out, lse, q, k, v, mask], d))
    return attentionF32(ctx, [out, lse], [q, k, v, mask], scale, causal, d);
  const views = mask ? [q, k, v, out, lse, mask] : [q, k, v, out, lse];
  const bases = batchBases(batch, views, [2, 2, 2, 2, 1, 2]);
  const Q = opOf(q, 2), K = opOf(k, 2), V = opOf(v, 2), O = opOf(out, 2), LS = opOf(lse, 1);
  const M = mask ? opOf(mask, 2) : null;
  const qa = Q.a, ka = K.a, va = V.a, oa = O.a;
  const qe = Q.cs, ke = K.cs, ve = V.cs, ks = K.rs, vs = V.rs;
  const scores = ctx.scratch.f64(SLOT.row, 4 * S);
  const rows = [0, 1, 2, 3].map((r) => scores.subarray(r * S, (r + 1) * S));
  const [r0, r1, r2, r3] = rows;
  const E1 = Ev - 1;
  for (let b = 0; b < bases[0].length; b++) {
    const qb = bases[0][b], kb = bases[1][b], vb = bases[2][b], ob = bases[3][b], lb = bases[4][b];
    const mb = M ? bases[5][b] : 0;
    for (let i = 0; i < L; i += 4) {
      const n = Math.min(4, L - i);
      const jEnd = causal ? Math.min(S, i + n) : S;
      const J1 = jEnd - 1;
      const q0 = qb + i * Q.rs;
      const q1 = qb + Math.min(i + 1, L - 1) * Q.rs;
      const q2 = qb + Math.min(i + 2, L - 1) * Q.rs;
      const q3 = qb + Math.min(i + 3, L - 1) * Q.rs;
      for (let j = 0; j < jEnd; j += 4) {
        const k0 = kb + j * ks;
        const k1 = kb + Math.min(j + 1, J1) * ks;
        const k2 = kb + Math.min(j + 2, J1) * ks;
        const k3 = kb + Math.min(j + 3, J1) * ks;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let e = 0, qo = 0, ko = 0; e < E; e++, qo += qe, ko += ke) {
          const a0 = qa[q0 + qo], a1 = qa[q1 + qo], a2 = qa[q2 + qo], a3 = qa[q3 + qo];
          const c0 = ka[k0 + ko], c1 = ka[k1 + ko], c2 = ka[k2 + ko], c3 = ka[k3 + ko];
          s00 += a0 * c0; s01 += a0 * c1; s02 += a0 * c2; s03 += a0 * c3;
          s10 += a1 * c0; s11 += a1 * c1; s12 += a1 * c2; s13 += a1 * c3;
          s20 += a2 * c0; s21 += a2 * c1; s22 += a2 * c2; s23 += a2 * c3;
          s30 += a3 * c0; s31 += a3 * c1; s32 += a3 * c2; s33 += a3 * c3;
        }
        r0[j] = s00; r1[j] = s10; r2[j] = s20; r3[j] = s30;
        if (j + 1 < jEnd) { r0[j + 1] = s01; r1[j + 1] = s11; r2[j + 1] = s21; r3[j + 1] = s31; }
        if (j + 2 < jEnd) { r0[j + 2] = s02; r1[j + 2] = s12; r2[j + 2] = s22; r3[j + 2] = s32; }
        if (j + 3 < jEnd) { r0[j + 3] = s03; r1[j + 3] = s13; r2[j + 3] = s23; r3[j + 3] = s33; }
      }
      // scale, mask, softmax per row; a causal row's keys past its index weigh 0
      for (let r = 0; r < 4; r++) {
        const row = rows[r];
        if (r >= n) {
          row.fill(0, 0, jEnd);
          continue;
        }
        const end = causal ? Math.min(jEnd, i + r + 1) : jEnd;
        let max = Number.NEGATIVE_INFINITY;
        if (M) {
          const mi = mb + (i + r) * M.rs;
          for (let j = 0; j < end; j++) {
            const sc = row[j] * scale + M.a[mi + j * M.cs];
            row[j] = sc;
            if (sc > max || sc !== sc) max = sc;
          }
        } else {
          for (let j = 0; j < end; j++) {
            const sc = row[j] * scale;
            row[j] = sc;
            if (sc > max || sc !== sc) max = sc;
          }
        }
        let sum = 0;
        for (let j = 0; j < end; j++) {
          const ex = Math.exp(row[j] - max);
          row[j] = ex;
          sum += ex;
        }
        // no finite score (all masked, or a NaN): exp(−inf − −inf) made the row NaN already
        const inv = 1 / sum;
        for (let j = 0; j < end; j++) row[j] *= inv;
        row.fill(0, end, jEnd);
        LS.a[lb + (i + r) * LS.rs] = max + Math.log(sum);
      }
      // output rows = weights · V: 4 rows × 4 features per block
      for (let e = 0; e < Ev; e += 4) {
        const e1 = Math.min(e + 1, E1) * ve, e2 = Math.min(e + 2, E1) * ve, e3 = Math.min(e + 3, E1) * ve;
        const e0 = e * ve;
        let t00 = 0, t01 = 0, t02 = 0, t03 = 0, t10 = 0, t11 = 0, t12 = 0, t13 = 0;
        let t20 = 0, t21 = 0, t22 = 0, t23 = 0, t30 = 0, t31 = 0, t32 = 0, t33 = 0;
        for (let j = 0, vj = vb; j < jEnd; j++, vj += vs) {
          const c0 = va[vj + e0], c1 = va[vj + e1], c2 = va[vj + e2], c3 = va[vj + e3];
          const p0 = r0[j], p1 = r1[j], p2 = r2[j], p3 = r3[j];
          t00 += p0 * c0; t01 += p0 * c1; t02 += p0 * c2; t03 += p0 * c3;
          t10 += p1 * c0; t11 += p1 * c1; t12 += p1 * c2; t13 += p1 * c3;
          t20 += p2 * c0; t21 += p2 * c1; t22 += p2 * c2; t23 += p2 * c3;
          t30 += p3 * c0; t31 += p3 * c1; t32 += p3 * c2; t33 += p3 * c3;
        }
        const acc = TILE;
        acc[0] = t00; acc[1] = t01; acc[2] = t02; acc[3] = t03;
        acc[4] = t10; acc[5] = t11; acc[6] = t12; acc[7] = t13;
        acc[8] = t20; acc[9] = t21; acc[10] = t22; acc[11] = t23;
        acc[12] = t30; acc[13] = t31; acc[14] = t32; acc[15] = t33;
        for (let r = 0; r < n; r++) {
          const o = ob + (i + r) * O.rs;
          for (let c = 0; c < 4 && e + c < Ev; c++) oa[o + (e + c) * O.cs] = acc[r * 4 + c];
        }
      }
    }
  }
};

const TILE = new Float64Array(16);

/**
 * dq, dk, dv from the recomputed weights p = exp(score − lse): with D_i = dout_i·out_i,
 * ds_ij = p_ij·(dout_i·v_j − D_i); dq_i = scale·Σ_j ds_ij·k_j, dk_j = scale·Σ_i ds_ij·q_i,
 * dv_j = Σ_i p_ij·dout_i. dk and dv accumulate over a batch entry's rows in float64 scratch.
 */
export const attentionBackward: CpuKernel<'attentionBackward'> = (
  ctx,
  [dq, dk, dv],
  [q, k, v, out, dout, lse, mask],
  { scale, causal },
) => {
  const all = [dq, dk, dv, q, k, v, out, dout, lse];
  floats('attentionBackward', mask ? [...all, mask] : all);
  const d = dimsOf('attentionBackward', q, k, v, mask);
  const { batch, L, S, E, Ev } = d;
  if (useAttentionF32(ctx, [...all, mask], d)) {
    return attentionBackwardF32(ctx, [dq, dk, dv], [q, k, v, out, dout, lse, mask], scale, causal, d);
  }
  const views = [q, k, v, out, dout, lse, dq, dk, dv];
  if (mask) views.push(mask);
  const bases = batchBases(batch, views, [2, 2, 2, 2, 2, 1, 2, 2, 2, 2]);
  const [Q, K, V, O, DO] = [q, k, v, out, dout].map((x) => opOf(x, 2));
  const LS = opOf(lse, 1);
  const [DQ, DK, DV] = [dq, dk, dv].map((x) => opOf(x, 2));
  const M = mask ? opOf(mask, 2) : null;
  const s = ctx.scratch;
  const accK = s.f64(SLOT.acc, S * E);
  const accV = s.f64(SLOT.aux, S * Ev);
  const qRow = s.f64(SLOT.row, E + Ev + E);
  for (let b = 0; b < bases[0].length; b++) {
    const [qb, kb, vb, ob, gb, lb, dqb, dkb, dvb] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((x) => bases[x][b]);
    const mb = M ? bases[9][b] : 0;
    accK.fill(0, 0, S * E);
    accV.fill(0, 0, S * Ev);
    for (let i = 0; i < L; i++) {
      // q_i, dout_i and the dq_i accumulator as float64 rows
      const qi = qb + i * Q.rs;
      const gi = gb + i * DO.rs;
      const oi = ob + i * O.rs;
      let D = 0;
      for (let e = 0; e < Ev; e++) {
        const g = DO.a[gi + e * DO.cs];
        qRow[E + e] = g;
        D += g * O.a[oi + e * O.cs];
      }
      for (let e = 0; e < E; e++) {
        qRow[e] = Q.a[qi + e * Q.cs];
        qRow[E + Ev + e] = 0;
      }
      const li = LS.a[lb + i * LS.rs];
      const end = causal ? Math.min(S, i + 1) : S;
      const mi = mb + i * (M ? M.rs : 0);
      for (let j = 0; j < end; j++) {
        const kj = kb + j * K.rs;
        const vj = vb + j * V.rs;
        let sc = 0;
        for (let e = 0; e < E; e++) sc += qRow[e] * K.a[kj + e * K.cs];
        sc *= scale;
        if (M) sc += M.a[mi + j * M.cs];
        const p = Math.exp(sc - li);
        let dp = 0;
        for (let e = 0; e < Ev; e++) dp += qRow[E + e] * V.a[vj + e * V.cs];
        const ds = p * (dp - D);
        const ak = j * E;
        for (let e = 0; e < E; e++) {
          qRow[E + Ev + e] += ds * K.a[kj + e * K.cs];
          accK[ak + e] += ds * qRow[e];
        }
        const av = j * Ev;
        for (let e = 0; e < Ev; e++) accV[av + e] += p * qRow[E + e];
      }
      const di = dqb + i * DQ.rs;
      for (let e = 0; e < E; e++) DQ.a[di + e * DQ.cs] = qRow[E + Ev + e] * scale;
    }
    for (let j = 0; j < S; j++) {
      const dkj = dkb + j * DK.rs;
      for (let e = 0; e < E; e++) DK.a[dkj + e * DK.cs] = accK[j * E + e] * scale;
      const dvj = dvb + j * DV.rs;
      for (let e = 0; e < Ev; e++) DV.a[dvj + e * DV.cs] = accV[j * Ev + e];
    }
  }
};
