import type { TypedArray } from '@kindling/ops';
import { type CpuKernel, type CpuView, computeDTypes } from '../context.js';

/**
 * The fused gate kernels of one recurrent step (Elman, LSTM, GRU) and their gradients: one pass
 * over [B, H] doing all of a step's elementwise work, which the composite path spreads over ten
 * to thirty dispatches. Arithmetic is in float64 (JS numbers), rounded once on store, with the
 * same sigmoid and tanh as the unary kernels. Backward kernels recompute the gates from the
 * pre-activations instead of saving them: cheaper than the memory traffic of keeping them.
 */

/** A 2-D operand: element (b, j) is at `a[o + b * rs + j * cs]`. */
interface Mat {
  readonly a: TypedArray;
  readonly o: number;
  readonly rs: number;
  readonly cs: number;
}

function mat(kernel: string, what: string, v: CpuView, rows: number, cols: number): Mat {
  if (v.shape.length !== 2 || v.shape[0] !== rows || v.shape[1] !== cols) {
    throw new RangeError(`cpu ${kernel}: expected ${what} of shape [${rows}, ${cols}], got [${v.shape}]`);
  }
  return { a: v.buffer, o: v.offset, rs: v.strides[0], cs: v.strides[1] };
}

/** A bias vector [n] seen as a [rows, n] operand with row stride 0. */
function bias(kernel: string, v: CpuView, rows: number, n: number): Mat {
  if (v.shape.length !== 1 || v.shape[0] !== n) {
    throw new RangeError(`cpu ${kernel}: expected a bias of shape [${n}], got [${v.shape}]`);
  }
  return { a: v.buffer, o: v.offset, rs: 0, cs: v.strides[0] };
}

/** The [B, H] size of a cell from its state operand, and the floats-only check. */
function cellSize(kernel: string, views: readonly CpuView[], state: CpuView): [number, number] {
  computeDTypes(kernel, views);
  for (const v of views) {
    if (v.dtype !== 'float32' && v.dtype !== 'float64') {
      throw new TypeError(`cpu ${kernel}: expected float32 or float64 operands, got ${v.dtype}`);
    }
  }
  if (state.shape.length !== 2)
    throw new RangeError(`cpu ${kernel}: expected a [B, H] state, got [${state.shape}]`);
  return [state.shape[0], state.shape[1]];
}

const sigmoid = (x: number): number => {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
};

const relu = (x: number): number => (x > 0 ? x : x === 0 || x < 0 ? 0 : x);

/** Σ of the dh' addends at (b, j). */
function sumAt(parts: readonly Mat[], b: number, j: number): number {
  let s = 0;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    s += p.a[p.o + b * p.rs + j * p.cs];
  }
  return s;
}

export const rnnCell: CpuKernel<'rnnCell'> = (_ctx, [out], [gi, hh], { nonlinearity }) => {
  const k = 'rnnCell';
  const [B, H] = cellSize(k, [out, gi, hh], out);
  const O = mat(k, "h'", out, B, H);
  const G = mat(k, 'gi', gi, B, H);
  const R = mat(k, 'hh', hh, B, H);
  const tanh = nonlinearity === 'tanh';
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const pre = G.a[G.o + b * G.rs + j * G.cs] + R.a[R.o + b * R.rs + j * R.cs];
      O.a[O.o + b * O.rs + j * O.cs] = tanh ? Math.tanh(pre) : relu(pre);
    }
  }
};

export const rnnCellBackward: CpuKernel<'rnnCellBackward'> = (_ctx, [dpre], [h, ...dh], { nonlinearity }) => {
  const k = 'rnnCellBackward';
  const [B, H] = cellSize(k, [dpre, h, ...dh], h);
  const D = mat(k, 'd pre-activation', dpre, B, H);
  const Hs = mat(k, "h'", h, B, H);
  const parts = dh.map((v) => mat(k, "dh'", v, B, H));
  const tanh = nonlinearity === 'tanh';
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const y = Hs.a[Hs.o + b * Hs.rs + j * Hs.cs];
      const g = sumAt(parts, b, j);
      D.a[D.o + b * D.rs + j * D.cs] = tanh ? g * (1 - y * y) : y > 0 ? g : g * 0;
    }
  }
};

export const lstmCell: CpuKernel<'lstmCell'> = (_ctx, [hOut, cOut], [gi, hh, c]) => {
  const k = 'lstmCell';
  const [B, H] = cellSize(k, [hOut, cOut, gi, hh, c], c);
  const HO = mat(k, "h'", hOut, B, H);
  const CO = mat(k, "c'", cOut, B, H);
  const G = mat(k, 'gi', gi, B, 4 * H);
  const R = mat(k, 'hh', hh, B, 4 * H);
  const C = mat(k, 'c', c, B, H);
  for (let b = 0; b < B; b++) {
    const g0 = G.o + b * G.rs;
    const r0 = R.o + b * R.rs;
    for (let j = 0; j < H; j++) {
      const gj = g0 + j * G.cs;
      const rj = r0 + j * R.cs;
      const gH = H * G.cs;
      const rH = H * R.cs;
      const i = sigmoid(G.a[gj] + R.a[rj]);
      const f = sigmoid(G.a[gj + gH] + R.a[rj + rH]);
      const g = Math.tanh(G.a[gj + 2 * gH] + R.a[rj + 2 * rH]);
      const o = sigmoid(G.a[gj + 3 * gH] + R.a[rj + 3 * rH]);
      const c2 = f * C.a[C.o + b * C.rs + j * C.cs] + i * g;
      CO.a[CO.o + b * CO.rs + j * CO.cs] = c2;
      HO.a[HO.o + b * HO.rs + j * HO.cs] = o * Math.tanh(c2);
    }
  }
};

export const lstmCellBackward: CpuKernel<'lstmCellBackward'> = (
  _ctx,
  [dgates, dcOut],
  [gi, hh, c, c2, dc2, ...dh],
) => {
  const k = 'lstmCellBackward';
  const [B, H] = cellSize(k, [dgates, dcOut, gi, hh, c, c2, dc2, ...dh], c);
  if (dh.length === 0) throw new RangeError(`cpu ${k}: expected at least one dh' input`);
  const DG = mat(k, 'd gates', dgates, B, 4 * H);
  const DC = mat(k, 'dc', dcOut, B, H);
  const G = mat(k, 'gi', gi, B, 4 * H);
  const R = mat(k, 'hh', hh, B, 4 * H);
  const C = mat(k, 'c', c, B, H);
  const C2 = mat(k, "c'", c2, B, H);
  const DC2 = mat(k, "dc'", dc2, B, H);
  const parts = dh.map((v) => mat(k, "dh'", v, B, H));
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const gj = G.o + b * G.rs + j * G.cs;
      const rj = R.o + b * R.rs + j * R.cs;
      const gH = H * G.cs;
      const rH = H * R.cs;
      const i = sigmoid(G.a[gj] + R.a[rj]);
      const f = sigmoid(G.a[gj + gH] + R.a[rj + rH]);
      const g = Math.tanh(G.a[gj + 2 * gH] + R.a[rj + 2 * rH]);
      const o = sigmoid(G.a[gj + 3 * gH] + R.a[rj + 3 * rH]);
      const cv = C.a[C.o + b * C.rs + j * C.cs];
      const tc = Math.tanh(C2.a[C2.o + b * C2.rs + j * C2.cs]);
      const d = sumAt(parts, b, j);
      const dc = DC2.a[DC2.o + b * DC2.rs + j * DC2.cs] + d * o * (1 - tc * tc);
      const dj = DG.o + b * DG.rs + j * DG.cs;
      const dH = H * DG.cs;
      DG.a[dj] = dc * g * (i * (1 - i));
      DG.a[dj + dH] = dc * cv * (f * (1 - f));
      DG.a[dj + 2 * dH] = dc * i * (1 - g * g);
      DG.a[dj + 3 * dH] = d * tc * (o * (1 - o));
      DC.a[DC.o + b * DC.rs + j * DC.cs] = dc * f;
    }
  }
};

/** r, z, n and gh_n of one GRU element (what forward and backward share), in GRU_GATES. */
const GRU_GATES = new Float64Array(4);
function gruGates(G: Mat, R: Mat, bh: Mat | null, H: number, b: number, j: number): void {
  const gj = G.o + b * G.rs + j * G.cs;
  const rj = R.o + b * R.rs + j * R.cs;
  const gH = H * G.cs;
  const rH = H * R.cs;
  const bj = bh ? bh.o + j * bh.cs : 0;
  const bH = bh ? H * bh.cs : 0;
  const ba = bh ? bh.a : null;
  const hr = R.a[rj] + (ba ? ba[bj] : 0);
  const hz = R.a[rj + rH] + (ba ? ba[bj + bH] : 0);
  const hn = R.a[rj + 2 * rH] + (ba ? ba[bj + 2 * bH] : 0);
  const r = sigmoid(G.a[gj] + hr);
  const z = sigmoid(G.a[gj + gH] + hz);
  GRU_GATES[0] = r;
  GRU_GATES[1] = z;
  GRU_GATES[2] = Math.tanh(G.a[gj + 2 * gH] + r * hn);
  GRU_GATES[3] = hn;
}

export const gruCell: CpuKernel<'gruCell'> = (_ctx, [out], [gi, hh, h, bhh], { hhBias }) => {
  const k = 'gruCell';
  const [B, H] = cellSize(k, hhBias ? [out, gi, hh, h, bhh] : [out, gi, hh, h], h);
  const O = mat(k, "h'", out, B, H);
  const G = mat(k, 'gi', gi, B, 3 * H);
  const R = mat(k, 'hh', hh, B, 3 * H);
  const Hs = mat(k, 'h', h, B, H);
  const bh = hhBias ? bias(k, bhh, B, 3 * H) : null;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      gruGates(G, R, bh, H, b, j);
      const z = GRU_GATES[1];
      const n = GRU_GATES[2];
      O.a[O.o + b * O.rs + j * O.cs] = n + z * (Hs.a[Hs.o + b * Hs.rs + j * Hs.cs] - n);
    }
  }
};

export const gruCellBackward: CpuKernel<'gruCellBackward'> = (_ctx, [dgi, dgh, direct], ins, { hhBias }) => {
  const k = 'gruCellBackward';
  const [gi, hh, h] = ins;
  const bhh = hhBias ? ins[3] : null;
  const dh = ins.slice(hhBias ? 4 : 3);
  const [B, H] = cellSize(k, [dgi, dgh, direct, ...ins], h);
  if (dh.length === 0) throw new RangeError(`cpu ${k}: expected at least one dh' input`);
  const DI = mat(k, 'd gi', dgi, B, 3 * H);
  const DH = mat(k, 'd gh', dgh, B, 3 * H);
  const DD = mat(k, 'direct dh', direct, B, H);
  const G = mat(k, 'gi', gi, B, 3 * H);
  const R = mat(k, 'hh', hh, B, 3 * H);
  const Hs = mat(k, 'h', h, B, H);
  const bh = bhh ? bias(k, bhh, B, 3 * H) : null;
  const parts = dh.map((v) => mat(k, "dh'", v, B, H));
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      gruGates(G, R, bh, H, b, j);
      const r = GRU_GATES[0];
      const z = GRU_GATES[1];
      const n = GRU_GATES[2];
      const hn = GRU_GATES[3];
      const d = sumAt(parts, b, j);
      const dz = d * (Hs.a[Hs.o + b * Hs.rs + j * Hs.cs] - n) * (z * (1 - z));
      const dn = (d - d * z) * (1 - n * n);
      const dr = dn * hn * (r * (1 - r));
      const ij = DI.o + b * DI.rs + j * DI.cs;
      const iH = H * DI.cs;
      DI.a[ij] = dr;
      DI.a[ij + iH] = dz;
      DI.a[ij + 2 * iH] = dn;
      const hj = DH.o + b * DH.rs + j * DH.cs;
      const hH = H * DH.cs;
      DH.a[hj] = dr;
      DH.a[hj + hH] = dz;
      DH.a[hj + 2 * hH] = dn * r;
      DD.a[DD.o + b * DD.rs + j * DD.cs] = d * z;
    }
  }
};
