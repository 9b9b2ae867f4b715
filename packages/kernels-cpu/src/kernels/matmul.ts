import { type CpuContext, type CpuKernel, computeDTypes } from '../context.js';
import { SLOT } from '../scratch.js';
import { coalesce, forEachRow, numelOf } from '../strided.js';
import { gemm, intGemm, type Operand, type Panels } from './gemm.js';
import { gemmF32 } from './gemm-f32.js';

/**
 * Batched [.., m, k] @ [.., k, n]: the batch dims (already broadcast, stride 0 allowed) are walked
 * with the shared row iterator, each entry is one strided GEMM.
 */
export const matmul: CpuKernel<'matmul'> = (ctx, [out], [a, b]) => {
  computeDTypes('matmul', [out, a, b]);
  const nd = out.shape.length;
  if (nd < 2 || a.shape.length !== nd || b.shape.length !== nd) {
    throw new RangeError(
      `cpu matmul: expected batch-broadcast operands, got [${a.shape}] @ [${b.shape}] -> [${out.shape}]`,
    );
  }
  const m = out.shape[nd - 2];
  const n = out.shape[nd - 1];
  const k = a.shape[nd - 1];
  if (a.shape[nd - 2] !== m || b.shape[nd - 2] !== k || b.shape[nd - 1] !== n) {
    throw new RangeError(`cpu matmul: shapes [${a.shape}] @ [${b.shape}] do not give [${out.shape}]`);
  }
  const batchShape = out.shape.slice(0, -2);
  if (numelOf(batchShape) === 0 || m === 0 || n === 0) return;
  const float = out.dtype === 'float32' || out.dtype === 'float64';
  const wasm = ctx.wasm && out.dtype === 'float32' && a.dtype === 'float32' && b.dtype === 'float32';
  const panels = panelsOf(ctx);
  const entry = (aOff: number, bOff: number, cOff: number) => {
    const A: Operand = { data: a.buffer, offset: aOff, rs: a.strides[nd - 2], cs: a.strides[nd - 1] };
    const B: Operand = { data: b.buffer, offset: bOff, rs: b.strides[nd - 2], cs: b.strides[nd - 1] };
    const C: Operand = { data: out.buffer, offset: cOff, rs: out.strides[nd - 2], cs: out.strides[nd - 1] };
    if (wasm && gemmF32(m, n, k, A, B, C)) return;
    if (float) gemm(m, n, k, A, B, C, panels);
    else intGemm(m, n, k, A, B, C);
  };
  if (batchShape.length === 0) {
    entry(a.offset, b.offset, out.offset);
    return;
  }
  const layout = coalesce(batchShape, [
    a.strides.slice(0, -2),
    b.strides.slice(0, -2),
    out.strides.slice(0, -2),
  ]);
  const last = layout.shape.length - 1;
  const count = layout.shape[last];
  const [sa, sb, sc] = layout.strides.map((s) => s[last]);
  forEachRow(layout, [a.offset, b.offset, out.offset], (off) => {
    for (let t = 0; t < count; t++) entry(off[0] + t * sa, off[1] + t * sb, off[2] + t * sc);
  });
};

const panelCache = new WeakMap<CpuContext, Panels>();

function panelsOf(ctx: CpuContext): Panels {
  let p = panelCache.get(ctx);
  if (!p) {
    const s = ctx.scratch;
    p = {
      packA: (n) => s.f64(SLOT.packA, n),
      packB: (n) => s.f64(SLOT.packB, n),
      row: (n) => s.f64(SLOT.row, n),
    };
    panelCache.set(ctx, p);
  }
  return p;
}
