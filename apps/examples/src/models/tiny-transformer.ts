import { Dropout, Embedding, LayerNorm, Linear, Module } from '@kindling/nn-layers';
import { Transformer, TransformerEncoder, TransformerEncoderLayer } from '@kindling/nn-transformer';
import { type Tensor, tensor } from '@kindling/tensor';

/** The sinusoidal positional encoding of "Attention Is All You Need", added to (B, T, d) inputs. */
export class PositionalEncoding extends Module {
  declare dropout: Dropout;
  declare pe: Tensor;

  constructor(dModel: number, { maxLen = 512, dropout = 0.1 } = {}) {
    super();
    this.dropout = new Dropout(dropout);
    const pe = new Float32Array(maxLen * dModel);
    for (let pos = 0; pos < maxLen; pos++)
      for (let i = 0; i < dModel; i += 2) {
        const angle = pos / 10000 ** (i / dModel);
        pe[pos * dModel + i] = Math.sin(angle);
        if (i + 1 < dModel) pe[pos * dModel + i + 1] = Math.cos(angle);
      }
    this.registerBuffer('pe', tensor(pe, { shape: [maxLen, dModel] }), { persistent: false });
  }

  override forward(x: Tensor): Tensor {
    return this.dropout.call(x.add(this.pe.narrow(0, 0, x.shape[1])));
  }
}

export interface TinyTransformerOptions {
  dModel?: number;
  nhead?: number;
  layers?: number;
  dimFeedforward?: number;
  dropout?: number;
  maxLen?: number;
}

/**
 * A decoder-only (GPT-style) character model: Embedding (N(0, 1), so not scaled by √d) plus positions, a pre-norm
 * TransformerEncoder run with a causal mask, a final LayerNorm and a Linear over the characters.
 */
export class TinyTransformerLM extends Module {
  declare embed: Embedding;
  declare pos: PositionalEncoding;
  declare encoder: TransformerEncoder;
  declare head: Linear;

  constructor(
    vocabSize: number,
    {
      dModel = 64,
      nhead = 4,
      layers = 2,
      dimFeedforward = 128,
      dropout = 0,
      maxLen = 512,
    }: TinyTransformerOptions = {},
  ) {
    super();
    this.embed = new Embedding(vocabSize, dModel);
    this.pos = new PositionalEncoding(dModel, { maxLen, dropout });
    const layer = new TransformerEncoderLayer(dModel, nhead, {
      dimFeedforward,
      dropout,
      batchFirst: true,
      normFirst: true,
      activation: 'gelu',
    });
    this.encoder = new TransformerEncoder(layer, layers, {
      norm: new LayerNorm(dModel),
      enableNestedTensor: false,
    });
    this.head = new Linear(dModel, vocabSize);
  }

  /** (B, T) ids → (B, T, V) logits; position t sees positions ≤ t only. */
  override forward(x: Tensor): Tensor {
    const mask = Transformer.generateSquareSubsequentMask(x.shape[1], { device: x.device });
    const h = this.pos.call(this.embed.call(x));
    return this.head.call(this.encoder.call(h, { srcMask: mask, isCausal: true }));
  }
}
