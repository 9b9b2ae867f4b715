/**
 * Multi-layer, optionally bidirectional recurrent networks over a padded or packed batch
 * (torch.rnn_tanh, rnn_relu, lstm, gru). Per layer and direction the input projection of every
 * time step is one matmul; each step is then one matmul (h·W_hhᵀ) and the gate equations (one
 * fused kernel on the default path, see layer.ts).
 *
 * Padded input is treated as packed input whose batch sizes are all B, so one loop serves both:
 * step t reads rows offsets[t] .. offsets[t] + batchSizes[t] of the projected input.
 */
import { dropout, linear } from '@kindling/nn-layers';
import { cat, stack, type Tensor } from '@kindling/tensor';
import { hostInts } from '../host-ints.js';
import { list } from '../py-format.js';
import { gruGates, lstmGates, rnnGates } from './gates.js';
import { fusedDirection } from './layer.js';

export type RNNMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/**
 * The weights of one layer and direction (PyTorch's weight_ih_l{k}[_reverse], weight_hh_l{k},
 * bias_ih_l{k}, bias_hh_l{k}, weight_hr_l{k}): wIh (G·H, H_in), wHh (G·H, H_out),
 * bIh, bHh (G·H), wHr (P, H) for LSTM projections; G = 1, 4, 3 for RNN, LSTM, GRU.
 */
export interface LayerWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh?: Tensor | null;
  bHh?: Tensor | null;
  wHr?: Tensor | null;
}

export interface RecurrentOptions {
  /** Number of stacked layers (default weights.length / numDirections). */
  numLayers?: number;
  /** Dropout probability on the outputs of every layer but the last, in training. Default 0. */
  dropout?: number;
  /** Whether dropout is active. Default false. */
  training?: boolean;
  /** Run a second, reversed direction per layer. Default false. */
  bidirectional?: boolean;
  /** Padded input is (B, T, H_in) instead of (T, B, H_in) (ignored for packed input). */
  batchFirst?: boolean;
  /** Input is packed data (N, H_in) with these batch sizes (a PackedSequence's batchSizes). */
  batchSizes?: Tensor | readonly number[] | null;
  /**
   * 'fused' (default): each layer and direction is one autograd node with a hand-written
   * backward through time. 'composite': every op of every step is recorded (the reference).
   */
  impl?: 'fused' | 'composite';
}

type Step = (gi: Tensor, state: Tensor[]) => Tensor[];

function stepOf(mode: RNNMode, w: LayerWeights): Step {
  const whh = w.wHh.t();
  if (mode === 'LSTM') {
    const whr = w.wHr ? w.wHr.t() : null;
    return (gi, [h, c]) => {
      const [h2, c2] = lstmGates(gi.add(h.matmul(whh)), c);
      return [whr ? h2.matmul(whr) : h2, c2];
    };
  }
  if (mode === 'GRU') {
    const bHh = w.bHh ?? null;
    return (gi, [h]) => {
      const hh = h.matmul(whh);
      return [gruGates(gi, bHh ? hh.add(bHh) : hh, h)];
    };
  }
  const act = mode === 'RNN_TANH' ? 'tanh' : 'relu';
  return (gi, [h]) => [rnnGates(gi.add(h.matmul(whh)), act)];
}

/**
 * One direction of one layer over packed rows x (N, H_in). init: the initial states (B, *).
 * Returns [outputs (N, H_out), final states (B, *)], each sequence's final state taken at its
 * own last step.
 */
function direction(
  mode: RNNMode,
  x: Tensor,
  bs: readonly number[],
  offsets: readonly number[],
  init: Tensor[],
  w: LayerWeights,
  reverse: boolean,
): [Tensor, Tensor[]] {
  const T = bs.length;
  // b_hh joins the input projection except in a GRU, whose n gate multiplies h·W_hnᵀ + b_hn by r
  const bias = mode === 'GRU' ? w.bIh : w.bIh && w.bHh ? w.bIh.add(w.bHh) : (w.bIh ?? w.bHh);
  const gi = linear(x, w.wIh, bias);
  const step = stepOf(mode, w);
  const outs = new Array<Tensor>(T);
  let st = init;
  let rows = init[0].shape[0];
  if (!reverse) {
    const finished: Tensor[][] = [];
    for (let t = 0; t < T; t++) {
      const n = bs[t];
      if (n < rows) {
        finished.push(st.map((s) => s.narrow(0, n, rows - n)));
        st = st.map((s) => s.narrow(0, 0, n));
        rows = n;
      }
      st = step(gi.narrow(0, offsets[t], n), st);
      outs[t] = st[0];
    }
    if (finished.length === 0) return [cat(outs, 0), st];
    finished.push(st);
    finished.reverse();
    return [
      cat(outs, 0),
      st.map((_, k) =>
        cat(
          finished.map((f) => f[k]),
          0,
        ),
      ),
    ];
  }
  if (bs[T - 1] < rows) {
    rows = bs[T - 1];
    st = st.map((s) => s.narrow(0, 0, rows));
  }
  for (let t = T - 1; t >= 0; t--) {
    const n = bs[t];
    if (n > rows) {
      st = st.map((s, k) => cat([s, init[k].narrow(0, rows, n - rows)], 0));
      rows = n;
    }
    st = step(gi.narrow(0, offsets[t], n), st);
    outs[t] = st[0];
  }
  return [cat(outs, 0), st];
}

/** The shared driver: returns [output, final states (L·D, B, *) in the order of `states`]. */
function recurrent(
  mode: RNNMode,
  input: Tensor,
  states: Tensor[],
  weights: readonly LayerWeights[],
  o: RecurrentOptions,
): [Tensor, Tensor[]] {
  const D = o.bidirectional ? 2 : 1;
  const L = o.numLayers ?? weights.length / D;
  if (weights.length !== L * D) {
    throw new RangeError(
      `${mode.toLowerCase()}: expected ${L * D} layer weights (num_layers=${L}, directions=${D}), got ${weights.length}`,
    );
  }
  const packed = o.batchSizes !== undefined && o.batchSizes !== null;
  let x: Tensor;
  let bs: number[];
  let T = 0;
  let B = 0;
  if (packed) {
    if (input.ndim !== 2) throw new RangeError(`input must have 2 dimensions, got ${input.ndim}`);
    x = input;
    bs = hostInts(o.batchSizes as Tensor | readonly number[]);
  } else {
    if (input.ndim !== 3) throw new RangeError(`input must have 3 dimensions, got ${input.ndim}`);
    const seq = o.batchFirst ? input.transpose(0, 1) : input;
    [T, B] = seq.shape;
    if (T === 0) throw new RangeError('Expected sequence length to be larger than 0 in RNN');
    x = seq.reshape([T * B, seq.shape[2]]);
    bs = new Array<number>(T).fill(B);
  }
  for (const s of states) {
    if (s.ndim !== 3 || s.shape[0] !== L * D || s.shape[1] !== (bs[0] ?? B)) {
      throw new RangeError(
        `${mode.toLowerCase()}: expected hidden states (${L * D}, ${bs[0] ?? B}, *), got ${list(s.shape)}`,
      );
    }
  }
  const offsets: number[] = [];
  for (let t = 0, at = 0; t < bs.length; at += bs[t++]) offsets.push(at);
  if (bs.length === 0 || x.shape[0] === 0) {
    // nothing to run, but as in PyTorch the results stay in the graph: the input, the initial
    // states and every weight get zero gradients rather than none
    const H = states[0].shape[2];
    const zero = emptyAnchor([x, ...states, ...weights.flatMap(weightList)]);
    const out = x.newZeros([x.shape[0], D * H]).add(zero);
    return [packed ? out : reshapeOut(out, T, B, o.batchFirst), states.map((s) => s.add(zero))];
  }
  const finals: Tensor[][] = states.map(() => []);
  for (let l = 0; l < L; l++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const k = l * D + d;
      const [xl, init, wk, rev] = [x, states.map((s) => s.select(0, k)), weights[k], d === 1];
      const run = (xa: Tensor, ia: Tensor[], wa: LayerWeights) =>
        direction(mode, xa, bs, offsets, ia, wa, rev);
      const [out, last] =
        o.impl === 'composite'
          ? run(xl, init, wk)
          : fusedDirection(mode, xl, bs, offsets, init, wk, rev, run);
      outs.push(out);
      last.forEach((t, i) => {
        finals[i].push(t);
      });
    }
    x = D === 1 ? outs[0] : cat(outs, 1);
    if (o.dropout && o.training && l < L - 1) x = dropout(x, { p: o.dropout, training: true });
  }
  return [packed ? x : reshapeOut(x, T, B, o.batchFirst), finals.map((f) => stack(f, 0))];
}

const weightList = (w: LayerWeights): Tensor[] =>
  [w.wIh, w.wHh, w.bIh, w.bHh, w.wHr].filter((t): t is Tensor => !!t);

/** A 0-dim zero that depends on every tensor in `ts` (zero gradients for all of them). */
function emptyAnchor(ts: Tensor[]): Tensor {
  return ts.map((t) => t.sum().mul(0)).reduce((a, b) => a.add(b));
}

function reshapeOut(x: Tensor, T: number, B: number, batchFirst?: boolean): Tensor {
  const out = x.reshape([T, B, x.shape[1]]);
  return batchFirst ? out.transpose(0, 1) : out;
}

/**
 * Elman RNN with tanh over a sequence (torch.rnn_tanh).
 *
 * input: (T, B, H_in) ((B, T, H_in) with batchFirst), or packed data (N, H_in) with
 * `batchSizes`; hx: (L·D, B, H). Returns [output (T, B, D·H) / (N, D·H), hN (L·D, B, H)].
 *
 * @example
 * const [out, hN] = rnnTanh(x, h0, [{ wIh, wHh, bIh, bHh }]);
 */
export function rnnTanh(
  input: Tensor,
  hx: Tensor,
  weights: readonly LayerWeights[],
  o: RecurrentOptions = {},
): [Tensor, Tensor] {
  const [out, [h]] = recurrent('RNN_TANH', input, [hx], weights, o);
  return [out, h];
}

/** Elman RNN with ReLU over a sequence (torch.rnn_relu); shapes as `rnnTanh`. */
export function rnnRelu(
  input: Tensor,
  hx: Tensor,
  weights: readonly LayerWeights[],
  o: RecurrentOptions = {},
): [Tensor, Tensor] {
  const [out, [h]] = recurrent('RNN_RELU', input, [hx], weights, o);
  return [out, h];
}

/**
 * LSTM over a sequence (torch.lstm).
 *
 * input as `rnnTanh`; hx: [h0 (L·D, B, H_out), c0 (L·D, B, H)] with H_out = P when the weights
 * carry projections wHr (P, H), else H. Returns [output (…, D·H_out), [hN, cN]].
 *
 * @example
 * const [out, [hN, cN]] = lstm(x, [h0, c0], weights, { numLayers: 2, bidirectional: true });
 */
export function lstm(
  input: Tensor,
  hx: readonly [Tensor, Tensor],
  weights: readonly LayerWeights[],
  o: RecurrentOptions = {},
): [Tensor, [Tensor, Tensor]] {
  const [out, [h, c]] = recurrent('LSTM', input, [hx[0], hx[1]], weights, o);
  return [out, [h, c]];
}

/** GRU over a sequence (torch.gru); shapes as `rnnTanh`. */
export function gru(
  input: Tensor,
  hx: Tensor,
  weights: readonly LayerWeights[],
  o: RecurrentOptions = {},
): [Tensor, Tensor] {
  const [out, [h]] = recurrent('GRU', input, [hx], weights, o);
  return [out, h];
}
