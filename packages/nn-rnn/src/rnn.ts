/** RNN, LSTM and GRU (torch.nn). */
import type { Tensor } from '@kindling/tensor';
import type { PackedSequence } from './packed-sequence.js';
import { RNNBase, type RNNBaseOptions } from './rnn-base.js';

export interface RNNOptions extends Omit<RNNBaseOptions, 'projSize'> {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

export type LSTMOptions = RNNBaseOptions;
export type GRUOptions = Omit<RNNBaseOptions, 'projSize'>;

type Input = Tensor | PackedSequence;

function noProj(o: object): void {
  if ('projSize' in o && (o as { projSize?: unknown }).projSize !== undefined) {
    throw new RangeError('proj_size argument is only supported for LSTM, not RNN or GRU');
  }
}

/**
 * Multi-layer Elman RNN (torch.nn.RNN): h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)
 * (ReLU with `nonlinearity: 'relu'`).
 *
 * Input: (L, N, H_in), (N, L, H_in) with batchFirst, unbatched (L, H_in), or a PackedSequence;
 * h0: (D·num_layers, N, H_out) or (D·num_layers, H_out), zeros when omitted.
 * Output: [output (L, N, D·H_out) (a PackedSequence for packed input), hN (D·num_layers, N, H_out)],
 * D = 2 if bidirectional else 1.
 *
 * @example
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const [output, hn] = rnn.call(randn([5, 3, 10]), randn([2, 3, 20]));
 * output.shape; // [5, 3, 20]
 */
export class RNN extends RNNBase {
  nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, o: RNNOptions = {}) {
    noProj(o);
    const nonlinearity = o.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu')
      throw new RangeError(`Unknown nonlinearity '${nonlinearity}'`);
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, o);
    this.nonlinearity = nonlinearity;
  }

  override call(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override call(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override call(...args: Parameters<this['forward']>): ReturnType<this['forward']>;
  override call(...args: unknown[]): unknown {
    return super.call(...(args as Parameters<this['forward']>));
  }

  override forward(input: Input, hx?: Tensor | null): [Input, Tensor] {
    const [out, [h]] = this._forward(input, hx ? [hx] : null);
    return [out, h];
  }
}

/**
 * Multi-layer LSTM (torch.nn.LSTM): with gates i, f, g, o from x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh,
 * c_t = σ(f)·c_{t−1} + σ(i)·tanh(g), h_t = σ(o)·tanh(c_t) (then h_t·W_hrᵀ with projSize).
 *
 * Input: (L, N, H_in), (N, L, H_in) with batchFirst, unbatched (L, H_in), or a PackedSequence;
 * [h0 (D·num_layers, N, H_out), c0 (D·num_layers, N, H_cell)], zeros when omitted; H_out = projSize
 * if > 0 else hiddenSize. Output: [output (L, N, D·H_out), [hN, cN]].
 *
 * @example
 * const lstm = new LSTM(10, 20, { numLayers: 2, batchFirst: true });
 * const [output, [hn, cn]] = lstm.call(randn([3, 5, 10]));
 * output.shape; // [3, 5, 20]
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, o: LSTMOptions = {}) {
    super('LSTM', inputSize, hiddenSize, o);
  }

  override call(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override call(
    input: PackedSequence,
    hx?: readonly [Tensor, Tensor] | null,
  ): [PackedSequence, [Tensor, Tensor]];
  override call(...args: Parameters<this['forward']>): ReturnType<this['forward']>;
  override call(...args: unknown[]): unknown {
    return super.call(...(args as Parameters<this['forward']>));
  }

  override forward(input: Input, hx?: readonly [Tensor, Tensor] | null): [Input, [Tensor, Tensor]] {
    if (hx && (!Array.isArray(hx) || hx.length !== 2))
      throw new TypeError('LSTM: hx should be a pair [h0, c0] of tensors');
    const [out, [h, c]] = this._forward(input, hx ? [hx[0], hx[1]] : null);
    return [out, [h, c]];
  }
}

/**
 * Multi-layer GRU (torch.nn.GRU) with PyTorch's equations: r = σ(W_ir·x + b_ir + W_hr·h + b_hr),
 * z = σ(W_iz·x + b_iz + W_hz·h + b_hz), n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn)),
 * h' = (1 − z)·n + z·h.
 *
 * Input: (L, N, H_in), (N, L, H_in) with batchFirst, unbatched (L, H_in), or a PackedSequence;
 * h0: (D·num_layers, N, H_out), zeros when omitted.
 * Output: [output (L, N, D·H_out), hN (D·num_layers, N, H_out)].
 *
 * @example
 * const gru = new GRU(10, 20, { bidirectional: true });
 * const [output, hn] = gru.call(randn([5, 3, 10]));
 * hn.shape; // [2, 3, 20]
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, o: GRUOptions = {}) {
    noProj(o);
    super('GRU', inputSize, hiddenSize, o);
  }

  override call(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override call(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override call(...args: Parameters<this['forward']>): ReturnType<this['forward']>;
  override call(...args: unknown[]): unknown {
    return super.call(...(args as Parameters<this['forward']>));
  }

  override forward(input: Input, hx?: Tensor | null): [Input, Tensor] {
    const [out, [h]] = this._forward(input, hx ? [hx] : null);
    return [out, h];
  }
}
