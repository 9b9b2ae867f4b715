import { coalesce, numelOf } from '../layout.js';
import { decompose, kindOf, natTo, Params, pi, Program, toNat } from '../wgsl/program.js';
import type { GpuKernel } from './context.js';

/**
 * Batched [.., m, k] @ [.., k, n] on any strides (batch dims already broadcast, stride 0
 * allowed). Tiled: a 16x8 workgroup computes a 32x64 block of C, each invocation a 4x4 micro
 * tile, staging 32x16 of A and 16x64 of B in workgroup memory per step of k (6 KiB: fits
 * compatibility mode's limits). Floats accumulate in f32, int32 in i32. Batches go to
 * workgroup z (split into several dispatches past the per-dimension limit).
 */
const BM = 32;
const BN = 64;
const BK = 16;
const TX = 16;
const TY = 8;
const RM = BM / TY;
const RN = BN / TX;
const THREADS = TX * TY;

export const matmul: GpuKernel<'matmul'> = (ctx, [out], [a, b]) => {
  const nd = out.shape.length;
  if (nd < 2 || a.shape.length !== nd || b.shape.length !== nd) {
    throw new RangeError(
      `webgpu matmul: expected batch-broadcast operands, got [${a.shape}] @ [${b.shape}] -> [${out.shape}]`,
    );
  }
  const m = out.shape[nd - 2];
  const n = out.shape[nd - 1];
  const k = a.shape[nd - 1];
  if (a.shape[nd - 2] !== m || b.shape[nd - 2] !== k || b.shape[nd - 1] !== n) {
    throw new RangeError(`webgpu matmul: shapes [${a.shape}] @ [${b.shape}] do not give [${out.shape}]`);
  }
  const batchShape = out.shape.slice(0, -2);
  const nBatch = numelOf(batchShape);
  if (nBatch === 0 || m === 0 || n === 0) return;
  const layout = coalesce(batchShape, [
    a.strides.slice(0, -2),
    b.strides.slice(0, -2),
    out.strides.slice(0, -2),
  ]);
  const kind = kindOf(out.dtype);
  const T = kind === 'f32' ? 'f32' : 'i32';
  const zero = kind === 'f32' ? '0.0' : '0';
  const maxZ = ctx.rt.maxPerDim;
  if (Math.ceil(n / BN) > maxZ || Math.ceil(m / BM) > maxZ) {
    throw new RangeError(
      `webgpu matmul: [${m}, ${k}] @ [${k}, ${n}] needs more workgroups than the device allows per dimension`,
    );
  }
  for (let b0 = 0; b0 < nBatch; b0 += maxZ) {
    const p = new Params();
    const M = p.i32(m);
    const N = p.i32(n);
    const K = p.i32(k);
    const base = p.i32(b0);
    const offs = [p.i32(a.offset), p.i32(b.offset), p.i32(out.offset)];
    const rs = [p.i32(a.strides[nd - 2]), p.i32(b.strides[nd - 2]), p.i32(out.strides[nd - 2])];
    const cs = [p.i32(a.strides[nd - 1]), p.i32(b.strides[nd - 1]), p.i32(out.strides[nd - 1])];
    const bShape = layout.shape.map((s) => p.i32(s));
    const bStrides = layout.strides.map((st) => st.map((s) => p.i32(s)));
    const program = new Program([
      { name: 'out', buffer: out.buffer, dtype: out.dtype, write: true },
      { name: 'a', buffer: a.buffer, dtype: a.dtype },
      { name: 'b', buffer: b.buffer, dtype: b.dtype },
    ]);
    const body = `
  let kd_tx = i32(kd_lid.x);
  let kd_ty = i32(kd_lid.y);
  let kd_tid = kd_ty * ${TX} + kd_tx;
  let kd_row0 = i32(kd_wid.y) * ${BM};
  let kd_col0 = i32(kd_wid.x) * ${BN};
  let kd_M = ${pi(M)};
  let kd_N = ${pi(N)};
  let kd_K = ${pi(K)};
  var kd_o_a = ${pi(offs[0])};
  var kd_o_b = ${pi(offs[1])};
  var kd_o_out = ${pi(offs[2])};
${decompose(`i32(kd_wid.z) + ${pi(base)}`, bShape, ['kd_o_a', 'kd_o_b', 'kd_o_out'], bStrides)}
  let kd_ars = ${pi(rs[0])};
  let kd_acs = ${pi(cs[0])};
  let kd_brs = ${pi(rs[1])};
  let kd_bcs = ${pi(cs[1])};
  var kd_acc: array<${T}, ${RM * RN}>;
  for (var kd_i = 0; kd_i < ${RM * RN}; kd_i++) { kd_acc[kd_i] = ${zero}; }
  for (var kd_k0 = 0; kd_k0 < kd_K; kd_k0 += ${BK}) {
    for (var kd_i = 0; kd_i < ${(BM * BK) / THREADS}; kd_i++) {
      let kd_e = kd_tid + kd_i * ${THREADS};
      let kd_r = kd_e / ${BK};
      let kd_c = kd_e % ${BK};
      let kd_gr = kd_row0 + kd_r;
      let kd_gc = kd_k0 + kd_c;
      var kd_v: ${T} = ${zero};
      if (kd_gr < kd_M && kd_gc < kd_K) { kd_v = ${natTo('ld_a(kd_o_a + kd_gr * kd_ars + kd_gc * kd_acs)', a.dtype, kind)}; }
      kd_As[kd_c * ${BM} + kd_r] = kd_v;
    }
    for (var kd_i = 0; kd_i < ${(BN * BK) / THREADS}; kd_i++) {
      let kd_e = kd_tid + kd_i * ${THREADS};
      let kd_r = kd_e / ${BN};
      let kd_c = kd_e % ${BN};
      let kd_gr = kd_k0 + kd_r;
      let kd_gc = kd_col0 + kd_c;
      var kd_v: ${T} = ${zero};
      if (kd_gr < kd_K && kd_gc < kd_N) { kd_v = ${natTo('ld_b(kd_o_b + kd_gr * kd_brs + kd_gc * kd_bcs)', b.dtype, kind)}; }
      kd_Bs[kd_r * ${BN} + kd_c] = kd_v;
    }
    workgroupBarrier();
    for (var kd_kk = 0; kd_kk < ${BK}; kd_kk++) {
      var kd_av: array<${T}, ${RM}>;
      var kd_bv: array<${T}, ${RN}>;
      for (var kd_i = 0; kd_i < ${RM}; kd_i++) { kd_av[kd_i] = kd_As[kd_kk * ${BM} + kd_ty * ${RM} + kd_i]; }
      for (var kd_j = 0; kd_j < ${RN}; kd_j++) { kd_bv[kd_j] = kd_Bs[kd_kk * ${BN} + kd_tx + kd_j * ${TX}]; }
      for (var kd_i = 0; kd_i < ${RM}; kd_i++) {
        for (var kd_j = 0; kd_j < ${RN}; kd_j++) {
          kd_acc[kd_i * ${RN} + kd_j] = kd_acc[kd_i * ${RN} + kd_j] + kd_av[kd_i] * kd_bv[kd_j];
        }
      }
    }
    workgroupBarrier();
  }
  let kd_ors = ${pi(rs[2])};
  let kd_ocs = ${pi(cs[2])};
  for (var kd_i = 0; kd_i < ${RM}; kd_i++) {
    let kd_r = kd_row0 + kd_ty * ${RM} + kd_i;
    for (var kd_j = 0; kd_j < ${RN}; kd_j++) {
      let kd_c = kd_col0 + kd_tx + kd_j * ${TX};
      if (kd_r < kd_M && kd_c < kd_N) {
        st_out(kd_o_out + kd_r * kd_ors + kd_c * kd_ocs, ${toNat(`kd_acc[kd_i * ${RN} + kd_j]`, kind, out.dtype)});
      }
    }
  }`;
    const z = Math.min(maxZ, nBatch - b0);
    ctx.rt.dispatch({
      kernel: 'matmul',
      key: `matmul:nb${layout.shape.length}:${a.dtype},${b.dtype}>${out.dtype}`,
      program,
      params: p,
      groups: [Math.ceil(n / BN), Math.ceil(m / BM), z],
      source: () => `${program.declarations(p.length)}
var<workgroup> kd_As: array<${T}, ${BM * BK}>;
var<workgroup> kd_Bs: array<${T}, ${BN * BK}>;
@compute @workgroup_size(${TX}, ${TY})
fn main(@builtin(workgroup_id) kd_wid: vec3<u32>, @builtin(local_invocation_id) kd_lid: vec3<u32>) {
${body}
}`,
    });
  }
};
