/**
 * One recurrent step on a batch (torch.rnn_tanh_cell, rnn_relu_cell, lstm_cell, gru_cell).
 * input (B, H_in), hidden (B, H); weights as the cell modules hold them. The two projections are
 * matmuls; the gates are one fused node (cell-node.ts).
 */
import { linear } from '@kindling/nn-layers';
import type { Tensor } from '@kindling/tensor';
import { gruStep, lstmStep, rnnStep } from './cell-node.js';

function checkInput(input: Tensor, wIh: Tensor): void {
  if (input.ndim !== 2)
    throw new RangeError(`Expected input to be 2-D (batch, input_size), got ${input.ndim}-D`);
  if (input.shape[1] !== wIh.shape[1]) {
    throw new RangeError(`input has inconsistent input_size: got ${input.shape[1]} expected ${wIh.shape[1]}`);
  }
}

function checkHidden(input: Tensor, hx: Tensor, hiddenSize: number, label: number): void {
  if (hx.ndim !== 2)
    throw new RangeError(`Expected hidden${label} to be 2-D (batch, hidden_size), got ${hx.ndim}-D`);
  if (input.shape[0] !== hx.shape[0]) {
    throw new RangeError(
      `Input batch size ${input.shape[0]} doesn't match hidden${label} batch size ${hx.shape[0]}`,
    );
  }
  if (hx.shape[1] !== hiddenSize) {
    throw new RangeError(
      `hidden${label} has inconsistent hidden_size: got ${hx.shape[1]}, expected ${hiddenSize}`,
    );
  }
}

function simple(
  nonlinearity: 'tanh' | 'relu',
  input: Tensor,
  hx: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh?: Tensor | null,
  bHh?: Tensor | null,
): Tensor {
  checkInput(input, wIh);
  checkHidden(input, hx, wHh.shape[1], 0);
  return rnnStep(linear(input, wIh, bIh), linear(hx, wHh, bHh), nonlinearity);
}

/** h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh). */
export function rnnTanhCell(
  input: Tensor,
  hx: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh?: Tensor | null,
  bHh?: Tensor | null,
): Tensor {
  return simple('tanh', input, hx, wIh, wHh, bIh, bHh);
}

/** h' = relu(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh). */
export function rnnReluCell(
  input: Tensor,
  hx: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh?: Tensor | null,
  bHh?: Tensor | null,
): Tensor {
  return simple('relu', input, hx, wIh, wHh, bIh, bHh);
}

/** One LSTM step: hx = [h, c], weights (4H, H_in), (4H, H), biases (4H); returns [h', c']. */
export function lstmCell(
  input: Tensor,
  hx: readonly [Tensor, Tensor],
  wIh: Tensor,
  wHh: Tensor,
  bIh?: Tensor | null,
  bHh?: Tensor | null,
): [Tensor, Tensor] {
  checkInput(input, wIh);
  checkHidden(input, hx[0], wHh.shape[1], 0);
  checkHidden(input, hx[1], wHh.shape[1], 1);
  return lstmStep(linear(input, wIh, bIh), linear(hx[0], wHh, bHh), hx[1]);
}

/** One GRU step: weights (3H, H_in), (3H, H), biases (3H); returns h'. */
export function gruCell(
  input: Tensor,
  hx: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh?: Tensor | null,
  bHh?: Tensor | null,
): Tensor {
  checkInput(input, wIh);
  checkHidden(input, hx, wHh.shape[1], 0);
  return gruStep(linear(input, wIh, bIh), hx.matmul(wHh.t()), hx, bHh ?? null);
}
