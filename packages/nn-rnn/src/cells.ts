/** RNNCell, LSTMCell and GRUCell (torch.nn): one recurrent step, batched or unbatched. */
import { Module, Parameter, uniform_ } from '@kindling/nn-layers';
import { type Device, type DType, empty, type Tensor, zeros } from '@kindling/tensor';
import { gruCell, lstmCell, rnnReluCell, rnnTanhCell } from './functional/cells.js';
import { checkSize } from './arg-checks.js';
import { py } from './py-format.js';

export interface RNNCellBaseOptions {
  /** Use bias_ih and bias_hh (default true). */
  bias?: boolean;
  device?: Device;
  dtype?: DType;
}

export interface RNNCellOptions extends RNNCellBaseOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * The base of the cells (torch.nn.RNNCellBase): `weight_ih` (G·H, H_in), `weight_hh` (G·H, H),
 * `bias_ih`, `bias_hh` (G·H), all U(−1/√H, 1/√H); G = 1, 4, 3 for RNNCell, LSTMCell, GRUCell.
 */
export class RNNCellBase extends Module {
  inputSize: number;
  hiddenSize: number;
  bias: boolean;
  declare weight_ih: Parameter;
  declare weight_hh: Parameter;
  declare bias_ih: Parameter | null;
  declare bias_hh: Parameter | null;

  constructor(
    inputSize: number,
    hiddenSize: number,
    bias: boolean,
    numChunks: number,
    o: RNNCellBaseOptions = {},
  ) {
    super();
    checkSize('input_size', inputSize);
    checkSize('hidden_size', hiddenSize);
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = bias;
    const fo = { dtype: o.dtype ?? 'float32', device: o.device ?? 'cpu' } as const;
    this.weight_ih = new Parameter(empty([numChunks * hiddenSize, inputSize], fo));
    this.weight_hh = new Parameter(empty([numChunks * hiddenSize, hiddenSize], fo));
    if (bias) {
      this.bias_ih = new Parameter(empty([numChunks * hiddenSize], fo));
      this.bias_hh = new Parameter(empty([numChunks * hiddenSize], fo));
    } else {
      this.registerParameter('bias_ih', null);
      this.registerParameter('bias_hh', null);
    }
    this.resetParameters();
  }

  /** Every weight U(−1/√hidden_size, 1/√hidden_size), as PyTorch. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) uniform_(w, -stdv, stdv);
  }

  /** Unbatched inputs get a batch dim; missing states are zeros. Returns [input (B, H_in), states (B, H), batched]. */
  _prepare(input: Tensor, hx: readonly Tensor[] | null, states = 1): [Tensor, Tensor[], boolean] {
    const name = this._getName();
    if (input.ndim !== 1 && input.ndim !== 2) {
      throw new RangeError(`${name}: Expected input to be 1-D or 2-D but received ${input.ndim}-D tensor`);
    }
    const batched = input.ndim === 2;
    const x = batched ? input : input.unsqueeze(0);
    if (!hx)
      return [
        x,
        Array.from({ length: states }, () =>
          zeros([x.shape[0], this.hiddenSize], { dtype: x.dtype, device: x.device }),
        ),
        batched,
      ];
    for (const h of hx) {
      if (h.ndim !== 1 && h.ndim !== 2)
        throw new RangeError(`${name}: Expected hidden to be 1D or 2D, got ${h.ndim}D instead`);
      if (h.ndim !== input.ndim) {
        throw new RangeError(
          batched
            ? `For batched 2-D input, hx should also be 2-D but got ${h.ndim}-D tensor`
            : `For unbatched 1-D input, hx should also be 1-D but got ${h.ndim}-D tensor`,
        );
      }
    }
    return [x, batched ? [...hx] : hx.map((h) => h.unsqueeze(0)), batched];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.bias !== true) s += `, bias=${py(this.bias)}`;
    const nl = (this as { nonlinearity?: string }).nonlinearity;
    if (nl !== undefined && nl !== 'tanh') s += `, nonlinearity=${nl}`;
    return s;
  }
}

/**
 * One Elman RNN step (torch.nn.RNNCell): h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (ReLU with
 * `nonlinearity: 'relu'`).
 *
 * Input: (N, H_in) or (H_in); h: (N, H) or (H), zeros when omitted. Output: h' (N, H) or (H).
 *
 * @example
 * const cell = new RNNCell(10, 20);
 * let h = randn([3, 20]);
 * for (const x of randn([6, 3, 10]).unbind(0)) h = cell.call(x, h);
 */
export class RNNCell extends RNNCellBase {
  nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, o: RNNCellOptions = {}) {
    const nonlinearity = o.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu')
      throw new RangeError(`Unknown nonlinearity: ${nonlinearity}`);
    super(inputSize, hiddenSize, o.bias ?? true, 1, o);
    this.nonlinearity = nonlinearity;
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const [x, [h], batched] = this._prepare(input, hx ? [hx] : null);
    const f = this.nonlinearity === 'tanh' ? rnnTanhCell : rnnReluCell;
    const out = f(x, h, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return batched ? out : out.squeeze(0);
  }
}

/**
 * One LSTM step (torch.nn.LSTMCell): gates i, f, g, o from x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh,
 * c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c').
 *
 * Input: (N, H_in) or (H_in); [h, c]: each (N, H) or (H), zeros when omitted. Output: [h', c'].
 *
 * @example
 * const cell = new LSTMCell(10, 20);
 * let state: [Tensor, Tensor] = [randn([3, 20]), randn([3, 20])];
 * for (const x of randn([6, 3, 10]).unbind(0)) state = cell.call(x, state);
 */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, o: RNNCellBaseOptions = {}) {
    super(inputSize, hiddenSize, o.bias ?? true, 4, o);
  }

  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    if (hx && (!Array.isArray(hx) || hx.length !== 2))
      throw new TypeError('LSTMCell: hx should be a pair [h, c] of tensors');
    const [x, [h, c], batched] = this._prepare(input, hx ? [hx[0], hx[1]] : null, 2);
    const [h2, c2] = lstmCell(x, [h, c], this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return batched ? [h2, c2] : [h2.squeeze(0), c2.squeeze(0)];
  }
}

/**
 * One GRU step (torch.nn.GRUCell), PyTorch's equations: r = σ(W_ir·x + b_ir + W_hr·h + b_hr),
 * z = σ(W_iz·x + b_iz + W_hz·h + b_hz), n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn)),
 * h' = (1 − z)·n + z·h.
 *
 * Input: (N, H_in) or (H_in); h: (N, H) or (H), zeros when omitted. Output: h' (N, H) or (H).
 *
 * @example
 * const cell = new GRUCell(10, 20);
 * const h1 = cell.call(randn([3, 10]));
 */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, o: RNNCellBaseOptions = {}) {
    super(inputSize, hiddenSize, o.bias ?? true, 3, o);
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const [x, [h], batched] = this._prepare(input, hx ? [hx] : null);
    const out = gruCell(x, h, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return batched ? out : out.squeeze(0);
  }
}
