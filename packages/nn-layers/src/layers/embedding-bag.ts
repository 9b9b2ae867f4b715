import { noGrad, type Tensor } from '@kindling/tensor';
import { embeddingBag, resolvePaddingIdx } from '../functional/embedding.js';
import { normal_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyRepr } from '../repr.js';
import type { EmbeddingOptions, FromPretrainedOptions } from './embedding.js';
import { fmt, newParam } from './factory.js';

export interface EmbeddingBagOptions extends EmbeddingOptions {
  /** 'mean' (default), 'sum' or 'max' over each bag. */
  mode?: 'sum' | 'mean' | 'max';
  /** offsets has a final entry marking the end of the last bag. */
  includeLastOffset?: boolean;
}

/**
 * Sums, means or maxima of bags of embeddings, without materialising the per-index embeddings
 * (torch.nn.EmbeddingBag); weight [numEmbeddings, embeddingDim] ~ N(0, 1).
 *
 * Input: (B, L) int32 (each row a bag) or (n) int32 with offsets (B) giving each bag's start;
 * optional perSampleWeights (mode 'sum') of the input's shape. Output: (B, embeddingDim).
 *
 * @example
 * const bag = new EmbeddingBag(10, 3, { mode: 'sum' });
 * bag.call(tensor([1, 2, 4, 5, 4, 3, 2, 9]), tensor([0, 4])).shape; // [2, 3]
 */
export class EmbeddingBag extends Module {
  numEmbeddings: number;
  embeddingDim: number;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
  mode: 'sum' | 'mean' | 'max';
  sparse: boolean;
  includeLastOffset: boolean;
  paddingIdx: number | null;
  declare weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, o: EmbeddingBagOptions = {}) {
    super();
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.maxNorm = o.maxNorm ?? null;
    this.normType = o.normType ?? 2;
    this.scaleGradByFreq = o.scaleGradByFreq ?? false;
    this.mode = o.mode ?? 'mean';
    this.sparse = o.sparse ?? false;
    this.includeLastOffset = o.includeLastOffset ?? false;
    this.paddingIdx = resolvePaddingIdx(o.paddingIdx, numEmbeddings);
    if (o._weight) {
      if (
        o._weight.ndim !== 2 ||
        o._weight.shape[0] !== numEmbeddings ||
        o._weight.shape[1] !== embeddingDim
      ) {
        throw new RangeError(
          `EmbeddingBag: Shape of weight does not match num_embeddings and embedding_dim: expected [${numEmbeddings}, ${embeddingDim}], got ${fmt(o._weight.shape)}`,
        );
      }
      this.weight = new Parameter(o._weight, !(o._freeze ?? false));
    } else {
      this.weight = newParam([numEmbeddings, embeddingDim], o);
      if (o._freeze) this.weight.requiresGrad = false;
      this.resetParameters();
    }
  }

  /** Build from a [num, dim] tensor (torch.nn.EmbeddingBag.from_pretrained); frozen by default. */
  static fromPretrained(
    embeddings: Tensor,
    o: FromPretrainedOptions & { mode?: 'sum' | 'mean' | 'max'; includeLastOffset?: boolean } = {},
  ): EmbeddingBag {
    if (embeddings.ndim !== 2)
      throw new RangeError(
        `Embeddings parameter is expected to be 2-dimensional, got ${fmt(embeddings.shape)}`,
      );
    const [rows, cols] = embeddings.shape;
    return new EmbeddingBag(rows, cols, { ...o, _weight: embeddings, _freeze: o.freeze ?? true });
  }

  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) {
      const row = this.paddingIdx;
      noGrad(() => this.weight.select(0, row).fill_(0));
    }
  }

  override forward(input: Tensor, offsets?: Tensor | null, perSampleWeights?: Tensor | null): Tensor {
    if (input.dtype !== 'int32') {
      throw new TypeError(
        `${this.toString()}: expected int32 indices, got ${input.dtype} of shape ${fmt(input.shape)}`,
      );
    }
    return embeddingBag(input, this.weight, offsets, {
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
      mode: this.mode,
      sparse: this.sparse,
      perSampleWeights,
      includeLastOffset: this.includeLastOffset,
      paddingIdx: this.paddingIdx,
    });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.maxNorm !== null) s += `, max_norm=${this.maxNorm}`;
    if (this.normType !== 2) s += `, norm_type=${this.normType}`;
    if (this.scaleGradByFreq) s += `, scale_grad_by_freq=${pyRepr(this.scaleGradByFreq)}`;
    s += `, mode=${this.mode}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s;
  }
}
