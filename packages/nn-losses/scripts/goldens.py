#!/usr/bin/env python3
"""PyTorch goldens for @kindling/nn-losses.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 packages/nn-losses/scripts/goldens.py

Writes packages/nn-losses/test/goldens/losses.json (deterministic). Every case gives the loss
class (`module`), its functional twin (`fn`), the options (camelCase, as Kindling takes them),
the inputs, and PyTorch's output and input gradients for a random output gradient. Inputs are
float32-representable; expectations are computed in float64 and rounded to float32 by JSON
(as the parity suite does). Error cases carry `error` (PyTorch's message, or ours where
PyTorch does not raise) instead of outputs; the tests check that Kindling throws and changes
nothing.

Tensor encoding: {"shape", "dtype": float32|int32|bool, "data": flat row-major}, optional
"requiresGrad": true and "logSoftmaxDim": d (the loss receives leaf.log_softmax(d); CTC).
Non-finite numbers are the strings "nan", "inf", "-inf".
"""

from __future__ import annotations

import json
import math
import os
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")
torch.manual_seed(1234)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "goldens", "losses.json")


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def enc(t, **extra):
    if t is None:
        return None
    if t.dtype in (torch.int64, torch.int32):
        d = {"shape": list(t.shape), "dtype": "int32", "data": [int(x) for x in t.reshape(-1).tolist()]}
    elif t.dtype == torch.bool:
        d = {"shape": list(t.shape), "dtype": "bool", "data": [int(x) for x in t.reshape(-1).tolist()]}
    else:
        flat = t.detach().to(torch.float32).reshape(-1).tolist()
        d = {"shape": list(t.shape), "dtype": "float32", "data": [num(x) for x in flat]}
    d.update(extra)
    return d


def f32(*shape, scale=1.0, lo=None, hi=None):
    if lo is not None:
        return (torch.rand(*shape) * (hi - lo) + lo).float()
    return (torch.randn(*shape) * scale).float()


def f32_of(data):
    return torch.tensor(data, dtype=torch.float32)


CASES = []


def opt_enc(options):
    out = {}
    for k, v in options.items():
        if isinstance(v, torch.Tensor):
            out[k] = enc(v)
        elif isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
            out[k] = num(v)
        else:
            out[k] = v
    return out


def case(cid, module, fn, torch_fn, inputs, options=None, grad=None, tol=None, log_softmax=None, module_only=False,
         fn_only=False, note=None):
    """inputs: list of tensors / python values. grad: list of bools (which inputs get gradients).
    log_softmax: {input index: dim} -> that input is a leaf whose log_softmax is passed.
    torch_fn(*inputs64) computes the loss in float64."""
    options = options or {}
    grad = grad or [False] * len(inputs)
    leaves = []
    call_args = []
    for i, x in enumerate(inputs):
        if isinstance(x, torch.Tensor) and x.is_floating_point():
            leaf = x.detach().double().requires_grad_(bool(grad[i]))
            leaves.append(leaf)
            v = leaf.log_softmax(log_softmax[i]) if log_softmax and i in log_softmax else leaf
            call_args.append(v)
        elif isinstance(x, torch.Tensor):
            leaves.append(x)
            call_args.append(x.long() if x.dtype == torch.int32 else x)
        else:
            leaves.append(x)
            call_args.append(x)
    out = torch_fn(*call_args)
    g_out = torch.randn(out.shape, dtype=torch.float64).float().double()
    if any(grad):
        (out * g_out).sum().backward()
    enc_inputs = []
    for i, x in enumerate(inputs):
        if isinstance(x, torch.Tensor):
            extra = {}
            if grad[i]:
                extra["requiresGrad"] = True
            if log_softmax and i in log_softmax:
                extra["logSoftmaxDim"] = log_softmax[i]
            enc_inputs.append(enc(x, **extra))
        else:
            enc_inputs.append(x)
    c = {
        "id": f"{module}/{cid}",
        "module": module,
        "fn": fn,
        "options": opt_enc(options),
        "inputs": enc_inputs,
        "output": enc(out),
        "gradOutput": enc(g_out) if any(grad) else None,
        "inputGrads": [enc(leaves[i].grad) if grad[i] else None for i in range(len(inputs))],
        "tolerance": tol or {"rtol": 1e-4, "atol": 1e-5},
    }
    if module_only:
        c["fn"] = None
    if fn_only:
        c["module"] = None
        c["id"] = f"{fn}/{cid}"
    if note:
        c["note"] = note
    CASES.append(c)


def err(cid, module, fn, torch_fn, inputs, options=None, expect=None, construct=False, pytorch_raises=True):
    """An input PyTorch rejects (or, where pytorch_raises is False, one Kindling rejects on purpose)."""
    options = options or {}
    msg = None
    if pytorch_raises:
        try:
            torch_fn(*[x.long() if isinstance(x, torch.Tensor) and x.dtype == torch.int32 else x for x in inputs])
        except Exception as e:  # noqa: BLE001
            msg = str(e).split("\n")[0]
        assert msg is not None, f"expected PyTorch to raise for {module}/{cid}"
    CASES.append({
        "id": f"{module or fn}/error/{cid}",
        "module": module,
        "fn": fn,
        "options": opt_enc(options),
        "inputs": [enc(x) if isinstance(x, torch.Tensor) else x for x in inputs],
        "error": msg if msg is not None else "(Kindling-only check)",
        "expect": expect,
        "construct": construct,
    })


def red_opts(r):
    return {} if r == "mean" else {"reduction": r}


REDS = ["none", "mean", "sum"]

# ---------------------------------------------------------------- regression losses
for r in REDS:
    for shape in [(3, 4), (2, 3, 2, 2)]:
        x, y = f32(*shape), f32(*shape)
        tag = f"{r}_{len(shape)}d"
        case(tag, "L1Loss", "l1Loss", lambda a, b, r=r: F.l1_loss(a, b, reduction=r), [x, y], red_opts(r), [True, True])
        case(tag, "MSELoss", "mseLoss", lambda a, b, r=r: F.mse_loss(a, b, reduction=r), [x, y], red_opts(r), [True, True])
# ties (zero difference) give a zero L1 gradient
x = f32_of([1.0, 2.0, -3.0, 0.5])
case("ties", "L1Loss", "l1Loss", lambda a, b: F.l1_loss(a, b, reduction="sum"), [x, x.clone()], {"reduction": "sum"}, [True, False])
# broadcast target (PyTorch warns and broadcasts)
x, y = f32(3, 4), f32(4)
case("broadcast_target", "MSELoss", "mseLoss", lambda a, b: F.mse_loss(a, b), [x, y], {}, [True, True])
# legacy keywords
x, y = f32(3, 4), f32(3, 4)
case("legacy_size_average_false", "MSELoss", "mseLoss", lambda a, b: F.mse_loss(a, b, size_average=False), [x, y],
     {"sizeAverage": False}, [True, False])
case("legacy_reduce_false", "L1Loss", "l1Loss", lambda a, b: F.l1_loss(a, b, reduce=False), [x, y], {"reduce": False},
     [True, False])

for beta in [1.0, 0.5, 0.0, 2.0]:
    for r in REDS:
        x, y = f32(4, 5, scale=1.5), f32(4, 5, scale=1.5)
        case(f"beta{beta}_{r}", "SmoothL1Loss", "smoothL1Loss",
             lambda a, b, r=r, beta=beta: F.smooth_l1_loss(a, b, reduction=r, beta=beta), [x, y],
             {**red_opts(r), "beta": beta}, [True, True])
for delta in [1.0, 0.3, 2.5]:
    for r in REDS:
        x, y = f32(2, 3, 4, scale=1.5), f32(2, 3, 4, scale=1.5)
        case(f"delta{delta}_{r}", "HuberLoss", "huberLoss",
             lambda a, b, r=r, delta=delta: F.huber_loss(a, b, reduction=r, delta=delta), [x, y],
             {**red_opts(r), "delta": delta}, [True, True])

err("negative_beta", "SmoothL1Loss", "smoothL1Loss", lambda a, b: F.smooth_l1_loss(a, b, beta=-1.0),
    [f32(3), f32(3)], {"beta": -1.0}, expect="beta", construct=True)
err("nonpositive_delta", "HuberLoss", "huberLoss", lambda a, b: F.huber_loss(a, b, delta=0.0),
    [f32(3), f32(3)], {"delta": 0.0}, expect="delta", construct=True)
err("unknown_reduction", "L1Loss", "l1Loss", lambda a, b: F.l1_loss(a, b, reduction="avg"), [f32(3), f32(3)],
    {"reduction": "avg"}, expect="reduction", construct=True)
err("shape_mismatch", "MSELoss", "mseLoss", lambda a, b: F.mse_loss(a, b), [f32(3, 4), f32(3, 5)], {},
    expect="size")

# ---------------------------------------------------------------- NLL / cross-entropy
def ce(r="mean", **kw):
    return lambda a, b: F.cross_entropy(a, b, reduction=r, **kw)


def nll(r="mean", **kw):
    return lambda a, b: F.nll_loss(a, b, reduction=r, **kw)


def tgt(shape, C, ignore=None, ignore_frac=0.0):
    t = torch.randint(0, C, shape)
    if ignore is not None and ignore_frac > 0:
        m = torch.rand(shape) < ignore_frac
        m.reshape(-1)[0] = True
        t = t.masked_fill(m, ignore)
    return t.int()


C = 4
w4 = f32(C, lo=0.2, hi=2.0)
for r in REDS:
    x = f32(5, C, scale=2)
    t = tgt((5,), C)
    case(f"basic_{r}", "CrossEntropyLoss", "crossEntropy", ce(r), [x, t], red_opts(r), [True, False])
    lp = f32(5, C).log_softmax(1)
    case(f"basic_{r}", "NLLLoss", "nllLoss", nll(r), [lp, t], red_opts(r), [True, False])
    # weights
    case(f"weight_{r}", "CrossEntropyLoss", "crossEntropy", ce(r, weight=w4.double()), [x, t],
         {**red_opts(r), "weight": w4}, [True, False])
    case(f"weight_{r}", "NLLLoss", "nllLoss", nll(r, weight=w4.double()), [lp, t], {**red_opts(r), "weight": w4},
         [True, False])
    # ignore_index (default and custom), with weights
    t_ign = tgt((6,), C, -100, 0.4)
    x6 = f32(6, C, scale=2)
    case(f"ignore_default_{r}", "CrossEntropyLoss", "crossEntropy", ce(r), [x6, t_ign], red_opts(r), [True, False])
    t_ign1 = tgt((6,), C, 1, 0.4)
    case(f"ignore1_weight_{r}", "CrossEntropyLoss", "crossEntropy", ce(r, weight=w4.double(), ignore_index=1),
         [x6, t_ign1], {**red_opts(r), "weight": w4, "ignoreIndex": 1}, [True, False])
    case(f"ignore1_weight_{r}", "NLLLoss", "nllLoss", nll(r, weight=w4.double(), ignore_index=1),
         [x6.log_softmax(1), t_ign1], {**red_opts(r), "weight": w4, "ignoreIndex": 1}, [True, False])
    # K-dim: (N, C, d1) and (N, C, d1, d2) and (N, C, d1, d2, d3)
    for shp in [(2, C, 5), (2, C, 3, 2), (2, C, 2, 2, 2)]:
        xk = f32(*shp, scale=2)
        tk = tgt((shp[0],) + shp[2:], C, -100, 0.2)
        tag = "kdim" + "x".join(map(str, shp[2:]))
        case(f"{tag}_{r}", "CrossEntropyLoss", "crossEntropy", ce(r), [xk, tk], red_opts(r), [True, False])
        case(f"{tag}_weight_{r}", "NLLLoss", "nllLoss", nll(r, weight=w4.double()), [xk.log_softmax(1), tk],
             {**red_opts(r), "weight": w4}, [True, False])
    # label smoothing, alone and with weight + ignore_index, flat and K-dim
    for ls in [0.1, 0.35]:
        case(f"ls{ls}_{r}", "CrossEntropyLoss", "crossEntropy", ce(r, label_smoothing=ls), [x, t],
             {**red_opts(r), "labelSmoothing": ls}, [True, False])
        case(f"ls{ls}_weight_ignore_{r}", "CrossEntropyLoss", "crossEntropy",
             ce(r, label_smoothing=ls, weight=w4.double(), ignore_index=2),
             [x6, tgt((6,), C, 2, 0.4)], {**red_opts(r), "labelSmoothing": ls, "weight": w4, "ignoreIndex": 2},
             [True, False])
        xk = f32(2, C, 3, 2, scale=2)
        case(f"ls{ls}_kdim_weight_ignore_{r}", "CrossEntropyLoss", "crossEntropy",
             ce(r, label_smoothing=ls, weight=w4.double()), [xk, tgt((2, 3, 2), C, -100, 0.3)],
             {**red_opts(r), "labelSmoothing": ls, "weight": w4}, [True, False])
    # class probabilities
    xp = f32(4, 5, scale=2)
    p = torch.softmax(f32(4, 5), 1)
    case(f"probs_{r}", "CrossEntropyLoss", "crossEntropy", ce(r), [xp, p], red_opts(r), [True, True])
    w5 = f32(5, lo=0.2, hi=2.0)
    case(f"probs_weight_ls_{r}", "CrossEntropyLoss", "crossEntropy", ce(r, weight=w5.double(), label_smoothing=0.2),
         [xp, p], {**red_opts(r), "weight": w5, "labelSmoothing": 0.2}, [True, True])
    xpk = f32(2, 3, 4, 2)
    case(f"probs_kdim_{r}", "CrossEntropyLoss", "crossEntropy", ce(r), [xpk, torch.softmax(f32(2, 3, 4, 2), 1)],
         red_opts(r), [True, False])
    # unbatched
    xu = f32(C, scale=2)
    case(f"unbatched_{r}", "CrossEntropyLoss", "crossEntropy", ce(r, weight=w4.double(), label_smoothing=0.1),
         [xu, torch.tensor(2).int()], {**red_opts(r), "weight": w4, "labelSmoothing": 0.1}, [True, False])
    case(f"unbatched_{r}", "NLLLoss", "nllLoss", nll(r), [xu.log_softmax(0), torch.tensor(3).int()], red_opts(r),
         [True, False])

# numerically extreme logits: finite losses and gradients
xh = f32_of([[1e4, -1e4, 0.0], [-3e4, 2e4, 1e4], [5e3, 5e3, -5e3]])
case("huge_logits", "CrossEntropyLoss", "crossEntropy", ce("none", label_smoothing=0.1), [xh, torch.tensor([1, 0, 2]).int()],
     {"reduction": "none", "labelSmoothing": 0.1}, [True, False])
# every target ignored: 0 / 0 = nan (mean), 0 (sum)
xa = f32(3, C)
case("all_ignored_mean", "CrossEntropyLoss", "crossEntropy", ce("mean"), [xa, torch.full((3,), -100).int()], {},
     [False, False])
case("all_ignored_sum", "NLLLoss", "nllLoss", nll("sum"), [xa, torch.full((3,), -100).int()], {"reduction": "sum"},
     [True, False])
case("legacy_size_average_false", "NLLLoss", "nllLoss", lambda a, b: F.nll_loss(a, b, size_average=False),
     [f32(5, C), tgt((5,), C)], {"sizeAverage": False}, [True, False])

err("target_out_of_bounds", "CrossEntropyLoss", "crossEntropy", ce(), [f32(3, C), torch.tensor([0, 5, 1]).int()],
    expect="Target 5 is out of bounds.")
err("target_out_of_bounds", "NLLLoss", "nllLoss", nll(), [f32(3, C), torch.tensor([0, 5, 1]).int()],
    expect="Target 5 is out of bounds.")
err("negative_target", "NLLLoss", "nllLoss", nll(), [f32(3, C), torch.tensor([0, -1, 1]).int()],
    expect="Target -1 is out of bounds.")
err("target_out_of_bounds_kdim", "CrossEntropyLoss", "crossEntropy", ce(),
    [f32(2, C, 3), torch.tensor([[0, 1, 2], [3, 5, 0]]).int()], expect="Target 5 is out of bounds.")
err("float_class_target", "CrossEntropyLoss", "crossEntropy", ce(), [f32(3, C), f32_of([0.0, 1.0, 1.0])],
    expect="int32")
err("float_class_target", "NLLLoss", "nllLoss", nll(), [f32(3, C), f32_of([0.0, 1.0, 1.0])], expect="int32")
err("batch_mismatch", "CrossEntropyLoss", "crossEntropy", ce(), [f32(3, C), torch.tensor([0, 1]).int()],
    expect="batch_size")
err("kdim_shape_mismatch", "NLLLoss", "nllLoss", nll(), [f32(2, C, 3), torch.zeros(2, 4).int()], expect="target size")
err("weight_length", "CrossEntropyLoss", "crossEntropy", ce(weight=torch.ones(3, dtype=torch.float64)),
    [f32(3, C), torch.tensor([0, 1, 2]).int()], {"weight": torch.ones(3)}, expect="weight")
err("weight_length", "NLLLoss", "nllLoss", nll(weight=torch.ones(5, dtype=torch.float64)),
    [f32(3, C), torch.tensor([0, 1, 2]).int()], {"weight": torch.ones(5)}, expect="weight")
err("label_smoothing_above_1", "CrossEntropyLoss", "crossEntropy", ce(label_smoothing=1.5),
    [f32(3, C), torch.tensor([0, 1, 2]).int()], {"labelSmoothing": 1.5}, expect="label_smoothing", construct=True)
err("label_smoothing_negative", "CrossEntropyLoss", "crossEntropy", None, [f32(3, C), torch.tensor([0, 1, 2]).int()],
    {"labelSmoothing": -0.1}, expect="label_smoothing", construct=True, pytorch_raises=False)
err("unknown_reduction", "CrossEntropyLoss", "crossEntropy", ce(r="batchmean"), [f32(3, C), torch.tensor([0, 1, 2]).int()],
    {"reduction": "batchmean"}, expect="reduction", construct=True)
err("probs_with_ignore_index", "CrossEntropyLoss", "crossEntropy", ce(ignore_index=1),
    [f32(3, C), torch.softmax(f32(3, C), 1)], {"ignoreIndex": 1}, expect="ignore_index")

# ---------------------------------------------------------------- KL divergence
for r in ["none", "mean", "sum", "batchmean"]:
    for log_target in [False, True]:
        x = torch.log_softmax(f32(4, 5), 1)
        y = torch.softmax(f32(4, 5), 1)
        if log_target:
            y = y.log()
        case(f"{r}_logtarget{int(log_target)}", "KLDivLoss", "klDiv",
             lambda a, b, r=r, lt=log_target: F.kl_div(a, b, reduction=r, log_target=lt), [x, y],
             {**red_opts(r), "logTarget": log_target}, [True, True])
y0 = torch.softmax(f32(3, 4), 1)
y0[0, 1] = 0.0
y0[2, 3] = 0.0
case("zero_target_entries", "KLDivLoss", "klDiv", lambda a, b: F.kl_div(a, b, reduction="batchmean"),
     [torch.log_softmax(f32(3, 4), 1), y0], {"reduction": "batchmean"}, [True, False])
case("batchmean_3d", "KLDivLoss", "klDiv", lambda a, b: F.kl_div(a, b, reduction="batchmean"),
     [torch.log_softmax(f32(2, 3, 4), 2), torch.softmax(f32(2, 3, 4), 2)], {"reduction": "batchmean"}, [True, True])

# ---------------------------------------------------------------- binary cross-entropy
for r in REDS:
    x = f32(4, 3, lo=0.02, hi=0.98)
    y = (torch.rand(4, 3) > 0.5).float()
    case(f"{r}", "BCELoss", "binaryCrossEntropy", lambda a, b, r=r: F.binary_cross_entropy(a, b, reduction=r), [x, y],
         red_opts(r), [True, False])
    w3 = f32(3, lo=0.5, hi=2.0)
    ys = f32(4, 3, lo=0.0, hi=1.0)
    case(f"weight_soft_targets_{r}", "BCELoss", "binaryCrossEntropy",
         lambda a, b, r=r, w=w3: F.binary_cross_entropy(a, b, weight=w.double(), reduction=r), [x, ys],
         {**red_opts(r), "weight": w3}, [True, True])
    xl = f32(4, 3, scale=3)
    case(f"{r}", "BCEWithLogitsLoss", "binaryCrossEntropyWithLogits",
         lambda a, b, r=r: F.binary_cross_entropy_with_logits(a, b, reduction=r), [xl, ys], red_opts(r), [True, True])
    pw = f32(3, lo=0.5, hi=3.0)
    case(f"pos_weight_weight_{r}", "BCEWithLogitsLoss", "binaryCrossEntropyWithLogits",
         lambda a, b, r=r, w=w3, pw=pw: F.binary_cross_entropy_with_logits(a, b, weight=w.double(),
                                                                            pos_weight=pw.double(), reduction=r),
         [xl, ys], {**red_opts(r), "weight": w3, "posWeight": pw}, [True, True])
# probabilities of exactly 0 and 1: log clamped at -100, finite gradients
xe = f32_of([0.0, 1.0, 0.0, 1.0, 0.5, 1e-30])
ye = f32_of([0.0, 1.0, 1.0, 0.0, 1.0, 1.0])
case("extremes", "BCELoss", "binaryCrossEntropy", lambda a, b: F.binary_cross_entropy(a, b, reduction="none"), [xe, ye],
     {"reduction": "none"}, [True, False])
xh = f32_of([-1e4, -100.0, -20.0, 0.0, 0.0, 20.0, 100.0, 1e4])
yh = f32_of([1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0])
case("huge_logits", "BCEWithLogitsLoss", "binaryCrossEntropyWithLogits",
     lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction="none"), [xh, yh], {"reduction": "none"},
     [True, False])
case("huge_logits_pos_weight", "BCEWithLogitsLoss", "binaryCrossEntropyWithLogits",
     lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=torch.tensor([2.5], dtype=torch.float64)),
     [xh, yh], {"posWeight": f32_of([2.5])}, [True, True])
err("input_outside_0_1", "BCELoss", "binaryCrossEntropy", lambda a, b: F.binary_cross_entropy(a, b),
    [f32_of([0.5, 1.5]), f32_of([0.0, 1.0])], expect="between 0 and 1")
err("shape_mismatch", "BCELoss", "binaryCrossEntropy", lambda a, b: F.binary_cross_entropy(a, b),
    [f32(3, lo=0.1, hi=0.9), f32(3, 1, lo=0.1, hi=0.9)], expect="size")
err("shape_mismatch", "BCEWithLogitsLoss", "binaryCrossEntropyWithLogits",
    lambda a, b: F.binary_cross_entropy_with_logits(a, b), [f32(3), f32(4)], expect="size")

# ---------------------------------------------------------------- Poisson / Gaussian NLL
for r in REDS:
    for log_input in [True, False]:
        for full in [False, True]:
            x = f32(3, 4) if log_input else f32(3, 4, lo=0.1, hi=3.0)
            y = torch.poisson(torch.full((3, 4), 2.0)).float()
            case(f"log{int(log_input)}_full{int(full)}_{r}", "PoissonNLLLoss", "poissonNllLoss",
                 lambda a, b, r=r, li=log_input, fu=full: F.poisson_nll_loss(a, b, log_input=li, full=fu, reduction=r),
                 [x, y], {**red_opts(r), "logInput": log_input, "full": full}, [True, False])
case("eps", "PoissonNLLLoss", "poissonNllLoss",
     lambda a, b: F.poisson_nll_loss(a, b, log_input=False, eps=0.5), [f32_of([0.0, 1.0, 2.0]), f32_of([1.0, 0.0, 3.0])],
     {"logInput": False, "eps": 0.5}, [True, False])

for r in REDS:
    for full in [False, True]:
        x, y = f32(4, 3), f32(4, 3)
        v = f32(4, 3, lo=0.1, hi=2.0)
        case(f"same_shape_full{int(full)}_{r}", "GaussianNLLLoss", "gaussianNllLoss",
             lambda a, b, c, r=r, fu=full: F.gaussian_nll_loss(a, b, c, full=fu, reduction=r), [x, y, v],
             {"full": full, **red_opts(r)}, [True, True, True])
x, y = f32(4, 3), f32(4, 3)
case("var_one_dim_less", "GaussianNLLLoss", "gaussianNllLoss", lambda a, b, c: F.gaussian_nll_loss(a, b, c),
     [x, y, f32(4, lo=0.1, hi=2.0)], {}, [True, True, True])
case("var_last_dim_1", "GaussianNLLLoss", "gaussianNllLoss", lambda a, b, c: F.gaussian_nll_loss(a, b, c, reduction="none"),
     [f32(2, 3, 4), f32(2, 3, 4), f32(2, 3, 1, lo=0.1, hi=2.0)], {"reduction": "none"}, [True, True, True])
case("eps_clamp_straight_through", "GaussianNLLLoss", "gaussianNllLoss",
     lambda a, b, c: F.gaussian_nll_loss(a, b, c, eps=0.01, reduction="sum"),
     [f32(5), f32(5), f32_of([1e-4, 0.0, 0.5, 0.005, 2.0])], {"eps": 0.01, "reduction": "sum"}, [True, True, True])
err("var_incorrect_size", "GaussianNLLLoss", "gaussianNllLoss", lambda a, b, c: F.gaussian_nll_loss(a, b, c),
    [f32(4, 3), f32(4, 3), f32(3, lo=0.1, hi=1.0)], expect="var")
err("var_negative", "GaussianNLLLoss", "gaussianNllLoss", lambda a, b, c: F.gaussian_nll_loss(a, b, c),
    [f32(3), f32(3), f32_of([0.5, -0.1, 1.0])], expect="negative")

# ---------------------------------------------------------------- margin losses
for r in REDS:
    for margin in [0.0, 0.5]:
        a, b = f32(6), f32(6)
        y = torch.tensor([1.0, -1, 1, -1, 1, -1])
        case(f"margin{margin}_{r}", "MarginRankingLoss", "marginRankingLoss",
             lambda p, q, t, r=r, m=margin: F.margin_ranking_loss(p, q, t, margin=m, reduction=r), [a, b, y],
             {**red_opts(r), "margin": margin}, [True, True, False])
    for margin in [1.0, 0.5]:
        x = f32(4, 3, scale=1.5)
        y = torch.where(torch.rand(4, 3) > 0.5, 1.0, -1.0)
        case(f"margin{margin}_{r}", "HingeEmbeddingLoss", "hingeEmbeddingLoss",
             lambda p, t, r=r, m=margin: F.hinge_embedding_loss(p, t, margin=m, reduction=r), [x, y],
             {**red_opts(r), "margin": margin}, [True, False])
    x = f32(4, 3, scale=2)
    y = torch.where(torch.rand(4, 3) > 0.5, 1.0, -1.0)
    case(f"{r}", "SoftMarginLoss", "softMarginLoss", lambda p, t, r=r: F.soft_margin_loss(p, t, reduction=r), [x, y],
         red_opts(r), [True, False])
    x = f32(4, 5, scale=2)
    y = (torch.rand(4, 5) > 0.5).float()
    case(f"{r}", "MultiLabelSoftMarginLoss", "multilabelSoftMarginLoss",
         lambda p, t, r=r: F.multilabel_soft_margin_loss(p, t, reduction=r), [x, y], red_opts(r), [True, False])
    w5 = f32(5, lo=0.2, hi=2)
    case(f"weight_{r}", "MultiLabelSoftMarginLoss", "multilabelSoftMarginLoss",
         lambda p, t, r=r, w=w5: F.multilabel_soft_margin_loss(p, t, weight=w.double(), reduction=r), [x, y],
         {**red_opts(r), "weight": w5}, [True, False])
    for p in [1, 2]:
        for margin in [1.0, 0.4]:
            x = f32(5, 4)
            t = tgt((5,), 4)
            case(f"p{p}_margin{margin}_{r}", "MultiMarginLoss", "multiMarginLoss",
                 lambda a, b, r=r, p=p, m=margin: F.multi_margin_loss(a, b, p=p, margin=m, reduction=r), [x, t],
                 {**red_opts(r), "p": p, "margin": margin}, [True, False])
        w4b = f32(4, lo=0.2, hi=2)
        case(f"p{p}_weight_{r}", "MultiMarginLoss", "multiMarginLoss",
             lambda a, b, r=r, p=p, w=w4b: F.multi_margin_loss(a, b, p=p, weight=w.double(), reduction=r), [x, t],
             {**red_opts(r), "p": p, "weight": w4b}, [True, False])
    case(f"unbatched_{r}", "MultiMarginLoss", "multiMarginLoss",
         lambda a, b, r=r: F.multi_margin_loss(a, b, reduction=r), [f32(5), torch.tensor(3).int()], red_opts(r),
         [True, False])
    x = f32(3, 5)
    yt = torch.tensor([[3, 0, -1, 1, 2], [1, 1, 4, -1, -1], [0, 1, 2, 3, 4]]).int()
    case(f"{r}", "MultiLabelMarginLoss", "multilabelMarginLoss",
         lambda a, b, r=r: F.multilabel_margin_loss(a, b, reduction=r), [x, yt], red_opts(r), [True, False])
    case(f"unbatched_{r}", "MultiLabelMarginLoss", "multilabelMarginLoss",
         lambda a, b, r=r: F.multilabel_margin_loss(a, b, reduction=r), [f32(4), torch.tensor([2, 0, -1, 3]).int()],
         red_opts(r), [True, False])
    for margin in [0.0, 0.3, -0.2]:
        a, b = f32(4, 5), f32(4, 5)
        y = torch.tensor([1.0, -1, -1, 1])
        case(f"margin{margin}_{r}", "CosineEmbeddingLoss", "cosineEmbeddingLoss",
             lambda p, q, t, r=r, m=margin: F.cosine_embedding_loss(p, q, t, margin=m, reduction=r), [a, b, y],
             {**red_opts(r), "margin": margin}, [True, True, False])
    case(f"unbatched_{r}", "CosineEmbeddingLoss", "cosineEmbeddingLoss",
         lambda p, q, t, r=r: F.cosine_embedding_loss(p, q, t, margin=-0.5, reduction=r),
         [f32(5), f32(5), torch.tensor(-1.0)], {**red_opts(r), "margin": -0.5}, [True, True, False])
    for p in [2.0, 1.0, 3.0]:
        for swap in [False, True]:
            a, pp, n = f32(4, 5), f32(4, 5), f32(4, 5)
            case(f"p{p}_swap{int(swap)}_{r}", "TripletMarginLoss", "tripletMarginLoss",
                 lambda x, y, z, r=r, p=p, s=swap: F.triplet_margin_loss(x, y, z, margin=0.7, p=p, swap=s, reduction=r),
                 [a, pp, n], {**red_opts(r), "margin": 0.7, "p": p, "swap": swap}, [True, True, True])
    case(f"eps_unbatched_{r}", "TripletMarginLoss", "tripletMarginLoss",
         lambda x, y, z, r=r: F.triplet_margin_loss(x, y, z, eps=0.1, margin=2.0, reduction=r), [f32(6), f32(6), f32(6)],
         {**red_opts(r), "eps": 0.1, "margin": 2.0}, [True, True, True])
    for swap in [False, True]:
        a, pp, n = f32(4, 5), f32(4, 5), f32(4, 5)
        case(f"default_swap{int(swap)}_{r}", "TripletMarginWithDistanceLoss", "tripletMarginWithDistanceLoss",
             lambda x, y, z, r=r, s=swap: F.triplet_margin_with_distance_loss(x, y, z, swap=s, margin=1.5, reduction=r),
             [a, pp, n], {**red_opts(r), "swap": swap, "margin": 1.5}, [True, True, True])
    case(f"cosine_distance_{r}", "TripletMarginWithDistanceLoss", "tripletMarginWithDistanceLoss",
         lambda x, y, z, r=r: F.triplet_margin_with_distance_loss(
             x, y, z, distance_function=lambda u, v: 1.0 - F.cosine_similarity(u, v), swap=True, reduction=r),
         [f32(4, 5), f32(4, 5), f32(4, 5)], {**red_opts(r), "swap": True, "distanceFunction": "cosine"},
         [True, True, True])
x = f32_of([[-1e4, 2e4], [3.0, -50.0]])
# PyTorch's soft_margin_loss is log1p(exp(-y x)), which overflows to inf here; Kindling computes the
# same function stably (softplus), so the expectation is PyTorch's F.softplus(-y x).
case("huge", "SoftMarginLoss", "softMarginLoss", lambda p, t: F.softplus(-p * t),
     [x, f32_of([[1.0, -1.0], [-1.0, 1.0]])], {"reduction": "none"}, [True, False],
     note="deliberate deviation: stable softplus where PyTorch overflows to inf")
case("huge", "MultiLabelSoftMarginLoss", "multilabelSoftMarginLoss",
     lambda p, t: F.multilabel_soft_margin_loss(p, t, reduction="none"), [x, f32_of([[1.0, 0.0], [0.0, 1.0]])],
     {"reduction": "none"}, [True, False])

err("p3", "MultiMarginLoss", "multiMarginLoss", lambda a, b: F.multi_margin_loss(a, b, p=3),
    [f32(2, 3), torch.tensor([0, 1]).int()], {"p": 3}, expect="p", construct=True)
err("target_out_of_range", "MultiMarginLoss", "multiMarginLoss", lambda a, b: F.multi_margin_loss(a, b),
    [f32(2, 3), torch.tensor([0, 3]).int()], expect="out of range")
err("target_out_of_range", "MultiLabelMarginLoss", "multilabelMarginLoss", lambda a, b: F.multilabel_margin_loss(a, b),
    [f32(2, 3), torch.tensor([[0, 3, -1], [1, -1, 0]]).int()], expect="out of range")
err("inconsistent_target", "MultiLabelMarginLoss", "multilabelMarginLoss", lambda a, b: F.multilabel_margin_loss(a, b),
    [f32(2, 3), torch.tensor([[0, 1], [1, -1]]).int()], expect="size")
err("dims", "MarginRankingLoss", "marginRankingLoss", lambda a, b, c: F.margin_ranking_loss(a, b, c),
    [f32(3), f32(3), f32(3, 1)], expect="dimension")
err("dims", "TripletMarginLoss", "tripletMarginLoss", lambda a, b, c: F.triplet_margin_loss(a, b, c),
    [f32(3, 4), f32(3, 4), f32(4)], expect="dimension")
err("target_2d", "CosineEmbeddingLoss", "cosineEmbeddingLoss", lambda a, b, c: F.cosine_embedding_loss(a, b, c),
    [f32(3, 4), f32(3, 4), torch.ones(3, 1)], expect="target")


# ---------------------------------------------------------------- CTC
def ctc_case(cid, T, B, Cc, targets, in_lens, tgt_lens, opts, lens_as="tensor", tol=None):
    logits = f32(T, B, Cc) if B is not None else f32(T, Cc)
    dim = 2 if B is not None else 1
    r = opts.get("reduction", "mean")
    blank = opts.get("blank", 0)
    zi = opts.get("zeroInfinity", False)

    def fn(lp, tg, il, tl):
        il = torch.tensor(il) if isinstance(il, int) else il
        tl = torch.tensor(tl) if isinstance(tl, int) else tl
        return F.ctc_loss(lp, tg, il, tl, blank=blank, reduction=r, zero_infinity=zi)

    def wrap(v):
        if lens_as == "tensor":
            return torch.tensor(v).int()
        return v
    case(cid, "CTCLoss", "ctcLoss", fn, [logits, targets.int(), wrap(in_lens), wrap(tgt_lens)], opts,
         [True, False, False, False], tol=tol or {"rtol": 1e-3, "atol": 1e-4}, log_softmax={0: dim})


for r in REDS:
    ctc_case(f"padded_{r}", 10, 3, 5, torch.tensor([[1, 2, 2, 3], [4, 1, 0, 0], [3, 3, 3, 0]]), [10, 8, 9], [4, 2, 3],
             red_opts(r))
    ctc_case(f"concat_{r}", 8, 2, 4, torch.tensor([1, 2, 3, 3, 1]), [8, 6], [3, 2], red_opts(r), lens_as="list")
    ctc_case(f"blank3_{r}", 7, 2, 4, torch.tensor([[0, 1, 1], [2, 0, 0]]), [7, 5], [3, 1], {**red_opts(r), "blank": 3})
    ctc_case(f"unbatched_{r}", 9, None, 5, torch.tensor([1, 3, 3, 2]), 9, 4, red_opts(r), lens_as="number")
ctc_case("empty_target_mean", 6, 2, 4, torch.tensor([[1, 2], [0, 0]]), [6, 4], [2, 0], {})
ctc_case("infeasible_zero_infinity_none", 4, 3, 4, torch.tensor([[1, 1, 1], [1, 2, 3], [2, 3, 0]]), [4, 2, 4], [3, 3, 2],
         {"reduction": "none", "zeroInfinity": True})
ctc_case("infeasible_zero_infinity_mean", 4, 2, 4, torch.tensor([[1, 1, 1], [1, 2, 0]]), [4, 4], [3, 2],
         {"zeroInfinity": True})
ctc_case("long_sequence_sum", 60, 2, 6, torch.randint(1, 6, (2, 20)), [60, 45], [20, 15], {"reduction": "sum"})
# repeated labels that do not fit: inf without zeroInfinity (forward only; the gradient is NaN in PyTorch)
lg = f32(4, 1, 3)
case("infeasible_inf", "CTCLoss", "ctcLoss",
     lambda lp, tg, il, tl: F.ctc_loss(lp, tg, il, tl, reduction="none"),
     [lg, torch.tensor([[1, 1, 1]]).int(), torch.tensor([4]).int(), torch.tensor([3]).int()], {"reduction": "none"},
     [False, False, False, False], log_softmax={0: 2}, tol={"rtol": 1e-3, "atol": 1e-4})
err("target_longer_than_input", "CTCLoss", "ctcLoss", None,
    [f32(5, 1, 4).log_softmax(2), torch.tensor([[1, 2, 3]]).int(), torch.tensor([2]).int(), torch.tensor([3]).int()],
    expect="longer than its input", pytorch_raises=False)
err("input_length_above_T", "CTCLoss", "ctcLoss",
    lambda lp, tg, il, tl: F.ctc_loss(lp, tg, il, tl),
    [f32(5, 1, 4).log_softmax(2), torch.tensor([[1, 2]]).int(), torch.tensor([6]).int(), torch.tensor([2]).int()],
    expect="at most")
err("padded_targets_too_short", "CTCLoss", "ctcLoss",
    lambda lp, tg, il, tl: F.ctc_loss(lp, tg, il, tl),
    [f32(6, 2, 4).log_softmax(2), torch.tensor([[1, 2], [1, 1]]).int(), torch.tensor([6, 6]).int(),
     torch.tensor([3, 2]).int()], expect="at least")
err("blank_out_of_range", "CTCLoss", "ctcLoss",
    lambda lp, tg, il, tl: F.ctc_loss(lp, tg, il, tl, blank=4),
    [f32(5, 1, 4).log_softmax(2), torch.tensor([[1, 2]]).int(), torch.tensor([5]).int(), torch.tensor([2]).int()],
    {"blank": 4}, expect="blank")
err("unknown_reduction", "CTCLoss", "ctcLoss",
    lambda lp, tg, il, tl: F.ctc_loss(lp, tg, il, tl, reduction="max"),
    [f32(5, 1, 4).log_softmax(2), torch.tensor([[1, 2]]).int(), torch.tensor([5]).int(), torch.tensor([2]).int()],
    {"reduction": "max"}, expect="reduction", construct=True)


# ---------------------------------------------------------------- AdaptiveLogSoftmaxWithLoss
ASM = []


def asm_case(cid, in_f, n_cls, cutoffs, div_value, head_bias, batch, unbatched=False):
    m = nn.AdaptiveLogSoftmaxWithLoss(in_f, n_cls, cutoffs, div_value=div_value, head_bias=head_bias).double()
    x = f32(in_f) if unbatched else f32(batch, in_f)
    t = torch.randint(0, n_cls, () if unbatched else (batch,))
    xd = x.double().requires_grad_(True)
    out = m(xd, t)
    g_out = torch.randn(out.output.shape, dtype=torch.float64).float().double()
    g_loss = torch.randn((), dtype=torch.float64).float().double()
    ((out.output * g_out).sum() + out.loss * g_loss).backward()
    xin = f32(5, in_f)
    with torch.no_grad():
        lp = m.log_prob(xin.double())
        pred = m.predict(xin.double())
    ASM.append({
        "id": f"AdaptiveLogSoftmaxWithLoss/{cid}",
        "args": [in_f, n_cls, cutoffs],
        "options": {"divValue": div_value, "headBias": head_bias},
        "stateKeys": list(m.state_dict().keys()),
        "state": {k: enc(v) for k, v in m.state_dict().items()},
        "input": enc(x, requiresGrad=True),
        "target": enc(t.int()),
        "output": enc(out.output),
        "loss": enc(out.loss),
        "gradOutput": enc(g_out),
        "gradLoss": enc(g_loss),
        "inputGrad": enc(xd.grad),
        "paramGrads": {k: enc(p.grad) for k, p in m.named_parameters()},
        "logProbInput": enc(xin),
        "logProb": enc(lp),
        "predict": enc(pred.int()),
    })


asm_case("basic", 8, 10, [4, 8], 2.0, False, 6)
asm_case("head_bias_div4", 16, 20, [5, 12, 17], 4.0, True, 12)
asm_case("unbatched", 8, 10, [3], 2.0, False, None, unbatched=True)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES, "adaptive": ASM}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases and {len(ASM)} adaptive cases to {os.path.relpath(OUT)}")
