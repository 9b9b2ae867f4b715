import { Linear, Module } from '@kindling/nn-layers';
import { LSTM, packPaddedSequence, padPackedSequence } from '@kindling/nn-rnn';
import type { Tensor } from '@kindling/tensor';

/**
 * Each pixel column through Linear + ReLU, a bidirectional LSTM over the columns, and a Linear to
 * per-column class log-probabilities (the column features make CTC leave its all-blank plateau
 * several times sooner than raw pixels do).
 */
export class DigitReader extends Module {
  declare proj: Linear;
  declare lstm: LSTM;
  declare head: Linear;

  constructor(height: number, classes: number, { features = 32, hidden = 48, layers = 1 } = {}) {
    super();
    this.proj = new Linear(height, features);
    this.lstm = new LSTM(features, hidden, { numLayers: layers, bidirectional: true });
    this.head = new Linear(2 * hidden, classes);
  }

  /** (T, N, height) columns and each image's width → (T, N, classes) log-probabilities. */
  override forward(x: Tensor, lengths: number[]): Tensor {
    // packed, so the backward direction starts at each image's own last column, not in the padding
    const packed = packPaddedSequence(this.proj.call(x).relu(), lengths, { enforceSorted: false });
    const [out] = this.lstm.call(packed) as [ReturnType<typeof packPaddedSequence>, unknown];
    const [padded] = padPackedSequence(out, { totalLength: x.shape[0] });
    return this.head.call(padded).logSoftmax(2);
  }
}
