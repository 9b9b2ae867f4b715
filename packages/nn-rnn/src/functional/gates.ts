/**
 * The elementwise part of one recurrent step, after the matmuls: PyTorch's gate equations and
 * their hand-written gradients, composed of tensor ops. They are the reference: the composite
 * path (`impl: 'composite'`) and double backward run them; everything else runs the fused gate
 * kernels (@kindling/tensor's fusedLstmCell and friends), one dispatch per step each way.
 */
import { cat, type Tensor } from '@kindling/tensor';

const oneMinus = (t: Tensor) => t.neg().add(1);

/** h' = tanh(gates) or relu(gates); gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh, (B, H). */
export function rnnGates(gates: Tensor, nonlinearity: 'tanh' | 'relu'): Tensor {
  return nonlinearity === 'tanh' ? gates.tanh() : gates.relu();
}

/** d gates from dh' and h' = rnnGates(gates). */
export function rnnGatesBackward(h: Tensor, dh: Tensor, nonlinearity: 'tanh' | 'relu'): Tensor {
  return nonlinearity === 'tanh' ? dh.mul(oneMinus(h.square())) : dh.mul(h.gt(0).to(h.dtype));
}

/** What the LSTM gate gradient needs: σ of all four pre-activations, tanh(g), c, tanh(c'). */
export interface LSTMGatesSaved {
  sig: Tensor;
  g: Tensor;
  c: Tensor;
  tc: Tensor;
}

/**
 * LSTM: gates (B, 4H) = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh in PyTorch's order i, f, g, o; c (B, H).
 * c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'). Returns [h', c', saved for the gradient].
 */
export function lstmGatesForward(gates: Tensor, c: Tensor): [Tensor, Tensor, LSTMGatesSaved] {
  const H = c.shape[c.ndim - 1];
  const sig = gates.sigmoid();
  const g = gates.narrow(1, 2 * H, H).tanh();
  const c2 = sig
    .narrow(1, H, H)
    .mul(c)
    .add(sig.narrow(1, 0, H).mul(g));
  const tc = c2.tanh();
  return [sig.narrow(1, 3 * H, H).mul(tc), c2, { sig, g, c, tc }];
}

/** [h', c'] of one LSTM step (see lstmGatesForward). */
export function lstmGates(gates: Tensor, c: Tensor): [Tensor, Tensor] {
  const [h2, c2] = lstmGatesForward(gates, c);
  return [h2, c2];
}

/** From dh', dc': [d gates (B, 4H), dc (B, H)]. */
export function lstmGatesBackward(s: LSTMGatesSaved, dh: Tensor, dc2: Tensor): [Tensor, Tensor] {
  const H = s.c.shape[s.c.ndim - 1];
  const { sig, g, tc } = s;
  const sd = sig.mul(oneMinus(sig));
  const dc = dc2.add(dh.mul(sig.narrow(1, 3 * H, H)).mul(oneMinus(tc.square())));
  const dgates = cat(
    [
      dc.mul(g).mul(sd.narrow(1, 0, H)),
      dc.mul(s.c).mul(sd.narrow(1, H, H)),
      dc.mul(sig.narrow(1, 0, H)).mul(oneMinus(g.square())),
      dh.mul(tc).mul(sd.narrow(1, 3 * H, H)),
    ],
    1,
  );
  return [dgates, dc.mul(sig.narrow(1, H, H))];
}

/** What the GRU gate gradient needs: σ(r, z), the candidate n, h·W_hnᵀ + b_hn, h. */
export interface GRUGatesSaved {
  rz: Tensor;
  n: Tensor;
  hn: Tensor;
  h: Tensor;
}

/**
 * GRU: gi (B, 3H) = x·W_ihᵀ + b_ih and gh (B, 3H) = h·W_hhᵀ + b_hh in PyTorch's order r, z, n;
 * h (B, H). r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r·gh_n) (the reset gate
 * applied after the hidden matmul, as PyTorch does), h' = (1 − z)·n + z·h = n + z·(h − n).
 * Returns [h', saved for the gradient].
 */
export function gruGatesForward(gi: Tensor, gh: Tensor, h: Tensor): [Tensor, GRUGatesSaved] {
  const H = h.shape[h.ndim - 1];
  const rz = gi
    .narrow(1, 0, 2 * H)
    .add(gh.narrow(1, 0, 2 * H))
    .sigmoid();
  const hn = gh.narrow(1, 2 * H, H);
  const n = gi
    .narrow(1, 2 * H, H)
    .add(rz.narrow(1, 0, H).mul(hn))
    .tanh();
  return [n.add(rz.narrow(1, H, H).mul(h.sub(n))), { rz, n, hn, h }];
}

/** h' of one GRU step (see gruGatesForward). */
export function gruGates(gi: Tensor, gh: Tensor, h: Tensor): Tensor {
  return gruGatesForward(gi, gh, h)[0];
}

/** From dh': [d gi (B, 3H), d gh (B, 3H), the direct part z·dh' of dh (B, H)]. */
export function gruGatesBackward(s: GRUGatesSaved, dh: Tensor): [Tensor, Tensor, Tensor] {
  const H = s.h.shape[s.h.ndim - 1];
  const { rz, n, hn, h } = s;
  const z = rz.narrow(1, H, H);
  const dz = dh.mul(h.sub(n));
  const dn = dh.sub(dh.mul(z)).mul(oneMinus(n.square()));
  const drz = cat([dn.mul(hn), dz], 1).mul(rz.mul(oneMinus(rz)));
  return [cat([drz, dn], 1), cat([drz, dn.mul(rz.narrow(1, 0, H))], 1), dh.mul(z)];
}
