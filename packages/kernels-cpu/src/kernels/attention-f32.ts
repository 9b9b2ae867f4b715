import type { TypedArray } from '@kindling/ops';
import type { CpuContext, CpuView } from '../context.js';
import { SLOT } from '../scratch.js';
import { gemmF32Module } from '../wasm/gemm-f32.js';
import { batchBases, type Dims, type Op, opOf } from './attention-layout.js';
import type { Operand } from './gemm.js';
import { wasmGemmF32 } from './gemm-f32.js';

/**
 * Float32 attention on the wasm GEMM (gemm-f32.ts): per batch entry and tile of query rows, the
 * scores Q·Kᵀ, their softmax and P·V are three steps with a [rows, S] tile of P in float32
 * scratch; the backward recomputes P from lse as attention.ts does and runs dQ, dK and dV as
 * GEMMs too. Products sum in float32, as PyTorch's float32 attention does; the softmax is float64
 * arithmetic as in the fused JS kernels, which keep float64 and the problems too small to pay
 * for the GEMM calls.
 */

/** Score tiles of about this many floats (256 KiB): query rows per tile = TILE / S. */
const TILE = 1 << 16;
/** Below L·S·E (per batch entry) of 16^3 the fused JS kernels are faster. */
const SMALL = 16 * 16 * 16;

/** Whether the GEMM path takes this problem: float32 throughout, big enough, wasm available. */
export function useAttentionF32(ctx: CpuContext, views: readonly (CpuView | undefined)[], d: Dims): boolean {
  if (!ctx.wasm || d.L === 0 || d.S === 0 || d.E === 0 || d.Ev === 0) return false;
  if (d.L * d.S * Math.max(d.E, d.Ev) < SMALL) return false;
  return views.every((v) => !v || v.dtype === 'float32') && gemmF32Module() !== null;
}

const rowsPerTile = (d: Dims): number => Math.min(d.L, Math.max(4, Math.floor(TILE / d.S)));

const mat = (data: TypedArray, offset: number, rs: number, cs: number): Operand => ({ data, offset, rs, cs });

const gemm = (m: number, n: number, k: number, A: Operand, B: Operand, C: Operand, add = false) =>
  wasmGemmF32(m, n, k, A, B, C, add);

/** out = softmax(q·kᵀ·scale + mask)·v and lse per row, like `attention` (which checked the shapes). */
export function attentionF32(
  ctx: CpuContext,
  [out, lse]: readonly CpuView[],
  [q, k, v, mask]: readonly CpuView[],
  scale: number,
  causal: boolean,
  d: Dims,
): void {
  const { L, S, E, Ev } = d;
  const views = mask ? [q, k, v, out, lse, mask] : [q, k, v, out, lse];
  const bases = batchBases(d.batch, views, [2, 2, 2, 2, 1, 2]);
  const [Q, K, V, O] = [q, k, v, out].map((x) => opOf(x, 2));
  const LS = opOf(lse, 1);
  const M = mask ? opOf(mask, 2) : null;
  const R = rowsPerTile(d);
  const p = ctx.scratch.f32(SLOT.acc, R * S);
  const row = ctx.scratch.f64(SLOT.row, S);
  for (let b = 0; b < bases[0].length; b++) {
    const [qb, kb, vb, ob, lb] = [0, 1, 2, 3, 4].map((x) => bases[x][b]);
    const mb = M ? bases[5][b] : 0;
    for (let i0 = 0; i0 < L; i0 += R) {
      const r = Math.min(R, L - i0);
      // the keys any row of the tile sees (causal rows stop at their own index)
      const n = causal ? Math.min(S, i0 + r) : S;
      gemm(r, n, E, mat(Q.a, qb + i0 * Q.rs, Q.rs, Q.cs), mat(K.a, kb, K.cs, K.rs), mat(p, 0, n, 1));
      for (let t = 0; t < r; t++) {
        const i = i0 + t;
        const end = causal ? Math.min(n, i + 1) : n;
        LS.a[lb + i * LS.rs] = softmaxRow(p, t * n, end, n, scale, M, mb + i * (M ? M.rs : 0), row);
      }
      gemm(r, Ev, n, mat(p, 0, n, 1), mat(V.a, vb, V.rs, V.cs), mat(O.a, ob + i0 * O.rs, O.rs, O.cs));
    }
  }
}

/**
 * Scores p[at, at+end) (unscaled) become softmax weights, with p[at+end, at+n) zeroed (causal);
 * returns the log-sum-exp. No finite score (all masked, or a NaN) gives a NaN row, as softmax does.
 */
function softmaxRow(
  p: Float32Array,
  at: number,
  end: number,
  n: number,
  scale: number,
  M: Op | null,
  mi: number,
  row: Float64Array,
): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < end; j++) {
    const s = p[at + j] * scale + (M ? M.a[mi + j * M.cs] : 0);
    row[j] = s;
    if (s > max || s !== s) max = s;
  }
  let sum = 0;
  for (let j = 0; j < end; j++) {
    const e = Math.exp(row[j] - max);
    row[j] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let j = 0; j < end; j++) p[at + j] = row[j] * inv;
  p.fill(0, at + end, at + n);
  return max + Math.log(sum);
}

/**
 * dq, dk, dv like `attentionBackward`: with P recomputed from lse, dP = dout·vᵀ and
 * dS = scale·P∘(dP − rowsum(dout∘out)): dq = dS·k, dk = dSᵀ·q, dv = Pᵀ·dout, dk and dv summed
 * over the query tiles.
 */
export function attentionBackwardF32(
  ctx: CpuContext,
  [dq, dk, dv]: readonly CpuView[],
  [q, k, v, out, dout, lse, mask]: readonly CpuView[],
  scale: number,
  causal: boolean,
  d: Dims,
): void {
  const { L, S, E, Ev } = d;
  const views = [q, k, v, out, dout, lse, dq, dk, dv];
  if (mask) views.push(mask);
  const bases = batchBases(d.batch, views, [2, 2, 2, 2, 2, 1, 2, 2, 2, 2]);
  const [Q, K, V, O, DO, DQ, DK, DV] = [q, k, v, out, dout, dq, dk, dv].map((x) => opOf(x, 2));
  const LS = opOf(lse, 1);
  const M = mask ? opOf(mask, 2) : null;
  const R = rowsPerTile(d);
  const p = ctx.scratch.f32(SLOT.acc, R * S);
  const ds = ctx.scratch.f32(SLOT.aux, R * S);
  for (let b = 0; b < bases[0].length; b++) {
    const [qb, kb, vb, ob, gb, lb, dqb, dkb, dvb] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((x) => bases[x][b]);
    const mb = M ? bases[9][b] : 0;
    zero(DK.a, dkb, DK.rs, DK.cs, S, E);
    zero(DV.a, dvb, DV.rs, DV.cs, S, Ev);
    for (let i0 = 0; i0 < L; i0 += R) {
      const r = Math.min(R, L - i0);
      const n = causal ? Math.min(S, i0 + r) : S;
      const Qt = mat(Q.a, qb + i0 * Q.rs, Q.rs, Q.cs);
      const Gt = mat(DO.a, gb + i0 * DO.rs, DO.rs, DO.cs);
      gemm(r, n, E, Qt, mat(K.a, kb, K.cs, K.rs), mat(p, 0, n, 1));
      gemm(r, n, Ev, Gt, mat(V.a, vb, V.cs, V.rs), mat(ds, 0, n, 1));
      for (let t = 0; t < r; t++) {
        const i = i0 + t;
        const end = causal ? Math.min(n, i + 1) : n;
        const gi = gb + i * DO.rs;
        const oi = ob + i * O.rs;
        let D = 0;
        for (let e = 0; e < Ev; e++) D += DO.a[gi + e * DO.cs] * O.a[oi + e * O.cs];
        const li = LS.a[lb + i * LS.rs];
        const mi = mb + i * (M ? M.rs : 0);
        const at = t * n;
        for (let j = 0; j < end; j++) {
          const s = p[at + j] * scale + (M ? M.a[mi + j * M.cs] : 0);
          const pj = Math.exp(s - li);
          p[at + j] = pj;
          ds[at + j] = scale * pj * (ds[at + j] - D);
        }
        p.fill(0, at + end, at + n);
        ds.fill(0, at + end, at + n);
      }
      gemm(r, E, n, mat(ds, 0, n, 1), mat(K.a, kb, K.rs, K.cs), mat(DQ.a, dqb + i0 * DQ.rs, DQ.rs, DQ.cs));
      gemm(n, E, r, mat(ds, 0, 1, n), Qt, mat(DK.a, dkb, DK.rs, DK.cs), true);
      gemm(n, Ev, r, mat(p, 0, 1, n), Gt, mat(DV.a, dvb, DV.rs, DV.cs), true);
    }
  }
}

function zero(a: TypedArray, o: number, rs: number, cs: number, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[o + i * rs + j * cs] = 0;
}
