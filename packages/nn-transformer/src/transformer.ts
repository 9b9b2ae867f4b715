import { type FactoryOptions, init, LayerNorm, Module } from '@kindling/nn-layers';
import type { DType, Device, Tensor } from '@kindling/tensor';
import type { Activation } from './activation.js';
import { TransformerDecoder, TransformerDecoderLayer } from './decoder.js';
import { TransformerEncoder, TransformerEncoderLayer } from './encoder.js';
import { generateSquareSubsequentMask } from './mask.js';

export interface TransformerOptions extends FactoryOptions {
  /** Features of the encoder/decoder inputs (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  /** Width of the feed-forward networks (default 2048). */
  dimFeedforward?: number;
  /** Default 0.1. */
  dropout?: number;
  /** 'relu' (default), 'gelu', a function or a module. */
  activation?: Activation;
  /** Used instead of the default TransformerEncoder (its parameters are re-initialised too, as in PyTorch). */
  customEncoder?: Module | null;
  customDecoder?: Module | null;
  /** Default 1e-5. */
  layerNormEps?: number;
  /** (N, S, E) inputs instead of (S, N, E) (default false). */
  batchFirst?: boolean;
  /** Pre-norm layers (default false). */
  normFirst?: boolean;
  /** Biases in every Linear, LayerNorm and attention (default true). */
  bias?: boolean;
}

export interface TransformerForwardOptions {
  /** (S, S) or (N·nhead, S, S). */
  srcMask?: Tensor | null;
  /** (T, T) or (N·nhead, T, T), e.g. Transformer.generateSquareSubsequentMask(T). */
  tgtMask?: Tensor | null;
  /** (T, S). */
  memoryMask?: Tensor | null;
  /** (N, S), or (S) unbatched. */
  srcKeyPaddingMask?: Tensor | null;
  /** (N, T), or (T) unbatched. */
  tgtKeyPaddingMask?: Tensor | null;
  /** (N, S), or (S) unbatched. */
  memoryKeyPaddingMask?: Tensor | null;
  /** PyTorch 2's causal hints (the masks are still required). Default false. */
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/**
 * The encoder-decoder Transformer of "Attention Is All You Need" (torch.nn.Transformer): a
 * TransformerEncoder of numEncoderLayers layers with a final LayerNorm, and a TransformerDecoder
 * likewise; every parameter with more than one dim is re-initialised with xavier_uniform_.
 * State-dict keys are PyTorch's (`encoder.layers.0.self_attn.in_proj_weight`, `decoder.norm.weight`, ...).
 *
 * Inputs: src (S, N, E) and tgt (T, N, E); (N, S, E) and (N, T, E) with batchFirst; (S, E) and
 * (T, E) unbatched. Output: (T, N, E) (the shape of tgt).
 *
 * @example
 * const model = new Transformer({ nhead: 16, numEncoderLayers: 12 });
 * const src = rand([10, 32, 512]);
 * const tgt = rand([20, 32, 512]);
 * model.call(src, tgt, { tgtMask: Transformer.generateSquareSubsequentMask(20) }).shape; // [20, 32, 512]
 */
export class Transformer extends Module {
  dModel: number;
  nhead: number;
  batchFirst: boolean;
  declare encoder: Module;
  declare decoder: Module;

  constructor(o: TransformerOptions = {}) {
    super();
    const dModel = o.dModel ?? 512;
    const nhead = o.nhead ?? 8;
    const eps = o.layerNormEps ?? 1e-5;
    const layerOpts = {
      device: o.device,
      dtype: o.dtype,
      dimFeedforward: o.dimFeedforward ?? 2048,
      dropout: o.dropout ?? 0.1,
      activation: o.activation,
      layerNormEps: eps,
      batchFirst: o.batchFirst ?? false,
      normFirst: o.normFirst ?? false,
      bias: o.bias ?? true,
    };
    const normOpts = { device: o.device, dtype: o.dtype, eps, bias: o.bias ?? true };
    if (o.customEncoder) this.encoder = o.customEncoder;
    else {
      const layer = new TransformerEncoderLayer(dModel, nhead, layerOpts);
      this.encoder = new TransformerEncoder(layer, o.numEncoderLayers ?? 6, {
        norm: new LayerNorm(dModel, normOpts),
      });
    }
    if (o.customDecoder) this.decoder = o.customDecoder;
    else {
      const layer = new TransformerDecoderLayer(dModel, nhead, layerOpts);
      this.decoder = new TransformerDecoder(layer, o.numDecoderLayers ?? 6, {
        norm: new LayerNorm(dModel, normOpts),
      });
    }
    this._resetParameters();
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = o.batchFirst ?? false;
  }

  /** xavier_uniform_ on every parameter with more than one dim (PyTorch's _reset_parameters). */
  _resetParameters(): void {
    for (const p of this.parameters()) if (p.ndim > 1) init.xavierUniform_(p);
  }

  override forward(src: Tensor, tgt: Tensor, opts: TransformerForwardOptions = {}): Tensor {
    const isBatched = src.ndim === 3;
    if (isBatched && src.shape[this.batchFirst ? 0 : 1] !== tgt.shape[this.batchFirst ? 0 : 1]) {
      throw new Error('the batch number of src and tgt must be equal');
    }
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) {
      throw new Error('the feature number of src and tgt must be equal to d_model');
    }
    const memory = this.encoder.call(src, {
      srcMask: opts.srcMask,
      srcKeyPaddingMask: opts.srcKeyPaddingMask,
      isCausal: opts.srcIsCausal,
    }) as Tensor;
    return this.decoder.call(tgt, memory, {
      tgtMask: opts.tgtMask,
      memoryMask: opts.memoryMask,
      tgtKeyPaddingMask: opts.tgtKeyPaddingMask,
      memoryKeyPaddingMask: opts.memoryKeyPaddingMask,
      tgtIsCausal: opts.tgtIsCausal,
      memoryIsCausal: opts.memoryIsCausal,
    }) as Tensor;
  }

  /**
   * The causal mask for sz positions: float −inf above the diagonal, 0 on and below it
   * (torch.nn.Transformer.generate_square_subsequent_mask).
   *
   * @example
   * Transformer.generateSquareSubsequentMask(3); // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
   */
  static generateSquareSubsequentMask(sz: number, opts: { device?: Device; dtype?: DType } = {}): Tensor {
    return generateSquareSubsequentMask(sz, opts);
  }
}
