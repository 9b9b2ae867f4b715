import { Embedding, Linear, Module } from '@kindling/nn-layers';
import { LSTM } from '@kindling/nn-rnn';
import type { Tensor } from '@kindling/tensor';

export type LstmState = [Tensor, Tensor];

/** Embedding → multi-layer LSTM (batch first) → Linear over the characters. */
export class CharLSTM extends Module {
  declare embed: Embedding;
  declare lstm: LSTM;
  declare head: Linear;

  constructor(vocabSize: number, { embedDim = 32, hidden = 128, layers = 1, dropout = 0 } = {}) {
    super();
    this.embed = new Embedding(vocabSize, embedDim);
    this.lstm = new LSTM(embedDim, hidden, { numLayers: layers, batchFirst: true, dropout });
    this.head = new Linear(hidden, vocabSize);
  }

  /** (B, T) ids and an optional state → (B, T, V) logits and the new state. */
  override forward(x: Tensor, state?: LstmState): [Tensor, LstmState] {
    const [out, next] = this.lstm.call(this.embed.call(x), state) as [Tensor, LstmState];
    return [this.head.call(out), next];
  }
}
