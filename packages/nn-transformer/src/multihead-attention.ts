import {
  type FactoryOptions,
  init,
  Linear,
  type LinearOptions,
  Module,
  Parameter,
} from '@kindling/nn-layers';
import { empty, type Tensor } from '@kindling/tensor';
import { checkMaskDtype } from './mask.js';
import { multiHeadAttentionForward } from './mha-forward.js';

/**
 * The output projection of MultiheadAttention (torch.nn.modules.linear.NonDynamicallyQuantizableLinear):
 * a Linear under PyTorch's class name, so reprs match.
 */
export class NonDynamicallyQuantizableLinear extends Linear {
  constructor(inFeatures: number, outFeatures: number, o: LinearOptions = {}) {
    super(inFeatures, outFeatures, o);
  }
}

export interface MultiheadAttentionOptions extends FactoryOptions {
  /** Dropout probability on the attention weights (default 0). */
  dropout?: number;
  /** Biases in the input and output projections (default true). */
  bias?: boolean;
  /** Learn one extra key and value position, bias_k / bias_v (default false). */
  addBiasKv?: boolean;
  /** Append a zero key and value position (default false). */
  addZeroAttn?: boolean;
  /** Features of the keys (default embedDim); ≠ embedDim gives separate q/k/v projection weights. */
  kdim?: number | null;
  /** Features of the values (default embedDim). */
  vdim?: number | null;
  /** Inputs and output are (N, L, E) instead of (L, N, E) (default false). */
  batchFirst?: boolean;
}

export interface MultiheadAttentionForwardOptions {
  /** (N, S), or (S) unbatched: bool (true = ignore that key) or float (added to the scores). */
  keyPaddingMask?: Tensor | null;
  /** Also return the attention weights (default true). */
  needWeights?: boolean;
  /** (L, S) or (N·numHeads, L, S): bool (true = not allowed to attend) or float (added to the scores). */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (default true). */
  averageAttnWeights?: boolean;
  /** Hint that attnMask is the causal mask; attnMask is still required, as in PyTorch (default false). */
  isCausal?: boolean;
}

/**
 * Multi-head attention (torch.nn.MultiheadAttention):
 * MultiHead(Q, K, V) = Concat(head_1, ..., head_h)·W_O with head_i = Attention(Q·W_Q_i, K·W_K_i, V·W_V_i).
 *
 * Parameters under PyTorch's names: in_proj_weight (3E, E) (or q_proj_weight (E, E), k_proj_weight
 * (E, kdim), v_proj_weight (E, vdim) when kdim or vdim differ from E), in_proj_bias (3E),
 * out_proj.weight / out_proj.bias, and bias_k / bias_v (1, 1, E) with addBiasKv. Initialised as
 * PyTorch does: xavier_uniform_ projections, zero biases, xavier_normal_ bias_k / bias_v.
 *
 * Inputs: query (L, N, E) or (N, L, E) with batchFirst, or (L, E) unbatched; key (S, N, kdim);
 * value (S, N, vdim). Output: [attn_output (L, N, E), attn_weights (N, L, S) averaged over heads,
 * (N, numHeads, L, S) per head, or null without needWeights]. Rows whose keys are all masked give
 * NaN, as in PyTorch.
 *
 * @example
 * const mha = new MultiheadAttention(16, 4, { batchFirst: true });
 * const x = randn([2, 5, 16]);
 * const [out, weights] = mha.call(x, x, x, { keyPaddingMask: tensor([[false, false, false, true, true],
 *                                                                       [false, false, false, false, false]]) });
 * out.shape;     // [2, 5, 16]
 * weights.shape; // [2, 5, 5]
 */
export class MultiheadAttention extends Module {
  embedDim: number;
  kdim: number;
  vdim: number;
  _qkvSameEmbedDim: boolean;
  numHeads: number;
  dropout: number;
  batchFirst: boolean;
  headDim: number;
  addZeroAttn: boolean;
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare out_proj: NonDynamicallyQuantizableLinear;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;

  constructor(embedDim: number, numHeads: number, o: MultiheadAttentionOptions = {}) {
    if (!Number.isInteger(embedDim) || embedDim <= 0 || !Number.isInteger(numHeads) || numHeads <= 0) {
      throw new RangeError(
        `embed_dim and num_heads must be positive integers, got embed_dim=${embedDim} and num_heads=${numHeads}`,
      );
    }
    if (Math.floor(embedDim / numHeads) * numHeads !== embedDim) {
      throw new RangeError(
        `embed_dim must be divisible by num_heads (got embed_dim=${embedDim}, num_heads=${numHeads})`,
      );
    }
    const dropout = o.dropout ?? 0;
    if (!(dropout >= 0 && dropout <= 1)) {
      throw new RangeError(`dropout probability has to be between 0 and 1, but got ${dropout}`);
    }
    super();
    const f = { device: o.device, dtype: o.dtype };
    const param = (shape: number[]) =>
      new Parameter(empty(shape, { dtype: o.dtype ?? 'float32', device: o.device ?? 'cpu' }));
    this.embedDim = embedDim;
    this.kdim = o.kdim ?? embedDim;
    this.vdim = o.vdim ?? embedDim;
    this._qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.numHeads = numHeads;
    this.dropout = dropout;
    this.batchFirst = o.batchFirst ?? false;
    this.headDim = embedDim / numHeads;
    if (!this._qkvSameEmbedDim) {
      this.q_proj_weight = param([embedDim, embedDim]);
      this.k_proj_weight = param([embedDim, this.kdim]);
      this.v_proj_weight = param([embedDim, this.vdim]);
      this.registerParameter('in_proj_weight', null);
    } else {
      this.in_proj_weight = param([3 * embedDim, embedDim]);
      this.registerParameter('q_proj_weight', null);
      this.registerParameter('k_proj_weight', null);
      this.registerParameter('v_proj_weight', null);
    }
    const bias = o.bias ?? true;
    if (bias) this.in_proj_bias = param([3 * embedDim]);
    else this.registerParameter('in_proj_bias', null);
    this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { ...f, bias });
    if (o.addBiasKv) {
      this.bias_k = param([1, 1, embedDim]);
      this.bias_v = param([1, 1, embedDim]);
    } else {
      this.registerParameter('bias_k', null);
      this.registerParameter('bias_v', null);
    }
    this.addZeroAttn = o.addZeroAttn ?? false;
    this._resetParameters();
  }

  /** PyTorch's _reset_parameters. */
  _resetParameters(): void {
    if (this._qkvSameEmbedDim) init.xavierUniform_(this.in_proj_weight as Parameter);
    else {
      init.xavierUniform_(this.q_proj_weight as Parameter);
      init.xavierUniform_(this.k_proj_weight as Parameter);
      init.xavierUniform_(this.v_proj_weight as Parameter);
    }
    if (this.in_proj_bias) {
      init.constant_(this.in_proj_bias, 0);
      if (this.out_proj.bias) init.constant_(this.out_proj.bias, 0);
    }
    if (this.bias_k) init.xavierNormal_(this.bias_k);
    if (this.bias_v) init.xavierNormal_(this.bias_v);
  }

  /** in_proj_weight (camelCase alias). */
  get inProjWeight(): Parameter | null {
    return this.in_proj_weight;
  }
  get inProjBias(): Parameter | null {
    return this.in_proj_bias;
  }
  get outProj(): NonDynamicallyQuantizableLinear {
    return this.out_proj;
  }
  get qProjWeight(): Parameter | null {
    return this.q_proj_weight;
  }
  get kProjWeight(): Parameter | null {
    return this.k_proj_weight;
  }
  get vProjWeight(): Parameter | null {
    return this.v_proj_weight;
  }
  get biasK(): Parameter | null {
    return this.bias_k;
  }
  get biasV(): Parameter | null {
    return this.bias_v;
  }

  override forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    opts: MultiheadAttentionForwardOptions = {},
  ): [Tensor, Tensor | null] {
    const {
      keyPaddingMask = null,
      needWeights = true,
      attnMask = null,
      averageAttnWeights = true,
      isCausal = false,
    } = opts;
    checkMaskDtype(keyPaddingMask, 'key_padding_mask');
    const isBatched = query.ndim === 3;
    if (this.batchFirst && isBatched) {
      // transpose while keeping the q/k/v identities (they select the packed projection's shortcuts)
      if (key === value) {
        if (query === key) query = key = value = query.transpose(1, 0);
        else {
          query = query.transpose(1, 0);
          key = value = key.transpose(1, 0);
        }
      } else {
        query = query.transpose(1, 0);
        key = key.transpose(1, 0);
        value = value.transpose(1, 0);
      }
    }
    const common = {
      training: this.training,
      keyPaddingMask,
      needWeights,
      attnMask,
      averageAttnWeights,
      isCausal,
    };
    const [out, weights] = multiHeadAttentionForward(
      query,
      key,
      value,
      this.embedDim,
      this.numHeads,
      this.in_proj_weight,
      this.in_proj_bias,
      this.bias_k,
      this.bias_v,
      this.addZeroAttn,
      this.dropout,
      this.out_proj.weight,
      this.out_proj.bias,
      this._qkvSameEmbedDim
        ? common
        : {
            ...common,
            useSeparateProjWeight: true,
            qProjWeight: this.q_proj_weight,
            kProjWeight: this.k_proj_weight,
            vProjWeight: this.v_proj_weight,
          },
    );
    return [this.batchFirst && isBatched ? out.transpose(1, 0) : out, weights];
  }
}
