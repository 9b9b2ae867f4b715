/**
 * The gates of a single recurrent step (what the cell modules run) as one autograd node each:
 * the fused gate kernel forward and its fused gradient backward, instead of the ten to thirty
 * recorded elementwise ops of the composite gates. Under createGraph (double backward) the
 * backward differentiates the composite gates of gates.ts instead, so higher orders stay exact.
 */
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
import { gruGates, lstmGates, rnnGates } from './gates.js';
import { savedVersions } from './saved-inputs.js';

/** h' = act(gi + hh) of one Elman step; gi, hh (B, H). */
export function rnnStep(gi: Tensor, hh: Tensor, nonlinearity: 'tanh' | 'relu'): Tensor {
  const inputs = [gi, hh] as const;
  let out: Tensor | null = null;
  const checkSaved = savedVersions('RnnCellBackward', inputs);
  return customOp(
    'RnnCellBackward',
    inputs,
    () => {
      out = fusedRnnCell(gi, hh, nonlinearity);
      return out;
    },
    (g) => {
      checkSaved();
      if (isGradEnabled()) return compositeGrads(inputs, ([a, b]) => rnnGates(a.add(b), nonlinearity), g);
      const d = fusedRnnCellBackward(out as unknown as Tensor, [g], nonlinearity);
      return [d, d];
    },
  );
}

/** [h', c'] of one LSTM step; gi, hh (B, 4H) (biases in either), c (B, H). */
export function lstmStep(gi: Tensor, hh: Tensor, c: Tensor): [Tensor, Tensor] {
  const [B, H] = c.shape;
  const inputs = [gi, hh, c] as const;
  let c2: Tensor | null = null;
  const checkSaved = savedVersions('LstmCellBackward', inputs);
  // one output for the node: [h' | c'], both written in place by the kernel
  const out = customOp(
    'LstmCellBackward',
    inputs,
    () => {
      const both = c.newZeros([B, 2 * H]);
      [, c2] = fusedLstmCell(gi, hh, c, { h: both.narrow(1, 0, H), c: both.narrow(1, H, H) });
      return both;
    },
    (g) => {
      checkSaved();
      if (isGradEnabled()) return compositeGrads(inputs, ([a, b, cc]) => cat(lstmGates(a.add(b), cc), 1), g);
      const [dg, dc] = fusedLstmCellBackward(gi, hh, c, c2 as unknown as Tensor, g.narrow(1, H, H), [
        g.narrow(1, 0, H),
      ]);
      return [dg, dg, dc];
    },
  );
  return [out.narrow(1, 0, H), out.narrow(1, H, H)];
}

/**
 * h' of one GRU step; gi = x·W_ihᵀ + b_ih, hh = h·W_hhᵀ (B, 3H), h (B, H), b_hh (3H) or null
 * (added inside the kernel, which saves the add).
 */
export function gruStep(gi: Tensor, hh: Tensor, h: Tensor, bHh: Tensor | null): Tensor {
  const inputs = [gi, hh, h, bHh] as const;
  const checkSaved = savedVersions('GruCellBackward', inputs);
  return customOp(
    'GruCellBackward',
    inputs,
    () => fusedGruCell(gi, hh, h, bHh),
    (g) => {
      checkSaved();
      if (isGradEnabled())
        return compositeGrads(inputs, ([a, b, hv, bias]) => gruGates(a, bias ? b.add(bias) : b, hv), g);
      const [dgi, dgh, direct] = fusedGruCellBackward(gi, hh, h, bHh, [g]);
      return [dgi, dgh, direct, bHh?.requiresGrad ? dgh.sum(0) : null];
    },
  );
}
