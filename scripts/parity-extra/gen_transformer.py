"""Extra `transformer` cases: attention variants, masks of each kind, norm_first, activations,
batch_first False/True, unbatched inputs, eval mode."""

from __future__ import annotations

import torch

from case_lib import C, G, M, R, module_case, randn

FF = {"dim_feedforward": 16, "dropout": 0.0}


def T(module, name, ctor, inputs, **kw):
    return module_case("transformer", module, name, ctor, inputs, **kw)


def causal_float(n):
    return torch.triu(torch.full((n, n), float("-inf")), 1)


def causal_bool(n, s=None):
    return torch.triu(torch.ones(n, s or n, dtype=torch.bool), 1 + (s or n) - n)


def kpm(b, s):
    """Random key padding mask that leaves the first key of every row visible."""
    m = torch.rand(b, s) < 0.4
    m[..., 0] = False
    return m


def mha():
    MHA = "MultiheadAttention"
    T(MHA, "kdim_vdim", M(MHA, 8, 2, kdim=5, vdim=3), [G(randn(3, 2, 8)), G(randn(4, 2, 5)), G(randn(4, 2, 3))])
    T(MHA, "kdim_vdim_batch_first_kpm", M(MHA, 6, 3, kdim=4, vdim=4, batch_first=True), [G(randn(2, 3, 6)), G(randn(2, 5, 4)), G(randn(2, 5, 4))], call_kw={"key_padding_mask": kpm(2, 5)})
    T(MHA, "add_bias_kv", M(MHA, 8, 2, add_bias_kv=True), [G(randn(3, 2, 8)), G(randn(4, 2, 8)), G(randn(4, 2, 8))])
    T(MHA, "add_bias_kv_kpm_mask", M(MHA, 8, 2, add_bias_kv=True), [G(randn(3, 2, 8)), G(randn(4, 2, 8)), G(randn(4, 2, 8))], call_kw={"key_padding_mask": kpm(2, 4), "attn_mask": causal_bool(3, 4)})
    T(MHA, "add_zero_attn", M(MHA, 8, 2, add_zero_attn=True), [G(randn(3, 2, 8)), G(randn(4, 2, 8)), G(randn(4, 2, 8))])
    T(MHA, "add_zero_attn_kpm_float_mask", M(MHA, 8, 4, add_zero_attn=True), [G(randn(3, 2, 8)), G(randn(4, 2, 8)), G(randn(4, 2, 8))], call_kw={"key_padding_mask": kpm(2, 4), "attn_mask": randn(3, 4)})
    T(MHA, "bias_kv_zero_attn_batch_first", M(MHA, 4, 2, add_bias_kv=True, add_zero_attn=True, batch_first=True), [G(randn(2, 3, 4)), G(randn(2, 2, 4)), G(randn(2, 2, 4))])
    T(MHA, "no_bias", M(MHA, 8, 2, bias=False), [G(randn(3, 2, 8)), G(randn(4, 2, 8)), G(randn(4, 2, 8))])
    T(MHA, "float_attn_mask", M(MHA, 8, 2), [G(randn(3, 2, 8)), G(randn(4, 2, 8)), G(randn(4, 2, 8))], call_kw={"attn_mask": randn(3, 4)})
    T(MHA, "mask_3d_bool", M(MHA, 8, 2, batch_first=True), [G(randn(2, 3, 8)), G(randn(2, 4, 8)), G(randn(2, 4, 8))], call_kw={"attn_mask": causal_bool(3, 4).repeat(4, 1, 1)})
    T(MHA, "mask_3d_float", M(MHA, 4, 2), [G(randn(3, 2, 4)), G(randn(3, 2, 4)), G(randn(3, 2, 4))], call_kw={"attn_mask": randn(4, 3, 3)})
    T(MHA, "float_kpm", M(MHA, 8, 2), [G(randn(3, 2, 8)), G(randn(4, 2, 8)), G(randn(4, 2, 8))], call_kw={"key_padding_mask": randn(2, 4)})
    T(MHA, "bool_mask_and_kpm", M(MHA, 8, 2), [G(randn(4, 2, 8)), G(randn(4, 2, 8)), G(randn(4, 2, 8))], call_kw={"key_padding_mask": kpm(2, 4), "attn_mask": causal_bool(4)})
    T(MHA, "float_mask_bool_kpm_per_head", M(MHA, 8, 2, batch_first=True), [G(randn(2, 4, 8)), G(randn(2, 4, 8)), G(randn(2, 4, 8))], call_kw={"key_padding_mask": kpm(2, 4), "attn_mask": causal_float(4), "average_attn_weights": False})
    T(MHA, "unbatched", M(MHA, 8, 2), [G(randn(3, 8)), G(randn(4, 8)), G(randn(4, 8))])
    T(MHA, "unbatched_kpm_mask_per_head", M(MHA, 8, 4), [G(randn(3, 8)), G(randn(5, 8)), G(randn(5, 8))], call_kw={"key_padding_mask": kpm(1, 5)[0], "attn_mask": causal_bool(3, 5), "average_attn_weights": False})
    T(MHA, "unbatched_kdim_vdim", M(MHA, 6, 2, kdim=3, vdim=5), [G(randn(2, 6)), G(randn(4, 3)), G(randn(4, 5))])
    T(MHA, "self_attention_ref", M(MHA, 8, 2), [G(randn(4, 2, 8)), R(0), R(0)])
    T(MHA, "self_attention_ref_batch_first_mask", M(MHA, 8, 4, batch_first=True), [G(randn(2, 4, 8)), R(0), R(0)], call_kw={"attn_mask": causal_float(4)})
    T(MHA, "need_weights_false_batch_first", M(MHA, 8, 2, batch_first=True), [G(randn(2, 3, 8)), G(randn(2, 4, 8)), G(randn(2, 4, 8))], call_kw={"need_weights": False, "key_padding_mask": kpm(2, 4)})
    T(MHA, "heads1", M(MHA, 4, 1), [G(randn(3, 2, 4)), G(randn(3, 2, 4)), G(randn(3, 2, 4))])
    T(MHA, "heads_eq_embed", M(MHA, 4, 4), [G(randn(2, 2, 4)), G(randn(3, 2, 4)), G(randn(3, 2, 4))])
    T(MHA, "eval", M(MHA, 8, 2), [G(randn(3, 2, 8)), G(randn(4, 2, 8)), G(randn(4, 2, 8))], mode="eval")
    T(MHA, "key_value_same_tensor", M(MHA, 8, 2), [G(randn(3, 2, 8)), G(randn(5, 2, 8)), R(1)])


def encoder():
    EL = "TransformerEncoderLayer"
    T(EL, "gelu_module", M(EL, 8, 2, activation=M("GELU"), **FF), [G(randn(4, 2, 8))])
    T(EL, "relu_module_bf", M(EL, 8, 2, activation=M("ReLU"), batch_first=True, **FF), [G(randn(2, 4, 8))])
    T(EL, "layer_norm_eps_bool_mask", M(EL, 8, 4, layer_norm_eps=1e-2, **FF), [G(randn(5, 2, 8))], call_kw={"src_mask": causal_bool(5)})
    T(EL, "norm_first_gelu_kpm_mask", M(EL, 8, 2, norm_first=True, activation="gelu", batch_first=True, **FF), [G(randn(2, 5, 8))], call_kw={"src_mask": causal_float(5), "src_key_padding_mask": kpm(2, 5)})
    T(EL, "unbatched", M(EL, 8, 2, **FF), [G(randn(4, 8))])
    T(EL, "unbatched_norm_first_mask", M(EL, 8, 2, norm_first=True, **FF), [G(randn(4, 8))], call_kw={"src_mask": causal_float(4)})
    T(EL, "float_kpm", M(EL, 8, 2, **FF), [G(randn(4, 2, 8))], call_kw={"src_key_padding_mask": randn(2, 4)})
    T(EL, "eval_kpm", M(EL, 8, 2, **FF), [G(randn(4, 2, 8))], call_kw={"src_key_padding_mask": kpm(2, 4)}, mode="eval")
    T(EL, "eval_norm_first_bf", M(EL, 8, 2, norm_first=True, batch_first=True, **FF), [G(randn(2, 3, 8))], mode="eval")
    T(EL, "float_mask_random", M(EL, 8, 2, batch_first=True, **FF), [G(randn(2, 4, 8))], call_kw={"src_mask": randn(4, 4)})
    E = "TransformerEncoder"
    T(E, "1layer_bool_mask_norm", M(E, M(EL, 8, 2, **FF), 1, norm=M("LayerNorm", 8)), [G(randn(4, 2, 8))], call_kw={"mask": causal_bool(4)})
    T(E, "norm_first_layers_bf", M(E, M(EL, 8, 2, norm_first=True, batch_first=True, **FF), 2), [G(randn(2, 4, 8))], call_kw={"src_key_padding_mask": kpm(2, 4)})
    T(E, "unbatched", M(E, M(EL, 8, 2, **FF), 2), [G(randn(3, 8))])
    T(E, "eval_kpm", M(E, M(EL, 8, 2, batch_first=True, **FF), 2, norm=M("LayerNorm", 8)), [G(randn(2, 5, 8))], call_kw={"src_key_padding_mask": kpm(2, 5)}, mode="eval")
    T(E, "3layers_gelu", M(E, M(EL, 4, 2, activation="gelu", **FF), 3), [G(randn(3, 2, 4))])
    T(E, "no_nested_tensor", M(E, M(EL, 8, 2, batch_first=True, **FF), 2, enable_nested_tensor=False), [G(randn(2, 3, 8))], call_kw={"src_key_padding_mask": kpm(2, 3)})
    T(E, "mask_and_kpm_float_mask", M(E, M(EL, 8, 2, **FF), 2), [G(randn(4, 2, 8))], call_kw={"mask": causal_float(4), "src_key_padding_mask": kpm(2, 4)})


def decoder():
    DL = "TransformerDecoderLayer"
    T(DL, "all_masks", M(DL, 8, 2, **FF), [G(randn(4, 2, 8)), G(randn(5, 2, 8))],
      call_kw={"tgt_mask": causal_float(4), "memory_mask": causal_bool(4, 5), "tgt_key_padding_mask": kpm(2, 4), "memory_key_padding_mask": kpm(2, 5)})
    T(DL, "gelu_module_norm_first_bf", M(DL, 8, 2, activation=M("GELU"), norm_first=True, batch_first=True, **FF), [G(randn(2, 3, 8)), G(randn(2, 4, 8))], call_kw={"tgt_key_padding_mask": kpm(2, 3)})
    T(DL, "unbatched", M(DL, 8, 2, **FF), [G(randn(3, 8)), G(randn(4, 8))], call_kw={"tgt_mask": causal_float(3)})
    T(DL, "layer_norm_eps", M(DL, 8, 4, layer_norm_eps=1e-3, **FF), [G(randn(3, 2, 8)), G(randn(3, 2, 8))])
    T(DL, "eval_masks", M(DL, 8, 2, batch_first=True, **FF), [G(randn(2, 3, 8)), G(randn(2, 4, 8))], call_kw={"tgt_mask": causal_bool(3), "memory_key_padding_mask": kpm(2, 4)}, mode="eval")
    T(DL, "float_memory_mask", M(DL, 8, 2, norm_first=True, **FF), [G(randn(3, 2, 8)), G(randn(4, 2, 8))], call_kw={"memory_mask": randn(3, 4)})
    T(DL, "memory_no_grad", M(DL, 4, 2, **FF), [G(randn(3, 2, 4)), C(randn(2, 2, 4))])
    D = "TransformerDecoder"
    T(D, "no_norm_masks_bf", M(D, M(DL, 8, 2, batch_first=True, **FF), 2), [G(randn(2, 4, 8)), G(randn(2, 5, 8))], call_kw={"tgt_mask": causal_float(4), "tgt_key_padding_mask": kpm(2, 4), "memory_key_padding_mask": kpm(2, 5)})
    T(D, "unbatched_norm", M(D, M(DL, 8, 2, **FF), 1, norm=M("LayerNorm", 8)), [G(randn(3, 8)), G(randn(4, 8))])
    T(D, "norm_first_gelu_3layers", M(D, M(DL, 4, 2, norm_first=True, activation="gelu", **FF), 3, norm=M("LayerNorm", 4)), [G(randn(3, 2, 4)), G(randn(2, 2, 4))], call_kw={"memory_mask": causal_bool(3, 2)})
    T(D, "eval", M(D, M(DL, 8, 2, **FF), 2), [G(randn(3, 2, 8)), G(randn(4, 2, 8))], mode="eval")


def full():
    TR = "Transformer"
    base = dict(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1, **FF)
    T(TR, "batch_first_all_masks", M(TR, batch_first=True, **base), [G(randn(2, 5, 4)), G(randn(2, 4, 4))],
      call_kw={"src_mask": causal_bool(5), "tgt_mask": causal_float(4), "memory_mask": causal_bool(4, 5), "src_key_padding_mask": kpm(2, 5), "tgt_key_padding_mask": kpm(2, 4), "memory_key_padding_mask": kpm(2, 5)})
    T(TR, "norm_first_gelu", M(TR, norm_first=True, activation="gelu", **base), [G(randn(4, 2, 4)), G(randn(3, 2, 4))], call_kw={"tgt_mask": causal_float(3)})
    T(TR, "unbatched", M(TR, **base), [G(randn(4, 4)), G(randn(3, 4))])
    T(TR, "2x2_layer_norm_eps", M(TR, d_model=4, nhead=2, num_encoder_layers=2, num_decoder_layers=2, layer_norm_eps=1e-3, **FF), [G(randn(3, 2, 4)), G(randn(2, 2, 4))])
    T(TR, "eval_masks", M(TR, **base), [G(randn(4, 2, 4)), G(randn(3, 2, 4))], call_kw={"tgt_mask": causal_float(3), "src_key_padding_mask": kpm(2, 4)}, mode="eval")
    # no Transformer/TransformerDecoder with a module activation: 1.13 deep-copies decoder layers,
    # and its TransformerDecoderLayer.__setstate__ then replaces the module by F.relu
    T(TR, "2enc_1dec_nhead1", M(TR, d_model=4, nhead=1, num_encoder_layers=2, num_decoder_layers=1, **FF), [G(randn(3, 1, 4)), G(randn(1, 1, 4))])


def generate():
    mha()
    encoder()
    decoder()
    full()
    more()
    sizes_and_flags()
    explicit_none()


def more():
    MHA = "MultiheadAttention"
    T(MHA, "batch_first_unbatched", M(MHA, 8, 2, batch_first=True), [G(randn(3, 8)), G(randn(4, 8)), G(randn(4, 8))])
    T(MHA, "eval_dropout", M(MHA, 8, 2, dropout=0.5), [G(randn(3, 2, 8)), G(randn(4, 2, 8)), G(randn(4, 2, 8))], mode="eval")
    T(MHA, "kdim_vdim_bias_kv_zero_attn", M(MHA, 6, 2, kdim=4, vdim=5, add_bias_kv=True, add_zero_attn=True), [G(randn(2, 2, 6)), G(randn(3, 2, 4)), G(randn(3, 2, 5))], call_kw={"key_padding_mask": kpm(2, 3)})
    T(MHA, "no_bias_kdim", M(MHA, 4, 2, bias=False, kdim=3, vdim=3), [G(randn(2, 2, 4)), G(randn(3, 2, 3)), G(randn(3, 2, 3))])
    T(MHA, "query_no_grad", M(MHA, 4, 2), [C(randn(2, 2, 4)), G(randn(3, 2, 4)), G(randn(3, 2, 4))])
    EL, E = "TransformerEncoderLayer", "TransformerEncoder"
    T(EL, "eval_default_dropout", M(EL, 4, 2, dim_feedforward=8), [G(randn(3, 2, 4))], call_kw={"src_key_padding_mask": kpm(2, 3)}, mode="eval")
    T(E, "eval_dropout", M(E, M(EL, 8, 2, dim_feedforward=16, dropout=0.3), 2), [G(randn(3, 2, 8))], mode="eval")
    DL, D = "TransformerDecoderLayer", "TransformerDecoder"
    T(DL, "eval_dropout", M(DL, 8, 2, dim_feedforward=16, dropout=0.2), [G(randn(3, 2, 8)), G(randn(4, 2, 8))], mode="eval")
    T(D, "unbatched_masks", M(D, M(DL, 8, 2, **FF), 2), [G(randn(3, 8)), G(randn(4, 8))], call_kw={"tgt_mask": causal_float(3), "tgt_key_padding_mask": kpm(1, 3)[0], "memory_key_padding_mask": kpm(1, 4)[0]})
    TR = "Transformer"
    T(TR, "custom_encoder", M(TR, d_model=8, nhead=2, num_decoder_layers=1, custom_encoder=M(E, M(EL, 8, 2, **FF), 1), **FF), [G(randn(3, 2, 8)), G(randn(2, 2, 8))])
    T(TR, "eval_default_dropout", M(TR, d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16), [G(randn(3, 2, 8)), G(randn(2, 2, 8))], mode="eval")
    T(TR, "unbatched_masks", M(TR, d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, **FF), [G(randn(4, 8)), G(randn(3, 8))],
      call_kw={"tgt_mask": causal_bool(3), "src_key_padding_mask": kpm(1, 4)[0], "memory_key_padding_mask": kpm(1, 4)[0]})


def sizes_and_flags():
    MHA, EL, E = "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder"
    T(MHA, "kdim_vdim_equal_embed", M(MHA, 8, 2, kdim=8, vdim=8), [G(randn(3, 2, 8)), G(randn(4, 2, 8)), G(randn(4, 2, 8))])
    T(MHA, "need_weights_false_per_head", M(MHA, 8, 2), [G(randn(3, 2, 8)), G(randn(4, 2, 8)), G(randn(4, 2, 8))], call_kw={"need_weights": False, "average_attn_weights": False})
    T(MHA, "medium", M(MHA, 16, 4, batch_first=True), [G(randn(2, 10, 16)), G(randn(2, 12, 16)), G(randn(2, 12, 16))], call_kw={"key_padding_mask": kpm(2, 12)})
    T(MHA, "medium_self_causal", M(MHA, 16, 4), [G(randn(16, 2, 16)), R(0), R(0)], call_kw={"attn_mask": causal_bool(16)})
    T(E, "mask_check_false", M(E, M(EL, 8, 2, **FF), 1, mask_check=False), [G(randn(3, 2, 8))], call_kw={"src_key_padding_mask": kpm(2, 3)})
    T(EL, "medium", M(EL, 16, 4, dim_feedforward=24, dropout=0.0, batch_first=True), [G(randn(2, 9, 16))], call_kw={"src_mask": causal_float(9)})
    T("Transformer", "custom_decoder", M("Transformer", d_model=8, nhead=2, num_encoder_layers=1, custom_decoder=M("TransformerDecoder", M("TransformerDecoderLayer", 8, 2, norm_first=True, **FF), 1), **FF), [G(randn(3, 2, 8)), G(randn(2, 2, 8))])


def explicit_none():
    MHA, EL, E = "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder"
    T(MHA, "kdim_vdim_none", M(MHA, 4, 2, kdim=None, vdim=None), [G(randn(2, 2, 4)), G(randn(3, 2, 4)), G(randn(3, 2, 4))],
      call_kw={"key_padding_mask": None, "attn_mask": None})
    T(E, "norm_none", M(E, M(EL, 4, 2, **FF), 1, norm=None), [G(randn(3, 2, 4))], call_kw={"mask": None, "src_key_padding_mask": None})
    T("Transformer", "custom_none", M("Transformer", d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1, custom_encoder=None, custom_decoder=None, **FF),
      [G(randn(3, 2, 4)), G(randn(2, 2, 4))], call_kw={"src_mask": None, "tgt_mask": None, "memory_mask": None})
    T("TransformerDecoderLayer", "masks_none", M("TransformerDecoderLayer", 4, 2, **FF), [G(randn(2, 2, 4)), G(randn(3, 2, 4))],
      call_kw={"tgt_mask": None, "memory_mask": None, "tgt_key_padding_mask": None, "memory_key_padding_mask": None})
