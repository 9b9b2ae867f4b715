/**
 * The fused gate kernels of one recurrent step (PyTorch's _thnn_fused_lstm_cell and
 * _thnn_fused_gru_cell, plus the Elman step) and their gradients, for hand-written
 * backpropagation through time: a step is then one matmul (h·W_hhᵀ) and one of these. They record
 * no gradient (see runFused); the gate equations are in @kindling/ops' KernelAttrs.
 *
 * Each result may be written into a given tensor (`into`), e.g. rows of a sequence buffer.
 * `dh` arguments are the addends of one gradient (the recurrent part, the output's part, ...),
 * summed inside the kernel.
 */
import { fmtShape, type RnnNonlinearity } from '@kindling/ops';
import type { Tensor } from '../tensor.js';
import { runFused } from './fused.js';

function check2d(op: string, what: string, t: Tensor, rows: number, cols: number): void {
  if (t.ndim !== 2 || t.shape[0] !== rows || t.shape[1] !== cols) {
    throw new RangeError(
      `${op}: expected ${what} of shape ${fmtShape([rows, cols])}, got ${fmtShape(t.shape)}`,
    );
  }
}

/** [B, H] of a state tensor. */
function stateSize(op: string, t: Tensor): [number, number] {
  if (t.ndim !== 2)
    throw new RangeError(`${op}: expected a 2-D state (batch, hidden), got ${fmtShape(t.shape)}`);
  return [t.shape[0], t.shape[1]];
}

function checkParts(op: string, dh: readonly Tensor[], B: number, H: number): void {
  if (dh.length === 0) throw new RangeError(`${op}: expected at least one dh' tensor`);
  for (const d of dh) check2d(op, "dh'", d, B, H);
}

/** h' = tanh(gi + hh) or relu(gi + hh); gi, hh (B, H). */
export function fusedRnnCell(
  gi: Tensor,
  hh: Tensor,
  nonlinearity: RnnNonlinearity,
  into?: { h?: Tensor | null },
): Tensor {
  const op = 'fusedRnnCell';
  const [B, H] = stateSize(op, gi);
  check2d(op, 'hh', hh, B, H);
  return runFused(op, 'rnnCell', [gi, hh], [{ shape: [B, H], into: into?.h }], { nonlinearity })[0];
}

/** d pre-activation (B, H) of fusedRnnCell from its output h' and the addends of dh'. */
export function fusedRnnCellBackward(
  h: Tensor,
  dh: readonly Tensor[],
  nonlinearity: RnnNonlinearity,
  into?: { dpre?: Tensor | null },
): Tensor {
  const op = 'fusedRnnCellBackward';
  const [B, H] = stateSize(op, h);
  checkParts(op, dh, B, H);
  return runFused(op, 'rnnCellBackward', [h, ...dh], [{ shape: [B, H], into: into?.dpre }], {
    nonlinearity,
  })[0];
}

/**
 * One LSTM step after the matmuls: gi = x·W_ihᵀ + biases and hh = h·W_hhᵀ (B, 4H, gates i, f,
 * g, o), c (B, H). Returns [h', c'].
 */
export function fusedLstmCell(
  gi: Tensor,
  hh: Tensor,
  c: Tensor,
  into?: { h?: Tensor | null; c?: Tensor | null },
): [Tensor, Tensor] {
  const op = 'fusedLstmCell';
  const [B, H] = stateSize(op, c);
  check2d(op, 'gi', gi, B, 4 * H);
  check2d(op, 'hh', hh, B, 4 * H);
  const [h2, c2] = runFused(
    op,
    'lstmCell',
    [gi, hh, c],
    [
      { shape: [B, H], into: into?.h },
      { shape: [B, H], into: into?.c },
    ],
    {},
  );
  return [h2, c2];
}

/**
 * The gradient of fusedLstmCell: from its inputs gi, hh, c, its output c', dc' and the addends
 * of dh', returns [d gates (B, 4H) (= d gi = d hh), dc (B, H)].
 */
export function fusedLstmCellBackward(
  gi: Tensor,
  hh: Tensor,
  c: Tensor,
  c2: Tensor,
  dc2: Tensor,
  dh: readonly Tensor[],
  into?: { dgates?: Tensor | null; dc?: Tensor | null },
): [Tensor, Tensor] {
  const op = 'fusedLstmCellBackward';
  const [B, H] = stateSize(op, c);
  check2d(op, 'gi', gi, B, 4 * H);
  check2d(op, 'hh', hh, B, 4 * H);
  check2d(op, "c'", c2, B, H);
  check2d(op, "dc'", dc2, B, H);
  checkParts(op, dh, B, H);
  const [dg, dc] = runFused(
    op,
    'lstmCellBackward',
    [gi, hh, c, c2, dc2, ...dh],
    [
      { shape: [B, 4 * H], into: into?.dgates },
      { shape: [B, H], into: into?.dc },
    ],
    {},
  );
  return [dg, dc];
}

function checkGru(op: string, gi: Tensor, hh: Tensor, h: Tensor, bHh: Tensor | null): [number, number] {
  const [B, H] = stateSize(op, h);
  check2d(op, 'gi', gi, B, 3 * H);
  check2d(op, 'hh', hh, B, 3 * H);
  if (bHh && (bHh.ndim !== 1 || bHh.shape[0] !== 3 * H)) {
    throw new RangeError(`${op}: expected b_hh of shape ${fmtShape([3 * H])}, got ${fmtShape(bHh.shape)}`);
  }
  return [B, H];
}

/**
 * One GRU step after the matmuls: gi = x·W_ihᵀ + b_ih, hh = h·W_hhᵀ (B, 3H, gates r, z, n), h
 * (B, H), b_hh (3H) or null (it sits inside the reset gate's product, so it cannot join gi).
 * Returns h'.
 */
export function fusedGruCell(
  gi: Tensor,
  hh: Tensor,
  h: Tensor,
  bHh: Tensor | null,
  into?: { h?: Tensor | null },
): Tensor {
  const op = 'fusedGruCell';
  const [B, H] = checkGru(op, gi, hh, h, bHh);
  const ins = bHh ? [gi, hh, h, bHh] : [gi, hh, h];
  return runFused(op, 'gruCell', ins, [{ shape: [B, H], into: into?.h }], { hhBias: !!bHh })[0];
}

/**
 * The gradient of fusedGruCell from its inputs and the addends of dh': [d gi (B, 3H), d gh
 * (B, 3H) (the gradient of hh and of b_hh per row), the direct part of dh = z·dh' (B, H)].
 */
export function fusedGruCellBackward(
  gi: Tensor,
  hh: Tensor,
  h: Tensor,
  bHh: Tensor | null,
  dh: readonly Tensor[],
  into?: { dgi?: Tensor | null; dgh?: Tensor | null; dh?: Tensor | null },
): [Tensor, Tensor, Tensor] {
  const op = 'fusedGruCellBackward';
  const [B, H] = checkGru(op, gi, hh, h, bHh);
  checkParts(op, dh, B, H);
  const ins = bHh ? [gi, hh, h, bHh, ...dh] : [gi, hh, h, ...dh];
  const [dgi, dgh, direct] = runFused(
    op,
    'gruCellBackward',
    ins,
    [
      { shape: [B, 3 * H], into: into?.dgi },
      { shape: [B, 3 * H], into: into?.dgh },
      { shape: [B, H], into: into?.dh },
    ],
    { hhBias: !!bHh },
  );
  return [dgi, dgh, direct];
}
