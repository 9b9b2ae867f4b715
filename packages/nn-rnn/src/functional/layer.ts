/**
 * One layer and direction of a recurrent network as a single autograd node (customOp): the
 * forward runs the time loop without recording, the backward runs backpropagation through time
 * by hand. Per step that is one matmul (h·W_hhᵀ, or dgates·W_hh) and one fused gate kernel each
 * way; the input projection and the weight gradients are one matmul each over all time steps.
 * The gate kernels write each step's results straight into rows of sequence buffers (outputs,
 * cell states, gate gradients), so no per-step copies are left for a final concatenation, and
 * the addends of a step's dh' (recurrent, output and GRU's direct part) are summed inside the
 * kernel. An LSTM projection adds its matmul each way, and a copy and an add per step.
 * (Recording every step instead costs, per step, a full-size scatter for the slice of the
 * input projection it reads.)
 *
 * Under createGraph (double backward) the backward re-runs the recorded composite forward and
 * differentiates that, so higher-order gradients stay exact.
 */
import { linear } from '@kindling/nn-layers';
import {
  cat,
  customOp,
  fusedGruCell,
  fusedGruCellBackward,
  fusedLstmCell,
  fusedLstmCellBackward,
  fusedRnnCell,
  fusedRnnCellBackward,
  isGradEnabled,
  type Tensor,
} from '@kindling/tensor';
import { compositeGrads } from './composite-grad.js';
import type { LayerWeights, RNNMode } from './recurrent.js';
import { savedVersions } from './saved-inputs.js';

/** A run of rows [start, start + len) of one of two sources (the outputs or the initial state). */
interface Rows {
  src: 'out' | 'init';
  start: number;
  len: number;
}

/** Row runs in order, neighbours that continue each other merged (so contiguous runs need no copy). */
function pushRows(runs: Rows[], src: Rows['src'], start: number, len: number): void {
  if (len <= 0) return;
  const last = runs[runs.length - 1];
  if (last && last.src === src && last.start + last.len === start) last.len += len;
  else runs.push({ src, start, len });
}

/** Σ of gradient addends (usually one tensor: then no dispatch). */
const total = (parts: readonly Tensor[]): Tensor => parts.reduce((a, b) => a.add(b));

/**
 * Runs one direction over packed rows x (N, H_in) with batch sizes `bs` (padded input: all B).
 * init: the initial states, [h0 (B, H_out)] or [h0, c0 (B, H)]. Returns [outputs (N, H_out),
 * final states]. `composite` computes the same with every op recorded, from the given input,
 * initial states and weights (for double backward).
 */
export function fusedDirection(
  mode: RNNMode,
  x: Tensor,
  bs: readonly number[],
  offsets: readonly number[],
  init: Tensor[],
  w: LayerWeights,
  reverse: boolean,
  composite: (x: Tensor, init: Tensor[], w: LayerWeights) => [Tensor, Tensor[]],
): [Tensor, Tensor[]] {
  const T = bs.length;
  const N = x.shape[0];
  const B = init[0].shape[0];
  const widths = init.map((s) => s.shape[1]);
  const Hout = widths[0];
  const ts = Array.from({ length: T }, (_, p) => (reverse ? T - 1 - p : p));
  const ns = ts.map((t) => bs[t]);
  const inputs = [x, w.wIh, w.wHh, w.bIh ?? null, w.bHh ?? null, w.wHr ?? null, ...init];
  const act = mode === 'RNN_RELU' ? 'relu' : 'tanh';
  const proj = mode === 'LSTM' && !!w.wHr;

  const name =
    mode === 'LSTM'
      ? 'LstmLayerBackward'
      : mode === 'GRU'
        ? 'GruLayerBackward'
        : mode === 'RNN_TANH'
          ? 'RnnTanhLayerBackward'
          : 'RnnReluLayerBackward';
  // kept by the forward for the backward, indexed by time step
  let gi: Tensor | null = null;
  let out: Tensor | null = null;
  let cells: Tensor | null = null;
  let unprojected: Tensor | null = null;
  const hh = new Array<Tensor>(T);
  const hPrev = new Array<Tensor>(T);
  const cPrev = new Array<Tensor>(T);
  // where each step's h came from, in time order: what dW_hh multiplies
  const hRuns: Rows[] = [];

  const forward = (): Tensor => {
    // the node's single output: outputs, then the final states, flattened
    const flat = x.newZeros([N * Hout + widths.reduce((a, wd) => a + B * wd, 0)]);
    const y = flat.narrow(0, 0, N * Hout).reshape([N, Hout]);
    out = y;
    const H = widths[widths.length - 1];
    if (mode === 'LSTM') cells = x.newZeros([N, H]);
    const m = proj ? x.newZeros([N, H]) : null;
    unprojected = m;
    const bias = mode === 'GRU' ? w.bIh : w.bIh && w.bHh ? w.bIh.add(w.bHh) : (w.bIh ?? w.bHh);
    const g = linear(x, w.wIh, bias);
    gi = g;
    const whh = w.wHh.t();
    const whr = w.wHr ? w.wHr.t() : null;
    let rows = ns[0];
    let st = rows < B ? init.map((s) => s.narrow(0, 0, rows)) : init;
    const finished: Tensor[][] = [];
    const stepRuns = new Array<Rows[]>(T);
    for (let p = 0; p < T; p++) {
      const t = ts[p];
      const n = ns[p];
      if (n < rows) {
        finished.push(st.map((s) => s.narrow(0, n, rows - n)));
        st = st.map((s) => s.narrow(0, 0, n));
      } else if (n > rows) {
        st = st.map((s, k) => cat([s, init[k].narrow(0, rows, n - rows)], 0));
      }
      // this step's h: the initial state, or the previous step's output rows (the first n of
      // them going forward; going backward all of them, then initial rows for new sequences)
      if (p === 0) stepRuns[t] = [{ src: 'init', start: 0, len: n }];
      else if (!reverse) stepRuns[t] = [{ src: 'out', start: offsets[t - 1], len: n }];
      else {
        stepRuns[t] = [
          { src: 'out', start: offsets[t + 1], len: rows },
          { src: 'init', start: rows, len: n - rows },
        ];
      }
      rows = n;
      const here = (buf: Tensor) => buf.narrow(0, offsets[t], n);
      const gt = here(g);
      hPrev[t] = st[0];
      hh[t] = st[0].matmul(whh);
      if (mode === 'LSTM') {
        cPrev[t] = st[1];
        const [h2, c2] = fusedLstmCell(gt, hh[t], st[1], {
          h: here(m ?? y),
          c: here(cells as unknown as Tensor),
        });
        st = [whr ? here(y).copy_(h2.matmul(whr)) : h2, c2];
      } else if (mode === 'GRU') {
        st = [fusedGruCell(gt, hh[t], st[0], w.bHh ?? null, { h: here(y) })];
      } else {
        st = [fusedRnnCell(gt, hh[t], act, { h: here(y) })];
      }
    }
    hRuns.length = 0;
    for (const runs of stepRuns) for (const r of runs) pushRows(hRuns, r.src, r.start, r.len);
    // final states, each sequence's taken at its own last step, into the tail of `flat`
    finished.reverse();
    let at = N * Hout;
    widths.forEach((wd, k) => {
      const tail = flat.narrow(0, at, B * wd).reshape([B, wd]);
      let r = 0;
      for (const piece of [st, ...finished]) {
        const s = piece[k];
        tail.narrow(0, r, s.shape[0]).copy_(s);
        r += s.shape[0];
      }
      at += B * wd;
    });
    return flat;
  };

  const checkSaved = savedVersions(name, inputs);
  const backward = (gflat: Tensor): (Tensor | null)[] => {
    checkSaved();
    if (isGradEnabled()) {
      // double backward: differentiate the recorded composite computation instead
      return compositeGrads(
        inputs,
        (a) => {
          const weights = { wIh: a[1] as Tensor, wHh: a[2] as Tensor, bIh: a[3], bHh: a[4], wHr: a[5] };
          const [o, fin] = composite(a[0] as Tensor, a.slice(6) as Tensor[], weights);
          return cat(
            [o, ...fin].map((t) => t.reshape([-1])),
            0,
          );
        },
        gflat,
      );
    }
    const need = inputs.map((t) => !!t?.requiresGrad);
    const g = gi as unknown as Tensor;
    const y = out as unknown as Tensor;
    const dOut = gflat.narrow(0, 0, N * Hout).reshape([N, Hout]);
    let at = N * Hout;
    const dFin = widths.map((wd) => {
      const d = gflat.narrow(0, at, B * wd).reshape([B, wd]);
      at += B * wd;
      return d;
    });
    const needInit = widths.some((_, k) => need[6 + k]);
    // every step's kernel outputs, in place in one buffer (so a step binds few buffers on the
    // GPU): the gate gradients d(x·W_ihᵀ) and d(h·W_hhᵀ), then LSTM's dc or GRU's direct dh
    const gw = g.shape[1];
    const H = widths[widths.length - 1];
    const width = mode === 'LSTM' ? gw + H : mode === 'GRU' ? 2 * gw + H : gw;
    const grads = x.newZeros([N, width]);
    const G = grads.narrow(1, 0, gw);
    const Gh = mode === 'GRU' ? grads.narrow(1, gw, gw) : G;
    const carry = width > gw ? grads.narrow(1, width - H, H) : G;
    const dHr = new Array<Tensor>(T);
    const pieces: [number, Tensor[][]][] = [];
    // per state, the addends of its gradient flowing into the step being undone
    let ds: Tensor[][] = dFin.map((d) => [d.narrow(0, 0, ns[T - 1])]);
    for (let p = T - 1; p >= 0; p--) {
      const t = ts[p];
      const n = ns[p];
      const here = (buf: Tensor) => buf.narrow(0, offsets[t], n);
      const dh = [...ds[0], here(dOut)];
      const more = p > 0 || needInit;
      if (mode === 'LSTM') {
        let dm = dh;
        if (w.wHr) {
          dHr[t] = total(dh);
          dm = [dHr[t].matmul(w.wHr)];
        }
        const c2 = here(cells as unknown as Tensor);
        const [dg, dc] = fusedLstmCellBackward(here(g), hh[t], cPrev[t], c2, total(ds[1]), dm, {
          dgates: here(G),
          dc: here(carry),
        });
        ds = more ? [[dg.matmul(w.wHh)], [dc]] : [];
      } else if (mode === 'GRU') {
        const [, dgh, direct] = fusedGruCellBackward(here(g), hh[t], hPrev[t], w.bHh ?? null, dh, {
          dgi: here(G),
          dgh: here(Gh),
          dh: here(carry),
        });
        ds = more ? [[direct, dgh.matmul(w.wHh)]] : [];
      } else {
        const dpre = fusedRnnCellBackward(here(y), dh, act, { dpre: here(G) });
        ds = more ? [[dpre.matmul(w.wHh)]] : [];
      }
      if (!more) break;
      if (p > 0) {
        const m = ns[p - 1];
        if (m > n) ds = ds.map((d, k) => [cat([total(d), dFin[k].narrow(0, n, m - n)], 0)]);
        else if (m < n) {
          pieces.push([m, ds.map((d) => d.map((a) => a.narrow(0, m, n - m)))]);
          ds = ds.map((d) => d.map((a) => a.narrow(0, 0, m)));
        }
      } else pieces.push([0, ds]);
    }
    pieces.sort((a, b) => a[0] - b[0]);
    const dInit = widths.map((_, k) =>
      !need[6 + k]
        ? null
        : pieces.length === 1
          ? total(pieces[0][1][k])
          : cat(
              pieces.map((pc) => total(pc[1][k])),
              0,
            ),
    );
    const hRows = () => {
      const parts = hRuns.map((r) => (r.src === 'out' ? y : init[0]).narrow(0, r.start, r.len));
      return parts.length === 1 ? parts[0] : cat(parts, 0);
    };
    const dbIh = need[3] || (need[4] && Gh === G) ? G.sum(0) : null;
    return [
      need[0] ? G.matmul(w.wIh) : null,
      need[1] ? G.t().matmul(x) : null,
      need[2] ? Gh.t().matmul(hRows()) : null,
      need[3] ? dbIh : null,
      need[4] ? (Gh === G ? dbIh : Gh.sum(0)) : null,
      need[5]
        ? cat(dHr, 0)
            .t()
            .matmul(unprojected as unknown as Tensor)
        : null,
      ...dInit,
    ];
  };

  const flat = customOp(name, inputs, forward, backward);
  const o = flat.narrow(0, 0, N * Hout).reshape([N, Hout]);
  let at = N * Hout;
  const finals = widths.map((wd) => {
    const f = flat.narrow(0, at, B * wd).reshape([B, wd]);
    at += B * wd;
    return f;
  });
  return [o, finals];
}
