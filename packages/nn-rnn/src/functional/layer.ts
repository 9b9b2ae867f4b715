/**
 * One layer and direction of a recurrent network as a single autograd node (customOp): the
 * forward runs the time loop without recording, the backward runs backpropagation through time
 * by hand. Per step that is one matmul and the gate equations each way; the input projection
 * and the weight gradients are one matmul each over all time steps. (Recording every step
 * instead costs, per step, a full-size scatter for the slice of the input projection it reads.)
 *
 * Under createGraph (double backward) the backward re-runs the recorded composite forward and
 * differentiates that, so higher-order gradients stay exact.
 */
import { linear } from '@kindling/nn-layers';
import { cat, customOp, grad, isGradEnabled, type Tensor } from '@kindling/tensor';
import {
  type GRUGatesSaved,
  gruGatesBackward,
  gruGatesForward,
  type LSTMGatesSaved,
  lstmGatesBackward,
  lstmGatesForward,
  rnnGatesBackward,
} from './gates.js';
import type { LayerWeights, RNNMode } from './recurrent.js';

/**
 * Runs one direction over packed rows x (N, H_in) with batch sizes `bs` (padded input: all B).
 * init: the initial states, [h0 (B, H_out)] or [h0, c0 (B, H)]. Returns [outputs (N, H_out),
 * final states]. `composite` computes the same with every op recorded (for double backward).
 */
export function fusedDirection(
  mode: RNNMode,
  x: Tensor,
  bs: readonly number[],
  offsets: readonly number[],
  init: Tensor[],
  w: LayerWeights,
  reverse: boolean,
  composite: () => [Tensor, Tensor[]],
): [Tensor, Tensor[]] {
  const T = bs.length;
  const N = x.shape[0];
  const B = init[0].shape[0];
  const widths = init.map((s) => s.shape[1]);
  const Hout = widths[0];
  const ts = Array.from({ length: T }, (_, p) => (reverse ? T - 1 - p : p));
  const ns = ts.map((t) => bs[t]);
  const inputs = [x, w.wIh, w.wHh, w.bIh ?? null, w.bHh ?? null, w.wHr ?? null, ...init];

  const name =
    mode === 'LSTM'
      ? 'LstmLayerBackward'
      : mode === 'GRU'
        ? 'GruLayerBackward'
        : mode === 'RNN_TANH'
          ? 'RnnTanhLayerBackward'
          : 'RnnReluLayerBackward';
  const saved = new Array<LSTMGatesSaved | GRUGatesSaved | null>(T);
  const outs = new Array<Tensor>(T);
  const hPrev = new Array<Tensor>(T);
  const unprojected = new Array<Tensor>(T);

  const forward = (): Tensor => {
    const bias = mode === 'GRU' ? w.bIh : w.bIh && w.bHh ? w.bIh.add(w.bHh) : (w.bIh ?? w.bHh);
    const gi = linear(x, w.wIh, bias);
    const whh = w.wHh.t();
    const whr = w.wHr ? w.wHr.t() : null;
    let rows = ns[0];
    let st = rows < B ? init.map((s) => s.narrow(0, 0, rows)) : init;
    const finished: Tensor[][] = [];
    for (let p = 0; p < T; p++) {
      const t = ts[p];
      const n = ns[p];
      if (n < rows) {
        finished.push(st.map((s) => s.narrow(0, n, rows - n)));
        st = st.map((s) => s.narrow(0, 0, n));
      } else if (n > rows) {
        st = st.map((s, k) => cat([s, init[k].narrow(0, rows, n - rows)], 0));
      }
      rows = n;
      const g = gi.narrow(0, offsets[t], n);
      const h = st[0];
      hPrev[t] = h;
      const hh = h.matmul(whh);
      if (mode === 'LSTM') {
        const [m, c, sv] = lstmGatesForward(g.add(hh), st[1]);
        saved[p] = sv;
        unprojected[t] = m;
        st = [whr ? m.matmul(whr) : m, c];
      } else if (mode === 'GRU') {
        const [h2, sv] = gruGatesForward(g, w.bHh ? hh.add(w.bHh) : hh, h);
        saved[p] = sv;
        st = [h2];
      } else {
        const pre = g.add(hh);
        st = [mode === 'RNN_TANH' ? pre.tanh() : pre.relu()];
        saved[p] = null;
      }
      outs[t] = st[0];
    }
    finished.reverse();
    const finals = finished.length ? st.map((s, k) => cat([s, ...finished.map((f) => f[k])], 0)) : st;
    return cat(
      [...outs, ...finals].map((o) => o.reshape([-1])),
      0,
    );
  };

  const versions = inputs.map((t) => (t ? t._version : 0));
  const backward = (gflat: Tensor): (Tensor | null)[] => {
    const need = inputs.map((t) => !!t?.requiresGrad);
    inputs.forEach((t, i) => {
      if (t && t._version !== versions[i]) {
        throw new Error(
          `one of the variables needed for gradient computation has been modified by an inplace operation: [${t.dtype} [${t.shape.join(', ')}]], which is input ${i} of ${name}, is at version ${t._version}; expected version ${versions[i]} instead.`,
        );
      }
    });
    if (isGradEnabled()) {
      // double backward: differentiate the recorded composite computation instead
      const [out, fin] = composite();
      const flat = cat(
        [out, ...fin].map((o) => o.reshape([-1])),
        0,
      );
      const wanted = inputs.filter((t, i): t is Tensor => need[i] && !!t);
      const gs = grad([flat], wanted, { gradOutputs: [gflat], createGraph: true, allowUnused: true });
      let k = 0;
      return inputs.map((_, i) => (need[i] ? gs[k++] : null));
    }
    const dOut = gflat.narrow(0, 0, N * Hout).reshape([N, Hout]);
    let at = N * Hout;
    const dFin = widths.map((wd) => {
      const d = gflat.narrow(0, at, B * wd).reshape([B, wd]);
      at += B * wd;
      return d;
    });
    const dG = new Array<Tensor>(T);
    const dGh = new Array<Tensor>(T);
    const dHr = new Array<Tensor>(T);
    const pieces: [number, Tensor[]][] = [];
    let ds = dFin.map((d) => d.narrow(0, 0, ns[T - 1]));
    for (let p = T - 1; p >= 0; p--) {
      const t = ts[p];
      const n = ns[p];
      const dh = ds[0].add(dOut.narrow(0, offsets[t], n));
      if (mode === 'LSTM') {
        let dm = dh;
        if (w.wHr) {
          dHr[t] = dh;
          dm = dh.matmul(w.wHr);
        }
        const [dgates, dc] = lstmGatesBackward(saved[p] as LSTMGatesSaved, dm, ds[1]);
        dG[t] = dgates;
        ds = [dgates.matmul(w.wHh), dc];
      } else if (mode === 'GRU') {
        const [dgi, dgh, direct] = gruGatesBackward(saved[p] as GRUGatesSaved, dh);
        dG[t] = dgi;
        dGh[t] = dgh;
        ds = [direct.add(dgh.matmul(w.wHh))];
      } else {
        const dpre = rnnGatesBackward(outs[t], dh, mode === 'RNN_TANH' ? 'tanh' : 'relu');
        dG[t] = dpre;
        ds = [dpre.matmul(w.wHh)];
      }
      if (p > 0) {
        const m = ns[p - 1];
        if (m > n) ds = ds.map((d, k) => cat([d, dFin[k].narrow(0, n, m - n)], 0));
        else if (m < n) {
          pieces.push([m, ds.map((d) => d.narrow(0, m, n - m))]);
          ds = ds.map((d) => d.narrow(0, 0, m));
        }
      } else pieces.push([0, ds]);
    }
    pieces.sort((a, b) => a[0] - b[0]);
    const dInit = widths.map((_, k) =>
      pieces.length === 1
        ? pieces[0][1][k]
        : cat(
            pieces.map((pc) => pc[1][k]),
            0,
          ),
    );
    const G = cat(dG, 0);
    const Gh = mode === 'GRU' ? cat(dGh, 0) : G;
    const dbIh = need[3] || (need[4] && Gh === G) ? G.sum(0) : null;
    return [
      need[0] ? G.matmul(w.wIh) : null,
      need[1] ? G.t().matmul(x) : null,
      need[2] ? Gh.t().matmul(cat(hPrev, 0)) : null,
      need[3] ? dbIh : null,
      need[4] ? (Gh === G ? dbIh : Gh.sum(0)) : null,
      need[5] ? cat(dHr, 0).t().matmul(cat(unprojected, 0)) : null,
      ...dInit.map((d, k) => (need[6 + k] ? d : null)),
    ];
  };

  const flat = customOp(name, inputs, forward, backward);
  const out = flat.narrow(0, 0, N * Hout).reshape([N, Hout]);
  let at = N * Hout;
  const finals = widths.map((wd) => {
    const f = flat.narrow(0, at, B * wd).reshape([B, wd]);
    at += B * wd;
    return f;
  });
  return [out, finals];
}
