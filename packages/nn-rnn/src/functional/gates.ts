/**
 * The elementwise part of one recurrent step, after the matmuls: PyTorch's gate equations.
 * These are composites of tensor ops today; each is what a fused gate primitive would replace.
 */
import type { Tensor } from '@kindling/tensor';

/** h' = tanh(gates) or relu(gates); gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh, (B, H). */
export function rnnGates(gates: Tensor, nonlinearity: 'tanh' | 'relu'): Tensor {
  return nonlinearity === 'tanh' ? gates.tanh() : gates.relu();
}

/**
 * LSTM: gates (B, 4H) = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh in PyTorch's order i, f, g, o; c (B, H).
 * c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'). Returns [h', c'].
 */
export function lstmGates(gates: Tensor, c: Tensor): [Tensor, Tensor] {
  const H = c.shape[c.ndim - 1];
  const s = gates.sigmoid();
  const i = s.narrow(1, 0, H);
  const f = s.narrow(1, H, H);
  const o = s.narrow(1, 3 * H, H);
  const g = gates.narrow(1, 2 * H, H).tanh();
  const c2 = f.mul(c).add(i.mul(g));
  return [o.mul(c2.tanh()), c2];
}

/**
 * GRU: gi (B, 3H) = x·W_ihᵀ + b_ih and gh (B, 3H) = h·W_hhᵀ + b_hh in PyTorch's order r, z, n;
 * h (B, H). r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r·gh_n) (the reset gate
 * applied after the hidden matmul, as PyTorch does), h' = (1 − z)·n + z·h = n + z·(h − n).
 */
export function gruGates(gi: Tensor, gh: Tensor, h: Tensor): Tensor {
  const H = h.shape[h.ndim - 1];
  const rz = gi.narrow(1, 0, 2 * H).add(gh.narrow(1, 0, 2 * H)).sigmoid();
  const r = rz.narrow(1, 0, H);
  const z = rz.narrow(1, H, H);
  const n = gi.narrow(1, 2 * H, H).add(r.mul(gh.narrow(1, 2 * H, H))).tanh();
  return n.add(z.mul(h.sub(n)));
}
