import { Dropout, LayerNorm, Linear, Module, ModuleList } from '@kindling/nn-layers';
import type { Tensor } from '@kindling/tensor';
import { type ActivationFn, applyActivation, resolveActivation } from './activation.js';
import { cloneModule } from './clone.js';
import type { TransformerLayerOptions } from './encoder.js';
import { checkMaskDtype } from './mask.js';
import { MultiheadAttention } from './multihead-attention.js';

export interface TransformerDecoderLayerForwardOptions {
  /** (T, T) or (N·nhead, T, T) self-attention mask: bool (true = not allowed to attend) or float (added). */
  tgtMask?: Tensor | null;
  /** (T, S) or (N·nhead, T, S) mask of the attention over memory. */
  memoryMask?: Tensor | null;
  /** (N, T), or (T) unbatched: bool (true = padding) or float (added). */
  tgtKeyPaddingMask?: Tensor | null;
  /** (N, S), or (S) unbatched. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Hint that tgtMask is the causal mask (tgtMask is still required, as in PyTorch). Default false. */
  tgtIsCausal?: boolean;
  /** Hint that memoryMask is the causal mask (memoryMask is still required). Default false. */
  memoryIsCausal?: boolean;
}

/**
 * One decoder layer: self-attention, attention over the encoder output (memory), then a
 * feed-forward network, each with dropout, a residual connection and LayerNorm
 * (torch.nn.TransformerDecoderLayer). Submodules under PyTorch's names: self_attn,
 * multihead_attn, linear1, dropout, linear2, norm1, norm2, norm3, dropout1, dropout2, dropout3.
 *
 * Inputs: tgt (T, N, E) and memory (S, N, E); (N, T, E) and (N, S, E) with batchFirst; (T, E)
 * and (S, E) unbatched. Output: the shape of tgt.
 *
 * @example
 * const layer = new TransformerDecoderLayer(512, 8);
 * const tgtMask = Transformer.generateSquareSubsequentMask(20);
 * layer.call(randn([20, 32, 512]), randn([10, 32, 512]), { tgtMask }).shape; // [20, 32, 512]
 */
export class TransformerDecoderLayer extends Module {
  normFirst: boolean;
  declare self_attn: MultiheadAttention;
  declare multihead_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare norm3: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare dropout3: Dropout;
  declare activation: ActivationFn | Module;

  constructor(dModel: number, nhead: number, o: TransformerLayerOptions = {}) {
    const act = resolveActivation(o.activation);
    super();
    const f = { device: o.device, dtype: o.dtype };
    const bias = o.bias ?? true;
    const p = o.dropout ?? 0.1;
    const eps = o.layerNormEps ?? 1e-5;
    const ff = o.dimFeedforward ?? 2048;
    const mha = { ...f, dropout: p, bias, batchFirst: o.batchFirst };
    this.self_attn = new MultiheadAttention(dModel, nhead, mha);
    this.multihead_attn = new MultiheadAttention(dModel, nhead, mha);
    this.linear1 = new Linear(dModel, ff, { ...f, bias });
    this.dropout = new Dropout({ p });
    this.linear2 = new Linear(ff, dModel, { ...f, bias });
    this.normFirst = o.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { ...f, eps, bias });
    this.norm2 = new LayerNorm(dModel, { ...f, eps, bias });
    this.norm3 = new LayerNorm(dModel, { ...f, eps, bias });
    this.dropout1 = new Dropout({ p });
    this.dropout2 = new Dropout({ p });
    this.dropout3 = new Dropout({ p });
    this.activation = act;
  }

  /** self_attn (camelCase alias). */
  get selfAttn(): MultiheadAttention {
    return this.self_attn;
  }
  /** multihead_attn (camelCase alias). */
  get multiheadAttn(): MultiheadAttention {
    return this.multihead_attn;
  }

  override forward(tgt: Tensor, memory: Tensor, opts: TransformerDecoderLayerForwardOptions = {}): Tensor {
    const {
      tgtMask = null,
      memoryMask = null,
      tgtKeyPaddingMask = null,
      memoryKeyPaddingMask = null,
      tgtIsCausal = false,
      memoryIsCausal = false,
    } = opts;
    checkMaskDtype(tgtKeyPaddingMask, 'tgt_key_padding_mask');
    checkMaskDtype(memoryKeyPaddingMask, 'memory_key_padding_mask');
    checkMaskDtype(tgtMask, 'tgt_mask');
    checkMaskDtype(memoryMask, 'memory_mask');
    let x = tgt;
    if (this.normFirst) {
      x = x.add(this._saBlock(this.norm1.call(x), tgtMask, tgtKeyPaddingMask, tgtIsCausal));
      x = x.add(this._mhaBlock(this.norm2.call(x), memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal));
      x = x.add(this._ffBlock(this.norm3.call(x)));
    } else {
      x = this.norm1.call(x.add(this._saBlock(x, tgtMask, tgtKeyPaddingMask, tgtIsCausal)));
      x = this.norm2.call(x.add(this._mhaBlock(x, memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal)));
      x = this.norm3.call(x.add(this._ffBlock(x)));
    }
    return x;
  }

  _saBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null, isCausal: boolean): Tensor {
    const [out] = this.self_attn.call(x, x, x, { attnMask, keyPaddingMask, needWeights: false, isCausal });
    return this.dropout1.call(out);
  }

  _mhaBlock(
    x: Tensor,
    mem: Tensor,
    attnMask: Tensor | null,
    keyPaddingMask: Tensor | null,
    isCausal: boolean,
  ): Tensor {
    const [out] = this.multihead_attn.call(x, mem, mem, {
      attnMask,
      keyPaddingMask,
      needWeights: false,
      isCausal,
    });
    return this.dropout2.call(out);
  }

  _ffBlock(x: Tensor): Tensor {
    const h = this.dropout.call(applyActivation(this.activation, this.linear1.call(x)));
    return this.dropout3.call(this.linear2.call(h));
  }
}

export interface TransformerDecoderOptions {
  /** Applied to the output of the last layer (e.g. a LayerNorm); default none. */
  norm?: Module | null;
}

/**
 * A stack of numLayers copies of decoderLayer, then an optional norm (torch.nn.TransformerDecoder).
 * The layer is deep-copied numLayers times (layers.0, layers.1, ...).
 *
 * Inputs: tgt (T, N, E) and memory (S, N, E) (batch first or unbatched as the layer). Output: the shape of tgt.
 *
 * @example
 * const decoder = new TransformerDecoder(new TransformerDecoderLayer(512, 8), 6);
 * decoder.call(randn([20, 32, 512]), memory, { tgtMask: Transformer.generateSquareSubsequentMask(20) });
 */
export class TransformerDecoder extends Module {
  numLayers: number;
  declare layers: ModuleList;
  declare norm: Module | null;

  constructor(decoderLayer: Module, numLayers: number, o: TransformerDecoderOptions | Module = {}) {
    if (!(decoderLayer instanceof Module))
      throw new TypeError('TransformerDecoder: decoderLayer must be a Module');
    if (!Number.isInteger(numLayers) || numLayers < 0) {
      throw new RangeError(`TransformerDecoder: numLayers must be a non-negative integer, got ${numLayers}`);
    }
    super();
    const opts: TransformerDecoderOptions = o instanceof Module ? { norm: o } : o;
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => cloneModule(decoderLayer)));
    this.numLayers = numLayers;
    if (opts.norm) this.norm = opts.norm;
    else this.registerModule('norm', null);
  }

  override forward(tgt: Tensor, memory: Tensor, opts: TransformerDecoderLayerForwardOptions = {}): Tensor {
    let out = tgt;
    for (const layer of this.layers) out = layer.call(out, memory, opts) as Tensor;
    if (this.norm) out = this.norm.call(out) as Tensor;
    return out;
  }
}
