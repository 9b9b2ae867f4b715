import type { TypedArray } from '@kindling/ops';
import { gemmF32Module } from '../wasm/gemm-f32.js';
import type { Operand } from './gemm.js';

/**
 * C[m, n] = A[m, k] @ B[k, n] for float32 operands (any strides) through the WebAssembly SIMD
 * macro-kernel of gemm-f32.wat, ~20 GFLOP/s on one core vs ~2-3 for the JS kernel. The blocking
 * is GotoBLAS's, as in gemm.ts, with float32 panels in the module's memory: B in KC x NC blocks of
 * 8-column slivers, A in MC x KC blocks of 4-row slivers, one wasm call per (k block, A block)
 * running all its 4x8 micro-tiles. Operands get into wasm memory by memcpy (TypedArray.set) of
 * their contiguous runs: B's rows or A's columns the kernel reads in place, A's rows or B's
 * columns the module interleaves into slivers; only operands with no contiguous dim are packed
 * element by element in JS, several times slower. The micro-kernel sums in float32, as BLAS
 * does. Results collect in a C strip in wasm memory (later k blocks add to it) and go to the
 * strided C once, at the end of each strip.
 */

const MR = 4;
const NR = 8;
const MC = 128;
const KC = 256;
const NC = 1024;
/** Floats of wasm memory for the C strip (4 MiB); taller products run as several strips. */
const STRIP = 1 << 20;
/** Contiguous runs at least this long are copied in with set(); shorter ones are packed in JS. */
const RUN = 32;

/**
 * Below 8x8x8 multiply-adds, or 16 outputs (vectors, dot products: mostly tile padding), the JS
 * kernels are as fast; wasm wins from there on, by ~2x at 8x8x8 and ~4x at 64x64x64.
 */
const SMALL = 8 * 8 * 8;
const FEW = 16;

/**
 * C = A @ B in wasm where that is faster than the JS kernels: returns false (and does nothing)
 * for small products, or where the module cannot run.
 */
export function gemmF32(m: number, n: number, k: number, A: Operand, B: Operand, C: Operand): boolean {
  if (k === 0 || m * n * k < SMALL || m * n < FEW) return false;
  return wasmGemmF32(m, n, k, A, B, C, false);
}

/**
 * C = A @ B (or C += A @ B with `add`) in wasm, whatever the sizes (k >= 1); false (and nothing
 * done) where the module cannot run. For fused kernels that have already chosen this path.
 */
export function wasmGemmF32(
  m: number,
  n: number,
  k: number,
  A: Operand,
  B: Operand,
  C: Operand,
  add: boolean,
): boolean {
  const wasm = gemmF32Module();
  if (!wasm) return false;
  const ncMax = roundUp(Math.min(n, NC), NR);
  const mcMax = roundUp(Math.min(m, MC), MR);
  const kcMax = Math.min(k, KC);
  const stripRows = Math.max(MC, Math.floor(STRIP / ncMax / MC) * MC);
  // memory layout in floats, 64-byte aligned: A block, B block, staged rows, C strip
  const aAt = 0;
  const bAt = aAt + kcMax * lineStride(mcMax);
  const sAt = bAt + kcMax * lineStride(ncMax);
  const ls = lineStride(kcMax);
  const cAt = sAt + Math.max(mcMax, ncMax) * ls;
  const f = wasm.floats((cAt + roundUp(Math.min(m, stripRows), MR) * ncMax) * 4);
  // byte addresses for the module
  const [aPtr, bPtr, sPtr] = [aAt * 4, bAt * 4, sAt * 4];
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    const ld = roundUp(nc, NR);
    for (let is = 0; is < m; is += stripRows) {
      const ms = Math.min(stripRows, m - is);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc);
        // B's row p of sliver t is at bPtr + t*bs + p*bk
        let bk = NR * 4;
        let bs = kc * NR * 4;
        if (B.cs === 1 && nc >= RUN) {
          const ldb = lineStride(nc);
          copyRows(B.data, B.offset + pc * B.rs + jc, B.rs, kc, nc, f, bAt, ldb);
          bk = ldb * 4;
          bs = NR * 4;
        } else if (B.rs === 1 && kc >= RUN) {
          copyRows(B.data, B.offset + pc + jc * B.cs, B.cs, nc, kc, f, sAt, ls);
          wasm.pack(sPtr, ls * 4, ld, kc, NR, bPtr);
        } else packB(B, pc, kc, jc, nc, f, bAt);
        for (let ic = 0; ic < ms; ic += MC) {
          const mc = Math.min(MC, ms - ic);
          const i0 = is + ic;
          // A's column p of sliver s is at aPtr + s*as + p*ak
          let ak = MR * 4;
          let as = kc * MR * 4;
          if (A.rs === 1 && mc >= RUN) {
            const lda = lineStride(mc);
            copyRows(A.data, A.offset + i0 + pc * A.cs, A.cs, kc, mc, f, aAt, lda);
            ak = lda * 4;
            as = MR * 4;
          } else if (A.cs === 1 && kc >= RUN) {
            copyRows(A.data, A.offset + i0 * A.rs + pc, A.rs, mc, kc, f, sAt, ls);
            wasm.pack(sPtr, ls * 4, roundUp(mc, MR), kc, MR, aPtr);
          } else packA(A, i0, mc, pc, kc, f, aAt);
          const c = (cAt + ic * ld) * 4;
          wasm.block(roundUp(mc, MR), ld, kc, aPtr, ak, as, bPtr, bk, bs, c, ld * 4, pc > 0 ? 1 : 0);
        }
      }
      storeStrip(f, cAt, ld, C, is, ms, jc, nc, add);
    }
  }
  return true;
}

const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;

/**
 * Floats between the rows of `len`-float rows copied into wasm memory: an odd number of 64-byte
 * lines, so a sliver's rows spread over all of L1's sets instead of thrashing a few of them.
 */
const lineStride = (len: number): number => (Math.ceil(len / 16) | 1) * 16;

/** `rows` runs of `len` floats, `stride` apart in `src`, to `f` at `to`, `ld` apart. */
function copyRows(
  src: TypedArray,
  at: number,
  stride: number,
  rows: number,
  len: number,
  f: Float32Array,
  to: number,
  ld: number,
): void {
  for (let r = 0; r < rows; r++, at += stride, to += ld) f.set(src.subarray(at, at + len), to);
}

/** B[pc:pc+kc, jc:jc+nc] as 8-wide slivers at `w`: sliver s holds row p at [s*kc*8 + p*8 + c]. */
function packB(
  B: Operand,
  pc: number,
  kc: number,
  jc: number,
  nc: number,
  out: Float32Array,
  w: number,
): void {
  const { data, rs, cs } = B;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = Math.min(NR, nc - jr);
    let src = B.offset + pc * rs + (jc + jr) * cs;
    if (nr === NR) {
      // biome-ignore format: one line of sliver-row offsets
      const c2 = 2 * cs, c3 = 3 * cs, c4 = 4 * cs, c5 = 5 * cs, c6 = 6 * cs, c7 = 7 * cs;
      for (let p = 0; p < kc; p++, src += rs, w += NR) {
        out[w] = data[src];
        out[w + 1] = data[src + cs];
        out[w + 2] = data[src + c2];
        out[w + 3] = data[src + c3];
        out[w + 4] = data[src + c4];
        out[w + 5] = data[src + c5];
        out[w + 6] = data[src + c6];
        out[w + 7] = data[src + c7];
      }
    } else {
      for (let p = 0; p < kc; p++, src += rs)
        for (let c = 0; c < NR; c++) out[w++] = c < nr ? data[src + c * cs] : 0;
    }
  }
}

/** A[ic:ic+mc, pc:pc+kc] as 4-tall slivers at `w`: sliver s holds column p at [s*kc*4 + p*4 + r]. */
function packA(
  A: Operand,
  ic: number,
  mc: number,
  pc: number,
  kc: number,
  out: Float32Array,
  w: number,
): void {
  const { data, rs, cs } = A;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = Math.min(MR, mc - ir);
    let src = A.offset + (ic + ir) * rs + pc * cs;
    if (mr === MR) {
      // biome-ignore format: one line of sliver-column offsets
      const r2 = 2 * rs, r3 = 3 * rs;
      for (let p = 0; p < kc; p++, src += cs, w += MR) {
        out[w] = data[src];
        out[w + 1] = data[src + rs];
        out[w + 2] = data[src + r2];
        out[w + 3] = data[src + r3];
      }
    } else {
      for (let p = 0; p < kc; p++, src += cs)
        for (let r = 0; r < MR; r++) out[w++] = r < mr ? data[src + r * rs] : 0;
    }
  }
}

/** Copies (or adds) the valid ms x nc corner of the strip (rows `ld` floats apart) to C at (i0, j0). */
function storeStrip(
  f: Float32Array,
  at: number,
  ld: number,
  C: Operand,
  i0: number,
  ms: number,
  j0: number,
  nc: number,
  add: boolean,
): void {
  const c: TypedArray = C.data;
  const { rs, cs } = C;
  for (let i = 0, src = at; i < ms; i++, src += ld) {
    const dst = C.offset + (i0 + i) * rs + j0 * cs;
    if (add) for (let j = 0; j < nc; j++) c[dst + j * cs] += f[src + j];
    // a row copy is a memcpy, worth its subarray allocation on all but short rows
    else if (cs === 1 && nc >= RUN) c.set(f.subarray(src, src + nc), dst);
    else for (let j = 0; j < nc; j++) c[dst + j * cs] = f[src + j];
  }
}
