#!/usr/bin/env python3
"""PyTorch goldens for @kindling/nn-transformer (test/goldens.test.ts replays them).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 packages/nn-transformer/scripts/goldens.py

Writes test/goldens/transformer.json: cases the PyTorch-parity suite does not cover: masks
combined (causal plus padding, float plus bool, 3-D per-head masks), fully masked rows (NaN in
the regular path, 0 in the eval-mode nested-tensor path of TransformerEncoder), normFirst, gelu,
decoder memory masks, kdim/vdim with bias_k/bias_v and zero attention, unbatched inputs, the
functional forms, and gradients through all of it; plus PyTorch's reprs.

A case is {"name", "kind": "module" | "fn", ...}:
  module: {"module", "args", "options", "stateKeys", "state", "mode", "noGrad", "inputs",
           "callOpts", "out", "gradOut", "inputGrads", "paramGrads"}: `new Module(...args, options)`,
           loadStateDict(state), train()/eval(), `call(...inputs, callOpts)`;
  fn:     {"fn", "inputs", "opts", "out", "gradOut", "inputGrads"}: `fn(...inputs, opts)`.
Tensors are {"shape", "dtype", "data", "requiresGrad"?}; non-finite values are "nan", "inf",
"-inf"; {"$module": name, "args", "options"} builds a submodule. Expected values come from a
float64 run on float32-representable inputs and weights, rounded to float32; a float32 run must
agree (NaN where float64 has NaN), else the script fails.

PyTorch 1.13 is the reference. Where Kindling follows PyTorch 2 instead (masks of different
dtypes are added, the nested-tensor path keeps the sequence length), the cases here avoid the
difference; the TypeScript tests cover those by equivalence.
"""

from __future__ import annotations

import json
import math
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")
torch.manual_seed(0)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "goldens", "transformer.json")
DT = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.int32: "int32", torch.bool: "bool"}


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    v = float(str(np.float32(v)))
    return int(v) if v.is_integer() and abs(v) < 1e15 else v


def spec(t, requires_grad=False):
    t = t.detach()
    name = DT[t.dtype]
    flat = t.contiguous().reshape(-1).tolist()
    data = [int(x) for x in flat] if name in ("int32", "bool") else [num(x) for x in flat]
    s = {"shape": list(t.shape), "dtype": "float32" if name == "float64" else name, "data": data}
    if requires_grad:
        s["requiresGrad"] = True
    return s


def f32(*shape, scale=1.0):
    """Random float32-representable values."""
    return (torch.randn(*shape) * scale).float()


def flat(x):
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return [t for v in x for t in flat(v)]
    return [x]


def tree(x, fn):
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return [tree(v, fn) for v in x]
    return fn(x)


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


CASES: list[dict] = []
FAILS: list[str] = []


def agree(name, a, b):
    for x, y in zip(flat(a), flat(b)):
        x = x.detach().double()
        y = y.detach().double()
        if not torch.equal(torch.isnan(x), torch.isnan(y)):
            FAILS.append(f"{name}: float32 and float64 runs disagree on NaN positions")
            continue
        m = ~torch.isnan(y)
        scale = max(1.0, float(y[m].abs().max())) if m.any() else 1.0
        if not torch.allclose(x[m], y[m], rtol=1e-3, atol=1e-4 * scale):
            FAILS.append(f"{name}: float32 and float64 runs disagree")


def cast(v, dtype, grad):
    if isinstance(v, torch.Tensor) and v.is_floating_point():
        return v.detach().to(dtype).requires_grad_(grad)
    return v


def module_case(name, module_name, make, args, options, inputs, grad_idx=(), call_opts=None,
                mode="train", no_grad=False, call=None):
    """`make()` builds the torch module; `call(m, *inputs, **opts)` runs it (default m(*inputs, **opts))."""
    call_opts = call_opts or {}
    call = call or (lambda m, *a, **k: m(*a, **k))
    m = make()
    state = {k: v.detach().clone() for k, v in m.state_dict().items()}
    results = {}
    for dtype in (torch.float64, torch.float32):
        mm = make().to(dtype)
        mm.load_state_dict({k: v.to(dtype) for k, v in state.items()})
        mm.train(mode == "train")
        ins = [cast(v, dtype, i in grad_idx and not no_grad) for i, v in enumerate(inputs)]
        kw = {k: cast(v, dtype, False) for k, v in call_opts.items()}
        if no_grad:
            with torch.no_grad():
                out = call(mm, *ins, **kw)
        else:
            out = call(mm, *ins, **kw)
        results[dtype] = (mm, ins, out)
    agree(name, results[torch.float32][2], results[torch.float64][2])
    mm, ins, out = results[torch.float64]
    g = torch.Generator().manual_seed(len(CASES) + 1)
    case = {
        "name": name, "kind": "module", "module": module_name, "args": args, "options": options,
        "stateKeys": list(state.keys()), "state": {k: spec(v) for k, v in state.items()},
        "mode": mode, "noGrad": no_grad,
        "inputs": [spec(v, i in grad_idx) if isinstance(v, torch.Tensor) else v for i, v in enumerate(inputs)],
        "callOpts": {camel(k): spec(v) if isinstance(v, torch.Tensor) else v for k, v in call_opts.items()},
        "out": tree(out, spec),
    }
    if not no_grad:
        outs = flat(out)
        gos = [torch.randn(o.shape, generator=g, dtype=torch.float64).float().double() for o in outs]
        loss = sum((o * go).sum() for o, go in zip(outs, gos))
        loss.backward()
        case["gradOut"] = [spec(go) for go in gos]
        case["inputGrads"] = [spec(ins[i].grad) if i in grad_idx else None for i in range(len(inputs))]
        case["paramGrads"] = {k: spec(p.grad) if p.grad is not None else None for k, p in mm.named_parameters()}
    CASES.append(case)


def fn_case(name, fn_name, call, inputs, opts, grad_idx=(), opt_tensors=None, opt_grad=()):
    """`call(*inputs, *opt_tensors)` in torch; the TypeScript side runs `fn(...inputs, opts)` with
    the opt_tensors added to opts under their names (those in opt_grad require grad)."""
    opt_tensors = opt_tensors or {}
    names = list(opt_tensors)
    results = {}
    for dtype in (torch.float64, torch.float32):
        ins = [cast(v, dtype, i in grad_idx) for i, v in enumerate(inputs)]
        ots = [cast(opt_tensors[n], dtype, n in opt_grad) for n in names]
        results[dtype] = (ins, ots, call(*ins, *ots))
    agree(name, results[torch.float32][2], results[torch.float64][2])
    ins, ots, out = results[torch.float64]
    g = torch.Generator().manual_seed(len(CASES) + 1)
    outs = flat(out)
    gos = [torch.randn(o.shape, generator=g, dtype=torch.float64).float().double() for o in outs]
    all_opts = {k: spec(v) if isinstance(v, torch.Tensor) else v for k, v in opts.items()}
    for n in names:
        all_opts[n] = spec(opt_tensors[n], n in opt_grad)
    case = {"name": name, "kind": "fn", "fn": fn_name,
            "inputs": [spec(v, i in grad_idx) if isinstance(v, torch.Tensor) else v for i, v in enumerate(inputs)],
            "opts": all_opts, "out": tree(out, spec)}
    if grad_idx or opt_grad:
        sum((o * go).sum() for o, go in zip(outs, gos)).backward()
        case["gradOut"] = [spec(go) for go in gos]
        case["inputGrads"] = [spec(ins[i].grad) if i in grad_idx else None for i in range(len(inputs))]
        case["optGrads"] = {n: spec(t.grad) for n, t in zip(names, ots) if n in opt_grad}
    CASES.append(case)


def causal_bool(n):
    return torch.ones(n, n, dtype=torch.bool).triu(1)


def causal_float(n):
    return nn.Transformer.generate_square_subsequent_mask(n)


def kpm(rows):
    return torch.tensor(rows, dtype=torch.bool)


E, H = 8, 2

# ---- MultiheadAttention -----------------------------------------------------------------------
mk = lambda **kw: (lambda: nn.MultiheadAttention(E, H, **kw))
x = f32(5, 2, E)
module_case("mha/causal_plus_padding", "MultiheadAttention", mk(), [E, H], {}, [x, x, x], (0,),
            {"attn_mask": causal_bool(5), "key_padding_mask": kpm([[0, 0, 0, 1, 1], [0, 0, 0, 0, 1]])},
            call=lambda m, q, k, v, **kw: m(q, q, q, **kw))
CASES[-1]["inputs"][1] = {"$ref": 0}
CASES[-1]["inputs"][2] = {"$ref": 0}
q, kv = f32(4, 2, E), f32(6, 2, E)
module_case("mha/float_causalish_plus_bool_kpm", "MultiheadAttention", mk(), [E, H], {}, [q, kv, kv], (0, 1),
            {"attn_mask": causal_float(6)[:4], "key_padding_mask": kpm([[0, 0, 0, 0, 1, 1], [0, 1, 0, 0, 0, 0]])},
            call=lambda m, q, k, v, **kw: m(q, k, k, **kw))
CASES[-1]["inputs"][2] = {"$ref": 1}
q, k, v = f32(3, 2, E), f32(4, 2, E), f32(4, 2, E)
module_case("mha/fully_masked_batch_nan", "MultiheadAttention", mk(), [E, H], {}, [q, k, v], (0, 1, 2),
            {"key_padding_mask": kpm([[0, 0, 1, 0], [1, 1, 1, 1]])})
module_case("mha/fully_masked_row_nan_per_head", "MultiheadAttention", mk(batch_first=True), [E, H], {"batchFirst": True},
            [f32(2, 3, E), f32(2, 4, E), f32(2, 4, E)], (0, 1, 2),
            {"attn_mask": torch.tensor([[0, 1, 1, 1], [1, 1, 1, 1], [0, 0, 1, 0]], dtype=torch.bool),
             "average_attn_weights": False})
module_case("mha/mask_3d_float_per_head", "MultiheadAttention", mk(), [E, H], {}, [q, k, v], (0, 1, 2),
            {"attn_mask": f32(2 * H, 3, 4), "average_attn_weights": False})
module_case("mha/kdim_vdim_bias_kv_zero_attn", "MultiheadAttention",
            mk(kdim=3, vdim=5, add_bias_kv=True, add_zero_attn=True),
            [E, H], {"kdim": 3, "vdim": 5, "addBiasKv": True, "addZeroAttn": True},
            [f32(3, 2, E), f32(4, 2, 3), f32(4, 2, 5)], (0, 1, 2),
            {"attn_mask": causal_bool(4)[:3], "key_padding_mask": kpm([[0, 0, 0, 1], [0, 0, 0, 0]])})
module_case("mha/bias_kv_same_dim", "MultiheadAttention", mk(add_bias_kv=True), [E, H], {"addBiasKv": True},
            [q, k, v], (0, 1, 2), {"key_padding_mask": kpm([[0, 0, 1, 1], [0, 0, 0, 0]])})
module_case("mha/unbatched_3d_mask", "MultiheadAttention", mk(), [E, H], {},
            [f32(3, E), f32(5, E), f32(5, E)], (0, 1, 2),
            {"attn_mask": torch.rand(H, 3, 5) > 0.7, "key_padding_mask": torch.tensor([0, 0, 0, 0, 1], dtype=torch.bool)})
module_case("mha/no_bias", "MultiheadAttention", mk(bias=False), [E, H], {"bias": False}, [q, k, v], (0, 1, 2))
module_case("mha/float_key_padding_mask", "MultiheadAttention", mk(), [E, H], {}, [q, k, v], (0, 1, 2),
            {"key_padding_mask": torch.tensor([[0.0, -1.5, 0.25, float("-inf")], [0.5, 0.0, 0.0, 0.0]])})
module_case("mha/need_weights_false_masks", "MultiheadAttention", mk(batch_first=True), [E, H], {"batchFirst": True},
            [f32(2, 5, E)] * 3, (0,),
            {"attn_mask": causal_float(5), "key_padding_mask": kpm([[0, 0, 0, 0, 0], [0, 0, 1, 1, 1]]), "need_weights": False},
            call=lambda m, q, k, v, **kw: m(q, q, q, **kw))
CASES[-1]["inputs"][1] = {"$ref": 0}
CASES[-1]["inputs"][2] = {"$ref": 0}

# ---- TransformerEncoderLayer / TransformerEncoder ------------------------------------------------
ffo = {"dimFeedforward": 16, "dropout": 0.0}
mk = lambda **kw: (lambda: nn.TransformerEncoderLayer(E, H, dim_feedforward=16, dropout=0.0, **kw))
module_case("encoderLayer/normFirst_gelu_causal_padding", "TransformerEncoderLayer",
            mk(norm_first=True, activation="gelu"), [E, H], {**ffo, "normFirst": True, "activation": "gelu"},
            [f32(5, 2, E)], (0,), {"src_mask": causal_float(5), "src_key_padding_mask": kpm([[0, 0, 0, 0, 1], [0, 0, 0, 1, 1]])})
module_case("encoderLayer/fully_padded_nan", "TransformerEncoderLayer", mk(batch_first=True), [E, H], {**ffo, "batchFirst": True},
            [f32(2, 4, E)], (0,), {"src_key_padding_mask": kpm([[0, 0, 1, 1], [1, 1, 1, 1]])})
module_case("encoderLayer/unbatched_bool_causal", "TransformerEncoderLayer", mk(activation="gelu"), [E, H],
            {**ffo, "activation": "gelu"}, [f32(4, E)], (0,), {"src_mask": causal_bool(4)})
module_case("encoderLayer/eps_3d_mask", "TransformerEncoderLayer", mk(layer_norm_eps=1e-3), [E, H],
            {**ffo, "layerNormEps": 1e-3}, [f32(3, 2, E)], (0,), {"src_mask": f32(2 * H, 3, 3)})

enc_layer = {"$module": "TransformerEncoderLayer", "args": [E, H], "options": {**ffo, "batchFirst": True}}
mk_enc = lambda norm: (lambda: nn.TransformerEncoder(
    nn.TransformerEncoderLayer(E, H, dim_feedforward=16, dropout=0.0, batch_first=True), 2,
    nn.LayerNorm(E) if norm else None))
pad = kpm([[0, 0, 0, 0, 0], [0, 0, 0, 1, 1], [1, 1, 1, 1, 1]])
xs = f32(3, 5, E)
# eval + no_grad + left-aligned padding: PyTorch's nested-tensor path gives 0 at padded positions
module_case("encoder/eval_nested_zero_padding", "TransformerEncoder", mk_enc(True), [enc_layer, 2],
            {"norm": {"$module": "LayerNorm", "args": [E], "options": {}}}, [xs], (), {"src_key_padding_mask": pad},
            mode="eval", no_grad=True)
module_case("encoder/eval_nested_zero_no_norm", "TransformerEncoder", mk_enc(False), [enc_layer, 2], {}, [xs], (),
            {"src_key_padding_mask": pad}, mode="eval", no_grad=True)
# the same with autograd on: the regular path, NaN for the fully padded sequence
module_case("encoder/eval_grad_regular_path", "TransformerEncoder", mk_enc(True), [enc_layer, 2],
            {"norm": {"$module": "LayerNorm", "args": [E], "options": {}}}, [xs], (0,), {"src_key_padding_mask": pad}, mode="eval")
# padding not left-aligned: regular path even in eval without autograd
module_case("encoder/eval_right_aligned_regular_path", "TransformerEncoder", mk_enc(False), [enc_layer, 2], {}, [xs], (),
            {"src_key_padding_mask": kpm([[0, 0, 0, 0, 0], [1, 1, 0, 0, 0], [1, 0, 0, 0, 0]])}, mode="eval", no_grad=True)

# ---- TransformerDecoderLayer / TransformerDecoder ------------------------------------------------
mk = lambda **kw: (lambda: nn.TransformerDecoderLayer(E, H, dim_feedforward=16, dropout=0.0, **kw))
tgt, mem = f32(2, 4, E), f32(2, 5, E)
module_case("decoderLayer/memory_masks_normFirst_gelu", "TransformerDecoderLayer",
            mk(norm_first=True, activation="gelu", batch_first=True), [E, H],
            {**ffo, "normFirst": True, "activation": "gelu", "batchFirst": True}, [tgt, mem], (0, 1),
            {"tgt_mask": causal_bool(4), "memory_mask": f32(4, 5, scale=0.5),
             "tgt_key_padding_mask": kpm([[0, 0, 0, 1], [0, 0, 0, 0]]),
             "memory_key_padding_mask": kpm([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]])})
module_case("decoderLayer/memory_mask_3d_bool", "TransformerDecoderLayer", mk(), [E, H], ffo,
            [f32(4, 2, E), f32(3, 2, E)], (0, 1),
            {"tgt_mask": causal_float(4), "memory_mask": torch.rand(2 * H, 4, 3) > 0.6})
module_case("decoderLayer/fully_masked_memory_nan", "TransformerDecoderLayer", mk(), [E, H], ffo,
            [f32(3, 2, E), f32(4, 2, E)], (0, 1), {"memory_key_padding_mask": kpm([[0, 0, 0, 0], [1, 1, 1, 1]])})
module_case("decoderLayer/unbatched", "TransformerDecoderLayer", mk(), [E, H], ffo, [f32(3, E), f32(4, E)], (0, 1),
            {"tgt_mask": causal_float(3), "memory_key_padding_mask": torch.tensor([0, 0, 1, 0], dtype=torch.bool)})
dec_layer = {"$module": "TransformerDecoderLayer", "args": [E, H], "options": {**ffo, "normFirst": True}}
module_case("decoder/2layers_normFirst_masks", "TransformerDecoder",
            lambda: nn.TransformerDecoder(nn.TransformerDecoderLayer(E, H, dim_feedforward=16, dropout=0.0, norm_first=True), 2),
            [dec_layer, 2], {}, [f32(4, 2, E), f32(5, 2, E)], (0, 1),
            {"tgt_mask": causal_float(4), "memory_mask": f32(4, 5, scale=0.3),
             "memory_key_padding_mask": kpm([[0, 0, 0, 0, 1], [0, 0, 1, 1, 1]])})

# ---- Transformer -----------------------------------------------------------------------------------
tro = {"dModel": E, "nhead": H, "numEncoderLayers": 2, "numDecoderLayers": 2, "dimFeedforward": 16, "dropout": 0.0}
mk_tr = lambda **kw: (lambda: nn.Transformer(d_model=E, nhead=H, num_encoder_layers=2, num_decoder_layers=2,
                                             dim_feedforward=16, dropout=0.0, **kw))
module_case("transformer/all_masks_bf_normFirst_gelu", "Transformer", mk_tr(batch_first=True, norm_first=True, activation="gelu"), [],
            {**tro, "batchFirst": True, "normFirst": True, "activation": "gelu"}, [f32(2, 5, E), f32(2, 4, E)], (0, 1),
            {"src_mask": f32(5, 5, scale=0.5), "tgt_mask": causal_float(4), "memory_mask": causal_bool(5)[:4],
             "src_key_padding_mask": kpm([[0, 0, 0, 0, 1], [0, 0, 0, 0, 0]]),
             "tgt_key_padding_mask": kpm([[0, 0, 0, 0], [0, 0, 0, 1]]),
             "memory_key_padding_mask": kpm([[0, 0, 0, 0, 1], [0, 1, 0, 0, 0]])})
tro1 = {**tro, "numEncoderLayers": 1, "numDecoderLayers": 1}
module_case("transformer/unbatched_eps", "Transformer",
            lambda: nn.Transformer(d_model=E, nhead=H, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16,
                                   dropout=0.0, layer_norm_eps=1e-4), [], {**tro1, "layerNormEps": 1e-4},
            [f32(5, E), f32(3, E)], (0, 1), {"tgt_mask": causal_float(3)})

# ---- functional ------------------------------------------------------------------------------------
def sdpa_ref(q, k, v, mask=None, causal=False, scale=None):
    """PyTorch 2's documented math for F.scaled_dot_product_attention (bool mask: True = attend)."""
    L, S = q.shape[-2], k.shape[-2]
    s = scale if scale is not None else 1 / math.sqrt(q.shape[-1])
    bias = torch.zeros(L, S, dtype=q.dtype)
    if causal:
        bias = bias.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
    if mask is not None:
        bias = bias + (torch.zeros_like(mask, dtype=q.dtype).masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else mask)
    return torch.softmax(q @ k.transpose(-2, -1) * s + bias, dim=-1) @ v


q, k, v = f32(2, 2, 5, 3), f32(2, 2, 7, 3), f32(2, 2, 7, 6)
fn_case("sdpa/odd_sizes", "scaledDotProductAttention", sdpa_ref, [q, k, v], {}, (0, 1, 2))
m = torch.rand(5, 7) > 0.4
m[:, 0] = True
fn_case("sdpa/bool_mask_true_attends", "scaledDotProductAttention", lambda a, b, c: sdpa_ref(a, b, c, mask=m), [q, k, v],
        {"attnMask": spec(m)}, (0, 1, 2))
fm = f32(2, 1, 5, 7)
fn_case("sdpa/float_mask_grad", "scaledDotProductAttention", lambda a, b, c, d: sdpa_ref(a, b, c, mask=d),
        [q, k, v], {}, (0, 1, 2), {"attnMask": fm}, ("attnMask",))
fn_case("sdpa/causal_L_lt_S", "scaledDotProductAttention", lambda a, b, c: sdpa_ref(a, b, c, causal=True), [q, k, v],
        {"isCausal": True}, (0, 1, 2))
q2, k2, v2 = f32(7, 4), f32(5, 4), f32(5, 2)
fn_case("sdpa/causal_L_gt_S_2d", "scaledDotProductAttention", lambda a, b, c: sdpa_ref(a, b, c, causal=True), [q2, k2, v2],
        {"isCausal": True}, (0, 1, 2))
fn_case("sdpa/scale", "scaledDotProductAttention", lambda a, b, c: sdpa_ref(a, b, c, scale=0.3), [q, k, v],
        {"scale": 0.3}, (0, 1, 2))
kb, vb = f32(1, 2, 7, 3), f32(2, 1, 7, 6)
fn_case("sdpa/broadcast_batch", "scaledDotProductAttention", sdpa_ref, [q, kb, vb], {}, (0, 1, 2))
mrow = torch.ones(2, 2, 5, 7, dtype=torch.bool)
mrow[1, 0, 2] = False
fn_case("sdpa/fully_masked_row_nan", "scaledDotProductAttention", lambda a, b, c: sdpa_ref(a, b, c, mask=mrow), [q, k, v],
        {"attnMask": spec(mrow)}, (0, 1, 2))
qa, ka, va = f32(2, 1, 8, 8), f32(2, 1, 9, 8), f32(2, 1, 9, 8)
fn_case("sdpa/larger_causal_like_float", "scaledDotProductAttention",
        lambda a, b, c: sdpa_ref(a, b, c, mask=causal_float(9)[1:]), [qa, ka, va], {"attnMask": spec(causal_float(9)[1:])}, (0, 1, 2))

# multi_head_attention_forward with static keys/values
Ls, Ss, N = 3, 4, 2
in_w, in_b, out_w, out_b = f32(3 * E, E, scale=0.3), f32(3 * E, scale=0.1), f32(E, E, scale=0.3), f32(E, scale=0.1)
sk, sv = f32(N * H, Ss, E // H), f32(N * H, Ss, E // H)
qq = f32(Ls, N, E)
fn_case("mhaForward/static_kv", "multiHeadAttentionForward",
        lambda a, _k, _v, e, h, w1, b1, bk, bv, z, p, w2, b2, s1, s2, m: F.multi_head_attention_forward(
            a, a, a, e, h, w1, b1, bk, bv, z, p, w2, b2, training=True, static_k=s1, static_v=s2, key_padding_mask=m),
        [qq, qq, qq, E, H, in_w, in_b, None, None, False, 0.0, out_w, out_b], {"training": True}, (0, 5, 6, 11, 12),
        {"staticK": sk, "staticV": sv, "keyPaddingMask": kpm([[0, 0, 0, 1], [0, 0, 0, 0]])}, ("staticK", "staticV"))
CASES[-1]["inputs"][1] = {"$ref": 0}
CASES[-1]["inputs"][2] = {"$ref": 0}

# ---- reprs ----------------------------------------------------------------------------------------
REPRS = []
for (name, args, options, m) in [
    ("MultiheadAttention", [E, H], {}, nn.MultiheadAttention(E, H)),
    ("MultiheadAttention", [E, H], {"kdim": 3, "vdim": 5, "addBiasKv": True, "bias": False},
     nn.MultiheadAttention(E, H, kdim=3, vdim=5, add_bias_kv=True, bias=False)),
    ("TransformerEncoderLayer", [E, H], {"dimFeedforward": 16}, nn.TransformerEncoderLayer(E, H, 16)),
    ("TransformerDecoderLayer", [E, H], {"dimFeedforward": 16, "dropout": 0.2, "layerNormEps": 1e-6},
     nn.TransformerDecoderLayer(E, H, 16, 0.2, layer_norm_eps=1e-6)),
    ("Transformer", [], {"dModel": E, "nhead": H, "numEncoderLayers": 1, "numDecoderLayers": 1, "dimFeedforward": 16},
     nn.Transformer(E, H, 1, 1, 16)),
]:
    REPRS.append({"module": name, "args": args, "options": options, "repr": repr(m),
                  "stateKeys": list(m.state_dict().keys()),
                  "stateShapes": [list(v.shape) for v in m.state_dict().values()]})

if FAILS:
    print("\n".join(FAILS))
    sys.exit(1)
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "packages/nn-transformer/scripts/goldens.py", "torch": torch.__version__,
               "cases": CASES, "reprs": REPRS}, f, separators=(",", ":"))
print(f"wrote {len(CASES)} cases and {len(REPRS)} reprs to {os.path.relpath(OUT)}")
