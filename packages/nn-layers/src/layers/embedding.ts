import { noGrad, type Tensor } from '@kindling/tensor';
import { embedding, resolvePaddingIdx } from '../functional/embedding.js';
import { normal_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyRepr } from '../repr.js';
import { type FactoryOptions, fmt, newParam } from './factory.js';

export interface EmbeddingOptions extends FactoryOptions {
  /** This row gets no gradient, and starts at zero. Negative counts from the end. */
  paddingIdx?: number | null;
  /** Looked-up rows with a larger normType-norm are rescaled in the weight to this norm. */
  maxNorm?: number | null;
  normType?: number;
  /** Scale gradients by the inverse frequency of each index in the batch. */
  scaleGradByFreq?: boolean;
  /** Accepted for compatibility; gradients are dense. */
  sparse?: boolean;
  /** Use this tensor as the weight (PyTorch's `_weight`); the padding row is then left as is. */
  _weight?: Tensor | null;
  /** With `_weight`: whether the weight stays fixed (PyTorch's `_freeze`). */
  _freeze?: boolean;
}

export interface FromPretrainedOptions {
  /** Do not train the weight (default true). */
  freeze?: boolean;
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  sparse?: boolean;
}

/**
 * A lookup table of numEmbeddings vectors of size embeddingDim (torch.nn.Embedding); weight
 * [numEmbeddings, embeddingDim] ~ N(0, 1), with the paddingIdx row zero.
 *
 * Input: (*) int32 indices. Output: (*, embeddingDim).
 *
 * @example
 * const emb = new Embedding(10, 3, { paddingIdx: 0 });
 * emb.call(tensor([[1, 2, 0], [4, 3, 9]])).shape; // [2, 3, 3]
 */
export class Embedding extends Module {
  numEmbeddings: number;
  embeddingDim: number;
  paddingIdx: number | null;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
  sparse: boolean;
  declare weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, o: EmbeddingOptions = {}) {
    super();
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = resolvePaddingIdx(o.paddingIdx, numEmbeddings);
    this.maxNorm = o.maxNorm ?? null;
    this.normType = o.normType ?? 2;
    this.scaleGradByFreq = o.scaleGradByFreq ?? false;
    this.sparse = o.sparse ?? false;
    if (o._weight) {
      if (
        o._weight.ndim !== 2 ||
        o._weight.shape[0] !== numEmbeddings ||
        o._weight.shape[1] !== embeddingDim
      ) {
        throw new RangeError(
          `Embedding: Shape of weight does not match num_embeddings and embedding_dim: expected [${numEmbeddings}, ${embeddingDim}], got ${fmt(o._weight.shape)}`,
        );
      }
      this.weight = new Parameter(o._weight, !(o._freeze ?? false));
    } else {
      this.weight = newParam([numEmbeddings, embeddingDim], o);
      if (o._freeze) this.weight.requiresGrad = false;
      this.resetParameters();
    }
  }

  /** Build from a [num, dim] tensor (torch.nn.Embedding.from_pretrained); frozen by default. */
  static fromPretrained(embeddings: Tensor, o: FromPretrainedOptions = {}): Embedding {
    if (embeddings.ndim !== 2)
      throw new RangeError(
        `Embeddings parameter is expected to be 2-dimensional, got ${fmt(embeddings.shape)}`,
      );
    const [rows, cols] = embeddings.shape;
    return new Embedding(rows, cols, {
      _weight: embeddings,
      _freeze: o.freeze ?? true,
      paddingIdx: o.paddingIdx,
      maxNorm: o.maxNorm,
      normType: o.normType,
      scaleGradByFreq: o.scaleGradByFreq,
      sparse: o.sparse,
    });
  }

  resetParameters(): void {
    normal_(this.weight);
    this.fillPaddingIdxWithZero();
  }

  protected fillPaddingIdxWithZero(): void {
    if (this.paddingIdx === null) return;
    const row = this.paddingIdx;
    noGrad(() => this.weight.select(0, row).fill_(0));
  }

  override forward(input: Tensor): Tensor {
    if (input.dtype !== 'int32') {
      throw new TypeError(
        `${this.toString()}: expected int32 indices, got ${input.dtype} of shape ${fmt(input.shape)}`,
      );
    }
    return embedding(input, this.weight, {
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
      sparse: this.sparse,
    });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${this.maxNorm}`;
    if (this.normType !== 2) s += `, norm_type=${this.normType}`;
    if (this.scaleGradByFreq) s += `, scale_grad_by_freq=${pyRepr(this.scaleGradByFreq)}`;
    if (this.sparse) s += ', sparse=True';
    return s;
  }
}
