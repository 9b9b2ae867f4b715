/** RNNBase: the parameters, checks and forward shared by RNN, LSTM and GRU (torch.nn.RNNBase). */
import { Module, Parameter, uniform_ } from '@kindling/nn-layers';
import { type Device, type DType, empty, type Tensor, zeros } from '@kindling/tensor';
import {
  gru,
  type LayerWeights,
  lstm,
  type RecurrentOptions,
  type RNNMode,
  rnnRelu,
  rnnTanh,
} from './functional/recurrent.js';
import { PackedSequence } from './packed-sequence.js';
import { checkSize, sameShape } from './arg-checks.js';
import { hostInts } from './host-ints.js';
import { list, py, tuple } from './py-format.js';

/** The keyword arguments of RNN, LSTM and GRU (PyTorch's, camelCased). */
export interface RNNBaseOptions {
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Use b_ih and b_hh (default true). */
  bias?: boolean;
  /** Input and output are (B, T, *) instead of (T, B, *) (not the hidden states). Default false. */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Add a reversed direction per layer (default false). */
  bidirectional?: boolean;
  /** LSTM only: project h to this size with weight_hr (default 0: no projection). */
  projSize?: number;
  device?: Device;
  dtype?: DType;
}

const warned = new Set<string>();
function warnOnce(msg: string): void {
  if (warned.has(msg)) return;
  warned.add(msg);
  console.warn(msg);
}

const GATES: Record<RNNMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/**
 * The base of RNN, LSTM and GRU (torch.nn.RNNBase): registers, per layer k and direction,
 * `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}` (and `weight_hr_l{k}` for an
 * LSTM with projections), with `_reverse` appended for the second direction, all drawn from
 * U(−1/√hidden_size, 1/√hidden_size), so PyTorch state dicts load unchanged.
 */
export class RNNBase extends Module {
  mode: RNNMode;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bias: boolean;
  batchFirst: boolean;
  dropout: number;
  bidirectional: boolean;
  projSize: number;
  /** Parameter names in PyTorch's flat order. */
  _flatWeightsNames: string[] = [];
  /** Parameter names per layer and direction. */
  _allWeights: string[][] = [];

  constructor(mode: RNNMode, inputSize: number, hiddenSize: number, o: RNNBaseOptions = {}) {
    super();
    const numLayers = o.numLayers ?? 1;
    const p = o.dropout ?? 0;
    const projSize = o.projSize ?? 0;
    checkSize('input_size', inputSize);
    checkSize('hidden_size', hiddenSize);
    checkSize('num_layers', numLayers);
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(
        'dropout should be a number in range [0, 1] representing the probability of an element being zeroed',
      );
    }
    if (p > 0 && numLayers === 1) {
      warnOnce(
        `dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${p} and num_layers=${numLayers}`,
      );
    }
    if (!Number.isInteger(projSize) || projSize < 0)
      throw new RangeError('proj_size should be a positive integer or zero to disable projections');
    if (projSize >= hiddenSize) throw new RangeError('proj_size has to be smaller than hidden_size');
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = o.bias ?? true;
    this.batchFirst = o.batchFirst ?? false;
    this.dropout = p;
    this.bidirectional = o.bidirectional ?? false;
    this.projSize = projSize;

    const D = this.bidirectional ? 2 : 1;
    const gate = GATES[mode] * hiddenSize;
    const real = projSize > 0 ? projSize : hiddenSize;
    const fo = { dtype: o.dtype ?? 'float32', device: o.device ?? 'cpu' } as const;
    const param = (...shape: number[]) => new Parameter(empty(shape, fo));
    for (let layer = 0; layer < numLayers; layer++) {
      for (let dir = 0; dir < D; dir++) {
        const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        const inSize = layer === 0 ? inputSize : real * D;
        const params: [string, Parameter][] = [
          [`weight_ih${sfx}`, param(gate, inSize)],
          [`weight_hh${sfx}`, param(gate, real)],
        ];
        if (this.bias) params.push([`bias_ih${sfx}`, param(gate)], [`bias_hh${sfx}`, param(gate)]);
        if (projSize > 0) params.push([`weight_hr${sfx}`, param(projSize, hiddenSize)]);
        for (const [name, w] of params) this.registerParameter(name, w);
        const names = params.map(([n]) => n);
        this._flatWeightsNames.push(...names);
        this._allWeights.push(names);
      }
    }
    this.resetParameters();
  }

  /** Every weight U(−1/√hidden_size, 1/√hidden_size), as PyTorch. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const w of this.parameters()) uniform_(w, -stdv, stdv);
  }

  /** PyTorch's all_weights: the parameters of each layer and direction. */
  get allWeights(): Parameter[][] {
    return this._allWeights.map((names) => names.map((n) => this._parameters.get(n) as Parameter));
  }

  /** The parameters in PyTorch's flat order (_flat_weights). */
  get _flatWeights(): Parameter[] {
    return this._flatWeightsNames.map((n) => this._parameters.get(n) as Parameter);
  }

  /** PyTorch compacts cuDNN weights here; Kindling's parameters are already separate contiguous tensors, so this is a no-op. */
  flattenParameters(): void {}

  /** Layer weights for the functional twins, per layer and direction. */
  _layerWeights(): LayerWeights[] {
    return this.allWeights.map((ws) => {
      const [wIh, wHh] = ws;
      const bIh = this.bias ? ws[2] : null;
      const bHh = this.bias ? ws[3] : null;
      const wHr = this.projSize > 0 ? ws[ws.length - 1] : null;
      return { wIh, wHh, bIh, bHh, wHr };
    });
  }

  checkInput(input: Tensor, batchSizes: readonly number[] | null): void {
    const expected = batchSizes ? 2 : 3;
    if (input.ndim !== expected)
      throw new RangeError(`input must have ${expected} dimensions, got ${input.ndim}`);
    if (this.inputSize !== input.shape[input.ndim - 1]) {
      throw new RangeError(
        `input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.shape[input.ndim - 1]}`,
      );
    }
  }

  /** (num_layers · num_directions, batch, hidden) for h (or c when `cell`). */
  getExpectedHiddenSize(input: Tensor, batchSizes: readonly number[] | null, cell = false): number[] {
    const batch = batchSizes ? batchSizes[0] : input.shape[this.batchFirst ? 0 : 1];
    const D = this.bidirectional ? 2 : 1;
    const size = this.projSize > 0 && !cell ? this.projSize : this.hiddenSize;
    return [this.numLayers * D, batch, size];
  }

  checkHiddenSize(hx: Tensor, expected: readonly number[], msg = 'Expected hidden size'): void {
    if (!sameShape(hx.shape, expected))
      throw new RangeError(`${msg} ${tuple(expected)}, got ${list(hx.shape)}`);
  }

  /**
   * The forward shared by RNN, LSTM and GRU: `hx` holds [h0] or [h0, c0] (or null for zeros).
   * Returns the output (a PackedSequence for packed input) and the final states.
   */
  _forward(
    input: Tensor | PackedSequence,
    hx: readonly Tensor[] | null,
  ): [Tensor | PackedSequence, Tensor[]] {
    const lstmMode = this.mode === 'LSTM';
    const batchDim = this.batchFirst ? 0 : 1;
    let x: Tensor;
    let batchSizes: number[] | null = null;
    let sorted: Tensor | null = null;
    let unsorted: Tensor | null = null;
    let batched = true;
    let states = hx ? [...hx] : null;
    if (states?.some((s) => !(s as { _isTensor?: boolean })?._isTensor)) {
      throw new TypeError(
        lstmMode
          ? 'LSTM: hx should be a pair [h0, c0] of tensors'
          : `${this._getName()}: hx should be a tensor (num_layers * num_directions, batch, hidden)`,
      );
    }
    if (input instanceof PackedSequence) {
      x = input.data;
      batchSizes = hostInts(input.batchSizes);
      sorted = input.sortedIndices;
      unsorted = input.unsortedIndices;
    } else {
      x = input;
      if (x.ndim !== 2 && x.ndim !== 3)
        throw new RangeError(`${this._getName()}: Expected input to be 2D or 3D, got ${x.ndim}D instead`);
      batched = x.ndim === 3;
      if (states) {
        const want = batched ? 3 : 2;
        if (states.some((s) => s.ndim !== want)) {
          const kind = batched ? 'batched 3-D' : 'unbatched 2-D';
          throw new RangeError(
            lstmMode
              ? `For ${kind} input, hx and cx should also be ${want}-D but got (${states[0].ndim}-D, ${states[1].ndim}-D) tensors`
              : `For ${kind} input, hx should also be ${want}-D but got ${states[0].ndim}-D tensor`,
          );
        }
        if (!batched) states = states.map((s) => s.unsqueeze(1));
      }
      if (!batched) x = x.unsqueeze(batchDim);
    }
    this.checkInput(x, batchSizes);
    const hSize = this.getExpectedHiddenSize(x, batchSizes);
    const cSize = this.getExpectedHiddenSize(x, batchSizes, true);
    if (states) {
      if (lstmMode) {
        this.checkHiddenSize(states[0], hSize, 'Expected hidden[0] size');
        this.checkHiddenSize(states[1], cSize, 'Expected hidden[1] size');
      } else this.checkHiddenSize(states[0], hSize);
      if (sorted) {
        const perm = sorted;
        states = states.map((s) => s.indexSelect(1, perm));
      }
    } else {
      const fo = { dtype: x.dtype, device: x.device };
      states = lstmMode ? [zeros(hSize, fo), zeros(cSize, fo)] : [zeros(hSize, fo)];
    }

    const o: RecurrentOptions = {
      numLayers: this.numLayers,
      dropout: this.dropout,
      training: this.training,
      bidirectional: this.bidirectional,
      batchFirst: this.batchFirst,
      batchSizes,
    };
    const w = this._layerWeights();
    let output: Tensor;
    let out: Tensor[];
    if (lstmMode) {
      const [y, [h, c]] = lstm(x, [states[0], states[1]], w, o);
      output = y;
      out = [h, c];
    } else {
      const f = this.mode === 'GRU' ? gru : this.mode === 'RNN_TANH' ? rnnTanh : rnnRelu;
      const [y, h] = f(x, states[0], w, o);
      output = y;
      out = [h];
    }
    if (input instanceof PackedSequence) {
      const perm = unsorted;
      return [
        new PackedSequence(output, input.batchSizes, sorted, unsorted),
        perm ? out.map((s) => s.indexSelect(1, perm)) : out,
      ];
    }
    if (!batched) return [output.squeeze(batchDim), out.map((s) => s.squeeze(1))];
    return [output, out];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.bias !== true) s += `, bias=${py(this.bias)}`;
    if (this.batchFirst !== false) s += `, batch_first=${py(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${py(this.dropout)}`;
    if (this.bidirectional !== false) s += `, bidirectional=${py(this.bidirectional)}`;
    return s;
  }
}
