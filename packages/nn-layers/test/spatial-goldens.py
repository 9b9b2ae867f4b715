#!/usr/bin/env python3
"""PyTorch goldens for the spatial layers' vitest suite (spatial-goldens.test.ts).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 packages/nn-layers/test/spatial-goldens.py

Writes spatial-goldens.json beside this file: cases the PyTorch-parity suite does not cover
(interpolation corner cases, adaptive pools with None, fractional max pooling with fixed
samples, unpool/transposed-convolution output sizes, padding modes, unbatched inputs, reprs).

A case is {"name", "kind": "fn" | "module", ...}:
  fn:     {"fn", "inputs", "opts", "out", "gradOut", "grads"}: `fn(...inputs, opts)`;
  module: {"module", "args", "options", "state", "inputs", "out", "gradOut", "grads",
           "paramGrads", "repr"}: `new Module(...args, options)`, loadStateDict(state), call.
Tensors are {"shape", "dtype", "data", "requiresGrad"?}; outputs may be lists of tensors.
Float values come from a float64 run on float32-representable inputs, rounded to float32
(index outputs are exact); the native float32 run must agree, else the case is reported.
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
OUT = os.path.join(HERE, "spatial-goldens.json")

DT = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int32", torch.int32: "int32", torch.bool: "bool"}


def num(v, f32):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if f32:
        v = float(str(np.float32(v)))
    if v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def spec(t, requires_grad=False, dtype=None):
    t = t.detach()
    name = dtype or DT[t.dtype]
    flat = t.contiguous().reshape(-1).tolist()
    if name in ("int32", "bool"):
        data = [int(x) for x in flat]
    else:
        data = [num(x, name == "float32") for x in flat]
    s = {"shape": list(t.shape), "dtype": name, "data": data}
    if requires_grad:
        s["requiresGrad"] = True
    return s


def rnd(*shape):
    """Random float32-representable values (as float32)."""
    return torch.randn(*shape, dtype=torch.float32)


def tree(x, fn):
    if isinstance(x, (list, tuple)):
        return [tree(v, fn) for v in x]
    return fn(x)


def flat_tensors(x):
    if isinstance(x, (list, tuple)):
        out = []
        for v in x:
            out += flat_tensors(v)
        return out
    return [x]


def run(call, inputs, grad_idx, dtype):
    """Run `call` on inputs cast to dtype; returns (out, grads, gradOut seed)."""
    ins = []
    for i, v in enumerate(inputs):
        if isinstance(v, torch.Tensor) and v.is_floating_point():
            v = v.detach().to(dtype).requires_grad_(i in grad_idx)
        ins.append(v)
    out = call(*ins)
    return ins, out


CASES: list[dict] = []
FAILS: list[str] = []


def check_close(name, a, b, tol=1e-4):
    for x, y in zip(flat_tensors(a), flat_tensors(b)):
        if not x.is_floating_point():
            if not torch.equal(x.long(), y.long()):
                FAILS.append(f"{name}: float32 and float64 runs disagree on an integer output")
            continue
        if not torch.allclose(x.double(), y.double(), rtol=tol, atol=tol * max(1.0, float(y.abs().max()) if y.numel() else 1.0)):
            FAILS.append(f"{name}: float32 and float64 runs disagree")


def golden(name, kind, call, inputs, grad_idx=(), extra=None, check32=True):
    """Record `call(*inputs)`: values from float64, checked against float32."""
    g = torch.Generator().manual_seed(len(CASES) + 1)
    ins64, out64 = run(call, inputs, grad_idx, torch.float64)
    outs = flat_tensors(out64)
    grad_out = [torch.randn(o.shape, generator=g, dtype=torch.float64).float().double() if o.is_floating_point() else None for o in outs]
    grads = None
    if grad_idx:
        loss = sum((o * go).sum() for o, go in zip(outs, grad_out) if go is not None)
        loss.backward()
        grads = [spec(ins64[i].grad, dtype="float32") if i in grad_idx else None for i in range(len(inputs))]
    if check32:
        ins32, out32 = run(call, inputs, grad_idx, torch.float32)
        check_close(name, out32, out64)
    case = {"name": name, "kind": kind}
    case.update(extra or {})
    case["inputs"] = [spec(v, i in grad_idx, "float32" if v.is_floating_point() else None) if isinstance(v, torch.Tensor) else v for i, v in enumerate(inputs)]
    case["out"] = tree(out64, lambda o: spec(o, dtype="float32" if o.is_floating_point() else None))
    if grads is not None:
        gos = [spec(go, dtype="float32") if go is not None else None for go in grad_out]
        case["gradOut"] = gos if isinstance(out64, (list, tuple)) else gos[0]
        case["grads"] = grads
    CASES.append(case)
    return case


def fn(name, call, inputs, opts, ts_fn, grad_idx=(0,), check32=True):
    golden(name, "fn", call, inputs, grad_idx, {"fn": ts_fn, "opts": opts}, check32)


# ---- interpolate -----------------------------------------------------------------------------
def interp(name, shape, ts_opts, **kw):
    x = rnd(*shape)
    fn(f"interpolate/{name}", lambda t: F.interpolate(t, **kw), [x], ts_opts, "interpolate")


interp("nearest_5_to_7", (1, 2, 5), {"size": 7}, size=7)
interp("nearest_down_7_to_3", (1, 1, 7), {"size": 3}, size=3)
interp("nearest_scale1.7", (1, 2, 3, 4), {"scaleFactor": 1.7}, scale_factor=1.7)
interp("nearest_scale0.6_recompute", (1, 1, 5, 6), {"scaleFactor": 0.6, "recomputeScaleFactor": True}, scale_factor=0.6, recompute_scale_factor=True)
interp("nearest_3d_size", (1, 1, 2, 3, 3), {"size": [3, 5, 2]}, size=(3, 5, 2))
interp("nearest_exact_5_to_7", (1, 2, 5), {"size": 7, "mode": "nearest-exact"}, size=7, mode="nearest-exact")
interp("nearest_exact_scale0.5", (1, 1, 6, 7), {"scaleFactor": 0.5, "mode": "nearest-exact"}, scale_factor=0.5, mode="nearest-exact")
interp("linear_align", (2, 1, 4), {"size": 9, "mode": "linear", "alignCorners": True}, size=9, mode="linear", align_corners=True)
interp("linear_down", (1, 2, 9), {"size": 4, "mode": "linear"}, size=4, mode="linear")
interp("linear_scale2.5_recompute", (1, 1, 4), {"scaleFactor": 2.5, "mode": "linear", "recomputeScaleFactor": True}, scale_factor=2.5, mode="linear", recompute_scale_factor=True)
interp("linear_scale1.2_same_size", (1, 1, 3), {"scaleFactor": 1.2, "mode": "linear"}, scale_factor=1.2, mode="linear")
interp("linear_to_1", (1, 1, 5), {"size": 1, "mode": "linear", "alignCorners": True}, size=1, mode="linear", align_corners=True)
interp("bilinear_tuple_scale", (1, 2, 3, 4), {"scaleFactor": [2, 1.5], "mode": "bilinear"}, scale_factor=(2, 1.5), mode="bilinear")
interp("bilinear_down", (1, 1, 7, 5), {"size": [3, 2], "mode": "bilinear"}, size=(3, 2), mode="bilinear")
interp("bicubic_align", (1, 2, 4, 3), {"size": [7, 5], "mode": "bicubic", "alignCorners": True}, size=(7, 5), mode="bicubic", align_corners=True)
interp("bicubic_down", (1, 1, 9, 8), {"size": [4, 3], "mode": "bicubic"}, size=(4, 3), mode="bicubic")
interp("bicubic_scale3", (1, 1, 2, 3), {"scaleFactor": 3, "mode": "bicubic"}, scale_factor=3, mode="bicubic")
interp("trilinear_align_scale", (1, 1, 2, 3, 2), {"scaleFactor": 2, "mode": "trilinear", "alignCorners": True}, scale_factor=2, mode="trilinear", align_corners=True)
interp("area_size", (1, 2, 7, 5), {"size": [3, 2], "mode": "area"}, size=(3, 2), mode="area")
interp("area_scale", (1, 1, 9), {"scaleFactor": 0.5, "mode": "area"}, scale_factor=0.5, mode="area")

# ---- adaptive pools ----------------------------------------------------------------------------
x = rnd(2, 3, 7, 5)
fn("adaptiveAvgPool2d/none_entry", lambda t: F.adaptive_avg_pool2d(t, (3, None)), [x], None, "adaptiveAvgPool2d")
CASES[-1]["inputs"].append([3, None])
fn("adaptiveMaxPool2d/none_entry_idx", lambda t: F.adaptive_max_pool2d(t, (None, 2), return_indices=True), [x], {"returnIndices": True}, "adaptiveMaxPool2d")
CASES[-1]["inputs"].append([None, 2])
x = rnd(3, 10, 6)
fn("adaptiveMaxPool2d/unbatched_upsample", lambda t: F.adaptive_max_pool2d(t, (4, 9), return_indices=True), [x], {"returnIndices": True}, "adaptiveMaxPool2d")
CASES[-1]["inputs"].append([4, 9])
x = rnd(1, 2, 5, 6, 7)
fn("adaptiveMaxPool3d/idx", lambda t: F.adaptive_max_pool3d(t, (2, 3, 4), return_indices=True), [x], {"returnIndices": True}, "adaptiveMaxPool3d")
CASES[-1]["inputs"].append([2, 3, 4])
fn("adaptiveAvgPool3d/uneven", lambda t: F.adaptive_avg_pool3d(t, (3, 4, 5)), [x], None, "adaptiveAvgPool3d")
CASES[-1]["inputs"].append([3, 4, 5])

# ---- fractional max pooling with fixed samples --------------------------------------------------
for dt in (torch.float32, torch.float64):
    tag = "f32" if dt == torch.float32 else "f64"
    x = rnd(2, 3, 11, 9).to(dt)
    s = torch.rand(2, 3, 2, dtype=dt)
    out = F.fractional_max_pool2d(x.clone().requires_grad_(True), 3, output_size=(5, 4), return_indices=True, _random_samples=s)
    CASES.append({
        "name": f"fractionalMaxPool2d/samples_{tag}", "kind": "fn", "fn": "fractionalMaxPool2d",
        "inputs": [spec(x, dtype=DT[dt]), 3], "opts": {"outputSize": [5, 4], "returnIndices": True, "randomSamples": spec(s, dtype=DT[dt])},
        "out": [spec(out[0], dtype=DT[dt]), spec(out[1])],
    })
    x = rnd(1, 2, 9, 8, 10).to(dt)
    s = torch.rand(1, 2, 3, dtype=dt)
    out = F.fractional_max_pool3d(x, (2, 3, 2), output_ratio=(0.5, 0.6, 0.7), return_indices=True, _random_samples=s)
    CASES.append({
        "name": f"fractionalMaxPool3d/samples_ratio_{tag}", "kind": "fn", "fn": "fractionalMaxPool3d",
        "inputs": [spec(x, dtype=DT[dt]), [2, 3, 2]], "opts": {"outputRatio": [0.5, 0.6, 0.7], "returnIndices": True, "randomSamples": spec(s, dtype=DT[dt])},
        "out": [spec(out[0], dtype=DT[dt]), spec(out[1])],
    })

# ---- max unpool with output size ---------------------------------------------------------------
x = rnd(1, 2, 5, 5)
y, idx = F.max_pool2d(x, 2, return_indices=True)
fn("maxUnpool2d/output_size", lambda t, i: F.max_unpool2d(t, i, 2, output_size=(5, 5)), [y, idx], {"outputSize": [5, 5]}, "maxUnpool2d")
CASES[-1]["inputs"].insert(2, 2)
x = rnd(2, 7)
y, idx = F.max_pool1d(x, 3, stride=2, padding=1, return_indices=True)
fn("maxUnpool1d/unbatched_stride_pad", lambda t, i: F.max_unpool1d(t, i, 3, stride=2, padding=1, output_size=[7]), [y, idx], {"stride": 2, "padding": 1, "outputSize": [7]}, "maxUnpool1d")
CASES[-1]["inputs"].insert(2, 3)

# ---- fold / unfold ---------------------------------------------------------------------------
x = rnd(3, 6, 7)
fn("unfold/unbatched_dil_pad_stride", lambda t: F.unfold(t.unsqueeze(0), (2, 3), dilation=(2, 1), padding=(1, 2), stride=(2, 3)).squeeze(0), [x], {"dilation": [2, 1], "padding": [1, 2], "stride": [2, 3]}, "unfold")
CASES[-1]["inputs"].append([2, 3])
cols = rnd(12, 9)
fn("fold/unbatched_stride_pad", lambda t: F.fold(t.unsqueeze(0), (5, 4), 2, padding=1, stride=2).squeeze(0), [cols], {"padding": 1, "stride": 2}, "fold")
CASES[-1]["inputs"] += [[5, 4], 2]

# ---- pixel / channel shuffles --------------------------------------------------------------------
x = rnd(2, 3, 8, 2, 3)
fn("pixelShuffle/extra_batch_dims", lambda t: F.pixel_shuffle(t, 2), [x], None, "pixelShuffle")
CASES[-1]["inputs"].append(2)
x = rnd(3, 4, 6)
fn("pixelUnshuffle/unbatched", lambda t: F.pixel_unshuffle(t, 2), [x], None, "pixelUnshuffle")
CASES[-1]["inputs"].append(2)
x = rnd(2, 6, 4)
fn("channelShuffle/3d_g3", lambda t: t.reshape(2, 3, 2, 4).transpose(1, 2).reshape(2, 6, 4), [x], None, "channelShuffle")
CASES[-1]["inputs"].append(3)

# ---- distances ---------------------------------------------------------------------------------
a, b = rnd(3, 1, 5), rnd(4, 5)
fn("cosineSimilarity/broadcast_dim-1", lambda u, v: F.cosine_similarity(u, v, dim=-1), [a, b], {"dim": -1}, "cosineSimilarity", grad_idx=(0, 1))
a, b = rnd(4, 6), rnd(4, 6)
fn("pairwiseDistance/p3_keepdim", lambda u, v: F.pairwise_distance(u, v, p=3.0, keepdim=True), [a, b], {"p": 3, "keepdim": True}, "pairwiseDistance", grad_idx=(0, 1))
fn("pairwiseDistance/pinf_eps", lambda u, v: F.pairwise_distance(u, v, p=math.inf, eps=0.01), [a, b], {"p": "inf", "eps": 0.01}, "pairwiseDistance", grad_idx=(0, 1))
a, b = rnd(6), rnd(6)
fn("pairwiseDistance/1d", lambda u, v: F.pairwise_distance(u, v), [a, b], {}, "pairwiseDistance", grad_idx=(0, 1))

# ---- max / avg pooling corner cases (ceil mode, dilation, padding) -----------------------------
x = rnd(2, 2, 7, 8)
fn("maxPool2d/ceil_dilation_idx", lambda t: F.max_pool2d(t, 3, stride=2, padding=1, dilation=2, ceil_mode=True, return_indices=True), [x], {"stride": 2, "padding": 1, "dilation": 2, "ceilMode": True, "returnIndices": True}, "maxPool2d")
CASES[-1]["inputs"].append(3)
fn("maxPool1d/unbatched_ceil", lambda t: F.max_pool1d(t, 2, stride=3, ceil_mode=True), [rnd(3, 8)], {"stride": 3, "ceilMode": True}, "maxPool1d")
CASES[-1]["inputs"].append(2)
fn("maxPool3d/asym_idx", lambda t: F.max_pool3d(t, (2, 1, 3), stride=(1, 2, 2), padding=(1, 0, 1), return_indices=True), [rnd(1, 2, 3, 5, 6)], {"stride": [1, 2, 2], "padding": [1, 0, 1], "returnIndices": True}, "maxPool3d")
CASES[-1]["inputs"].append([2, 1, 3])
fn("avgPool2d/ceil_exclude_pad", lambda t: F.avg_pool2d(t, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), [x], {"stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False}, "avgPool2d")
CASES[-1]["inputs"].append(3)
fn("avgPool2d/ceil_include_pad", lambda t: F.avg_pool2d(t, 3, stride=2, padding=1, ceil_mode=True), [x], {"stride": 2, "padding": 1, "ceilMode": True}, "avgPool2d")
CASES[-1]["inputs"].append(3)
fn("avgPool1d/unbatched_ceil", lambda t: F.avg_pool1d(t, 3, stride=2, ceil_mode=True), [rnd(2, 8)], {"stride": 2, "ceilMode": True}, "avgPool1d")
CASES[-1]["inputs"].append(3)
fn("avgPool3d/divisor_ceil", lambda t: F.avg_pool3d(t, 2, stride=2, ceil_mode=True, divisor_override=3), [rnd(1, 1, 3, 5, 4)], {"stride": 2, "ceilMode": True, "divisorOverride": 3}, "avgPool3d")
CASES[-1]["inputs"].append(2)

# ---- lp pooling -----------------------------------------------------------------------------------
x = rnd(2, 3, 8).abs()
fn("lpPool1d/p3_ceil", lambda t: F.lp_pool1d(t, 3, 3, stride=2, ceil_mode=True), [x], {"stride": 2, "ceilMode": True}, "lpPool1d")
CASES[-1]["inputs"] += [3, 3]


# ---- modules ----------------------------------------------------------------------------------
def module(name, ctor, ts_module, args, options, inputs, grad_idx=(0,), call_extra=(), param_grads=True):
    m64 = ctor().double()
    m32 = ctor()
    m32.load_state_dict({k: v.float() for k, v in m64.state_dict().items()})
    # float32-representable state
    with torch.no_grad():
        for p in m64.parameters():
            p.copy_(p.float().double())
    state = {k: spec(v, dtype="float32" if v.is_floating_point() else None) for k, v in m64.state_dict().items()}

    def call64(*ins):
        return m64(*ins, *call_extra)

    case = golden(name, "module", call64, inputs, grad_idx, {"module": ts_module, "args": args, "options": options, "state": state, "repr": repr(m64)}, check32=False)
    if call_extra:
        case["inputs"] += list(call_extra)
    if param_grads:
        case["paramGrads"] = {k: spec(p.grad, dtype="float32") for k, p in m64.named_parameters() if p.grad is not None}


module("ConvTranspose2d/output_size", lambda: nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1, groups=2, dilation=2), "ConvTranspose2d",
       [2, 4, 3], {"stride": 2, "padding": 1, "groups": 2, "dilation": 2}, [rnd(1, 2, 3, 4)], call_extra=([1, 4, 8, 10],))
module("ConvTranspose1d/unbatched_output_size", lambda: nn.ConvTranspose1d(3, 2, 4, stride=3, bias=False), "ConvTranspose1d",
       [3, 2, 4], {"stride": 3, "bias": False}, [rnd(3, 5)], call_extra=([16],))
module("Conv2d/replicate_same_even", lambda: nn.Conv2d(2, 3, (4, 2), padding="same", padding_mode="replicate"), "Conv2d",
       [2, 3, [4, 2]], {"padding": "same", "paddingMode": "replicate"}, [rnd(2, 2, 5, 6)])
module("Conv2d/circular", lambda: nn.Conv2d(1, 2, 3, padding=(2, 1), padding_mode="circular", stride=(1, 2)), "Conv2d",
       [1, 2, 3], {"padding": [2, 1], "paddingMode": "circular", "stride": [1, 2]}, [rnd(1, 1, 4, 5)])
module("Conv1d/unbatched_valid_dilated_groups", lambda: nn.Conv1d(4, 2, 3, padding="valid", dilation=3, groups=2), "Conv1d",
       [4, 2, 3], {"padding": "valid", "dilation": 3, "groups": 2}, [rnd(4, 11)])
module("Conv3d/same_even_zeros", lambda: nn.Conv3d(1, 2, (2, 3, 4), padding="same", bias=False), "Conv3d",
       [1, 2, [2, 3, 4]], {"padding": "same", "bias": False}, [rnd(1, 1, 3, 4, 5)])
module("Conv3d/reflect", lambda: nn.Conv3d(2, 1, 2, padding=1, padding_mode="reflect"), "Conv3d",
       [2, 1, 2], {"padding": 1, "paddingMode": "reflect"}, [rnd(2, 3, 3, 4)])


def padmod(name, torch_fn, ts_module, args, shape):
    x = rnd(*shape)
    golden(name, "module", torch_fn, [x], (0,), {"module": ts_module, "args": args, "options": {}, "state": {}})


padmod("CircularPad2d/asym", lambda t: F.pad(t, (2, 1, 0, 3), mode="circular"), "CircularPad2d", [[2, 1, 0, 3]], (1, 2, 3, 4))
padmod("CircularPad1d/unbatched", lambda t: F.pad(t.unsqueeze(0), (3, 3), mode="circular").squeeze(0), "CircularPad1d", [3], (2, 3))
padmod("CircularPad3d/int", lambda t: F.pad(t, (1,) * 6, mode="circular"), "CircularPad3d", [1], (1, 1, 2, 3, 2))
padmod("ZeroPad1d/tuple", lambda t: F.pad(t, (0, 2)), "ZeroPad1d", [[0, 2]], (2, 3))
padmod("ZeroPad3d/neg", lambda t: F.pad(t, (1, -1, 0, 2, -1, 1)), "ZeroPad3d", [[1, -1, 0, 2, -1, 1]], (1, 2, 3, 3, 3))
padmod("ReflectionPad2d/unbatched", lambda t: F.pad(t.unsqueeze(0), (3, 0, 1, 2), mode="reflect").squeeze(0), "ReflectionPad2d", [[3, 0, 1, 2]], (2, 4, 4))
padmod("ReplicationPad3d/asym", lambda t: F.pad(t, (0, 1, 2, 0, 1, 1), mode="replicate"), "ReplicationPad3d", [[0, 1, 2, 0, 1, 1]], (2, 2, 2, 3))

# ---- cosine similarity below eps (PyTorch 1.13 clamps each squared norm, gradient passing) -------
a, b = rnd(3, 4) * 0.1, rnd(3, 4)
fn("cosineSimilarity/eps_above_norms", lambda u, v: F.cosine_similarity(u, v, eps=0.5), [a, b], {"eps": 0.5}, "cosineSimilarity", grad_idx=(0, 1))
a = torch.cat([torch.zeros(1, 3), rnd(2, 3)])
fn("cosineSimilarity/zero_vector", lambda u, v: F.cosine_similarity(u, v), [a, rnd(3, 3)], {}, "cosineSimilarity", grad_idx=(0, 1))

# reprs of parameterless modules (checked in the TS suite)
REPRS = [
    ("MaxPool2d", [3], {"stride": 2, "padding": 1}, nn.MaxPool2d(3, stride=2, padding=1)),
    ("MaxPool1d", [[2]], {"dilation": 2, "ceilMode": True}, nn.MaxPool1d((2,), dilation=2, ceil_mode=True)),
    ("AvgPool1d", [3], {}, nn.AvgPool1d(3)),
    ("AvgPool2d", [[2, 3]], {"stride": 1}, nn.AvgPool2d((2, 3), stride=1)),
    ("AvgPool3d", [2], {}, nn.AvgPool3d(2)),
    ("LPPool2d", [2, 3], {"stride": 2}, nn.LPPool2d(2, 3, stride=2)),
    ("LPPool1d", [1.5, 2], {}, nn.LPPool1d(1.5, 2)),
    ("MaxUnpool1d", [2], {}, nn.MaxUnpool1d(2)),
    ("MaxUnpool2d", [3], {"stride": 2, "padding": 1}, nn.MaxUnpool2d(3, stride=2, padding=1)),
    ("AdaptiveAvgPool2d", [[5, None]], {}, nn.AdaptiveAvgPool2d((5, None))),
    ("AdaptiveMaxPool1d", [3], {"returnIndices": True}, nn.AdaptiveMaxPool1d(3, return_indices=True)),
    ("ConstantPad1d", [[2, 1], 3.5], {}, nn.ConstantPad1d((2, 1), 3.5)),
    ("ConstantPad3d", [1, 1], {}, nn.ConstantPad3d(1, 1)),
    ("ZeroPad2d", [[1, 2, 3, 0]], {}, nn.ZeroPad2d((1, 2, 3, 0))),
    ("ReflectionPad1d", [2], {}, nn.ReflectionPad1d(2)),
    ("ReplicationPad2d", [[1, 2, 0, 3]], {}, nn.ReplicationPad2d((1, 2, 0, 3))),
    ("PixelShuffle", [2], {}, nn.PixelShuffle(2)),
    ("PixelUnshuffle", [3], {}, nn.PixelUnshuffle(3)),
    ("ChannelShuffle", [2], {}, nn.ChannelShuffle(2)),
    ("Upsample", [], {"scaleFactor": 2, "mode": "bilinear"}, nn.Upsample(scale_factor=2, mode="bilinear")),
    ("Upsample", [], {"size": [4, 5]}, nn.Upsample(size=(4, 5))),
    ("Upsample", [], {"size": 7, "mode": "linear"}, nn.Upsample(size=7, mode="linear")),
    ("Upsample", [], {"scaleFactor": [1.5, 2]}, nn.Upsample(scale_factor=(1.5, 2))),
    ("UpsamplingBilinear2d", [], {"scaleFactor": 2}, nn.UpsamplingBilinear2d(scale_factor=2)),
    ("UpsamplingNearest2d", [], {"size": 3}, nn.UpsamplingNearest2d(size=3)),
    ("Fold", [[4, 5], 2], {}, nn.Fold((4, 5), 2)),
    ("Unfold", [[2, 3]], {"dilation": 2, "stride": [1, 2]}, nn.Unfold((2, 3), dilation=2, stride=(1, 2))),
    ("CosineSimilarity", [], {}, nn.CosineSimilarity()),
    ("PairwiseDistance", [], {"p": 1}, nn.PairwiseDistance(p=1)),
    ("FractionalMaxPool2d", [2], {"outputSize": [3, 3]}, nn.FractionalMaxPool2d(2, output_size=(3, 3))),
    ("Conv2d", [16, 33, 3], {"stride": 2, "padding": 1, "paddingMode": "reflect", "bias": False}, nn.Conv2d(16, 33, 3, stride=2, padding=1, padding_mode="reflect", bias=False)),
    ("Conv1d", [4, 8, 3], {"padding": "same", "dilation": 2, "groups": 4}, nn.Conv1d(4, 8, 3, padding="same", dilation=2, groups=4)),
    ("Conv3d", [2, 2, [1, 2, 3]], {}, nn.Conv3d(2, 2, (1, 2, 3))),
    ("ConvTranspose2d", [4, 6, 3], {"stride": 2, "outputPadding": 1, "groups": 2}, nn.ConvTranspose2d(4, 6, 3, stride=2, output_padding=1, groups=2)),
]
reprs = [{"module": m, "args": a, "options": o, "repr": repr(t)} for m, a, o, t in REPRS]

if FAILS:
    print("\n".join(FAILS), file=sys.stderr)
    sys.exit(1)
with open(OUT, "w") as f:
    json.dump({"cases": CASES, "reprs": reprs}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases and {len(reprs)} reprs to {os.path.relpath(OUT)}")
