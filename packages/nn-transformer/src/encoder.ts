import { Dropout, type FactoryOptions, LayerNorm, Linear, Module, ModuleList } from '@kindling/nn-layers';
import { isGradEnabled, type Tensor } from '@kindling/tensor';
import {
  type Activation,
  type ActivationFn,
  applyActivation,
  reluOrGelu,
  resolveActivation,
} from './activation.js';
import { cloneModule } from './clone.js';
import { checkMaskDtype } from './mask.js';
import { MultiheadAttention } from './multihead-attention.js';

/** Keyword options of TransformerEncoderLayer and TransformerDecoderLayer (PyTorch's defaults). */
export interface TransformerLayerOptions extends FactoryOptions {
  /** Width of the feed-forward network (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability everywhere in the layer (default 0.1). */
  dropout?: number;
  /** Feed-forward activation: 'relu' (default), 'gelu', a function or a module. */
  activation?: Activation;
  /** eps of the LayerNorms (default 1e-5). */
  layerNormEps?: number;
  /** (N, S, E) inputs instead of (S, N, E) (default false). */
  batchFirst?: boolean;
  /** LayerNorm before each block (pre-norm) instead of after the residual sum (default false). */
  normFirst?: boolean;
  /** Biases in the Linear and LayerNorm layers and in the attention (default true). */
  bias?: boolean;
}

export interface TransformerEncoderLayerForwardOptions {
  /** (S, S) or (N·nhead, S, S) attention mask: bool (true = not allowed to attend) or float (added). */
  srcMask?: Tensor | null;
  /** (N, S), or (S) unbatched: bool (true = padding) or float (added). */
  srcKeyPaddingMask?: Tensor | null;
  /** Hint that srcMask is the causal mask (srcMask is still required, as in PyTorch). Default false. */
  isCausal?: boolean;
}

/**
 * One encoder layer: self-attention then a feed-forward network, each with dropout, a residual
 * connection and LayerNorm (torch.nn.TransformerEncoderLayer). Submodules under PyTorch's
 * names: self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2, so PyTorch
 * state dicts (`self_attn.in_proj_weight`, `linear1.weight`, `norm1.bias`, ...) load unchanged.
 *
 * Input: src (S, N, E), (N, S, E) with batchFirst, or (S, E) unbatched. Output: same shape.
 *
 * @example
 * const layer = new TransformerEncoderLayer(512, 8, { batchFirst: true });
 * layer.call(randn([32, 10, 512])).shape; // [32, 10, 512]
 */
export class TransformerEncoderLayer extends Module {
  normFirst: boolean;
  activationReluOrGelu: 0 | 1 | 2;
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare activation: ActivationFn | Module;

  constructor(dModel: number, nhead: number, o: TransformerLayerOptions = {}) {
    const act = resolveActivation(o.activation);
    super();
    const f = { device: o.device, dtype: o.dtype };
    const bias = o.bias ?? true;
    const p = o.dropout ?? 0.1;
    const eps = o.layerNormEps ?? 1e-5;
    const ff = o.dimFeedforward ?? 2048;
    this.self_attn = new MultiheadAttention(dModel, nhead, {
      ...f,
      dropout: p,
      bias,
      batchFirst: o.batchFirst,
    });
    this.linear1 = new Linear(dModel, ff, { ...f, bias });
    this.dropout = new Dropout({ p });
    this.linear2 = new Linear(ff, dModel, { ...f, bias });
    this.normFirst = o.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { ...f, eps, bias });
    this.norm2 = new LayerNorm(dModel, { ...f, eps, bias });
    this.dropout1 = new Dropout({ p });
    this.dropout2 = new Dropout({ p });
    this.activationReluOrGelu = reluOrGelu(act);
    this.activation = act;
  }

  /** self_attn (camelCase alias). */
  get selfAttn(): MultiheadAttention {
    return this.self_attn;
  }

  override forward(src: Tensor, opts: TransformerEncoderLayerForwardOptions = {}): Tensor {
    const { srcMask = null, srcKeyPaddingMask = null, isCausal = false } = opts;
    checkMaskDtype(srcKeyPaddingMask, 'src_key_padding_mask');
    checkMaskDtype(srcMask, 'src_mask');
    let x = src;
    if (this.normFirst) {
      x = x.add(this._saBlock(this.norm1.call(x), srcMask, srcKeyPaddingMask, isCausal));
      x = x.add(this._ffBlock(this.norm2.call(x)));
    } else {
      x = this.norm1.call(x.add(this._saBlock(x, srcMask, srcKeyPaddingMask, isCausal)));
      x = this.norm2.call(x.add(this._ffBlock(x)));
    }
    return x;
  }

  _saBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null, isCausal: boolean): Tensor {
    const [out] = this.self_attn.call(x, x, x, { attnMask, keyPaddingMask, needWeights: false, isCausal });
    return this.dropout1.call(out);
  }

  _ffBlock(x: Tensor): Tensor {
    const h = this.dropout.call(applyActivation(this.activation, this.linear1.call(x)));
    return this.dropout2.call(this.linear2.call(h));
  }
}

export interface TransformerEncoderOptions {
  /** Applied to the output of the last layer (e.g. a LayerNorm); default none. */
  norm?: Module | null;
  /**
   * PyTorch's nested-tensor fast path switch (default true). Kindling has no nested tensors; it
   * reproduces the path's result instead: in eval mode without autograd, with a left-aligned
   * srcKeyPaddingMask and no srcMask, padded positions of the output are 0 (before norm).
   */
  enableNestedTensor?: boolean;
  /** Check that srcKeyPaddingMask is left-aligned before taking that path (default true). */
  maskCheck?: boolean;
}

/**
 * Zero the padded positions of `out` as PyTorch's nested-tensor path leaves them (nonzero
 * entries of `kpm` are padding); with `maskCheck`, only when every row of `kpm` is left-aligned
 * ([kept..., padded...]), else PyTorch takes the regular path and `out` is unchanged. Runs on
 * the device, without reading the mask back.
 */
function zeroPadded(out: Tensor, kpm: Tensor, maskCheck: boolean): Tensor {
  const padded = kpm.dtype === 'bool' ? kpm : kpm.ne(0);
  let zero = padded;
  const s = padded.shape[padded.ndim - 1];
  if (maskCheck && s > 1) {
    const p = padded.to('int32');
    const aligned = p
      .narrow(-1, 1, s - 1)
      .ge(p.narrow(-1, 0, s - 1))
      .all();
    zero = zero.logicalAnd(aligned);
  }
  return out.maskedFill(zero.unsqueeze(-1), 0);
}

/**
 * A stack of numLayers copies of encoderLayer, then an optional norm
 * (torch.nn.TransformerEncoder). The layer is deep-copied numLayers times (layers.0, layers.1,
 * ...); the instance passed in is not used.
 *
 * Input: src (S, N, E), (N, S, E) with batchFirst, or (S, E). Output: same shape.
 *
 * @example
 * const layer = new TransformerEncoderLayer(512, 8);
 * const encoder = new TransformerEncoder(layer, 6, { norm: new LayerNorm(512) });
 * encoder.call(randn([10, 32, 512]), { srcKeyPaddingMask }).shape; // [10, 32, 512]
 */
export class TransformerEncoder extends Module {
  numLayers: number;
  enableNestedTensor: boolean;
  maskCheck: boolean;
  declare layers: ModuleList;
  declare norm: Module | null;

  constructor(encoderLayer: Module, numLayers: number, o: TransformerEncoderOptions | Module = {}) {
    if (!(encoderLayer instanceof Module))
      throw new TypeError('TransformerEncoder: encoderLayer must be a Module');
    if (!Number.isInteger(numLayers) || numLayers < 0) {
      throw new RangeError(`TransformerEncoder: numLayers must be a non-negative integer, got ${numLayers}`);
    }
    super();
    const opts: TransformerEncoderOptions = o instanceof Module ? { norm: o } : o;
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => cloneModule(encoderLayer)));
    this.numLayers = numLayers;
    if (opts.norm) this.norm = opts.norm;
    else this.registerModule('norm', null);
    this.enableNestedTensor = opts.enableNestedTensor ?? true;
    this.maskCheck = opts.maskCheck ?? true;
  }

  override forward(src: Tensor, opts: TransformerEncoderLayerForwardOptions = {}): Tensor {
    const { srcMask = null, srcKeyPaddingMask = null, isCausal = false } = opts;
    checkMaskDtype(srcKeyPaddingMask, 'src_key_padding_mask');
    checkMaskDtype(srcMask, 'src_mask');
    const nested = this._nestedPath(src, srcMask, srcKeyPaddingMask);
    let out = src;
    for (const layer of this.layers) {
      out = layer.call(out, { srcMask, srcKeyPaddingMask, isCausal }) as Tensor;
    }
    if (nested && srcKeyPaddingMask) out = zeroPadded(out, srcKeyPaddingMask, this.maskCheck);
    if (this.norm) out = this.norm.call(out) as Tensor;
    return out;
  }

  /** Whether PyTorch would take its nested-tensor ("sparsity") fast path. */
  _nestedPath(src: Tensor, mask: Tensor | null, kpm: Tensor | null): boolean {
    const first = this.layers.length ? this.layers.at(0) : null;
    if (!(first instanceof TransformerEncoderLayer)) return false;
    const attn = first.self_attn;
    if (
      first.normFirst ||
      first.training ||
      !attn.batchFirst ||
      !attn._qkvSameEmbedDim ||
      !first.activationReluOrGelu ||
      first.norm1.eps !== first.norm2.eps ||
      src.ndim !== 3 ||
      !this.enableNestedTensor ||
      !kpm ||
      mask ||
      attn.numHeads % 2 === 1
    ) {
      return false;
    }
    const tensors = [src, ...first.parameters()];
    return !(isGradEnabled() && tensors.some((t) => t.requiresGrad));
  }
}
