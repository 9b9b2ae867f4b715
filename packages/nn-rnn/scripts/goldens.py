#!/usr/bin/env python3
"""PyTorch goldens for @kindling/nn-rnn.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 packages/nn-rnn/scripts/goldens.py

Writes packages/nn-rnn/test/goldens/rnn.json (deterministic; PyTorch 1.13). Three kinds of case:

- ``module``: a recurrent module (``module``, ``args``, ``options`` camelCase as Kindling takes
  them) with its state dict (``state``, keys in PyTorch's order), ``mode`` (train/eval), the input
  (``input``: a padded tensor, or ``{"packed": {...}}`` = pack_padded_sequence(padded, lengths,
  batchFirst, enforceSorted) of a padded leaf), the initial state (``hx``: null, a tensor or a
  pair), PyTorch's ``outputs`` ([output, hN] or [output, [hN, cN]]; a packed output is
  ``{"data", "batchSizes", "sortedIndices", "unsortedIndices"}``), the output gradients
  (``gradOutputs``, same nesting; for a packed output the gradient of its data), and the
  gradients of the padded input, of hx (``inputGrads``) and of every parameter (``paramGrads``).
- ``fn``: a packing utility (``fn``, ``args``, ``options``) with its outputs and, where the
  input is differentiable, the gradient of sum(out · gradOut) w.r.t. it.
- ``error``: a call that must throw; ``error`` is PyTorch's message (or ours, with
  ``ours: true``, where PyTorch 1.13 does not raise); the test checks that Kindling throws a
  message containing it and changes nothing.

Inputs and weights are float32-representable; expectations are computed in float64 and rounded
to float32, as the parity suite does. Tensors: {"shape", "dtype": float32|int32, "data"}.
"""

from __future__ import annotations

import json
import math
import os
import re
import warnings

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import (
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
    unpack_sequence,
    unpad_sequence,
)

warnings.filterwarnings("ignore")
torch.manual_seed(20240611)
torch.set_default_dtype(torch.float32)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "goldens", "rnn.json")


def num(v: float):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    v = float(str(np.float32(v)))  # shortest decimal that rounds to the same float32
    return int(v) if v.is_integer() and abs(v) < 1e15 else v


def enc(t):
    if t is None:
        return None
    if isinstance(t, (list, tuple)):
        return [enc(x) for x in t]
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        return {"shape": list(t.shape), "dtype": "int32", "data": [int(x) for x in t.reshape(-1).tolist()]}
    return {"shape": list(t.shape), "dtype": "float32", "data": [num(x) for x in t.reshape(-1).tolist()]}


def f32(*shape, scale=1.0):
    """float32 values with 3 decimals (float32-representable by construction after rounding)."""
    return torch.round(torch.randn(*shape) * scale * 1000) / 1000


def snake(k: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), k)


CASES: list[dict] = []


def seq_sum(outs, grads):
    loss = 0
    for o, g in zip(outs, grads):
        loss = loss + (o * g).sum()
    return loss


def flat_tensors(x):
    if isinstance(x, torch.Tensor):
        return [x]
    out = []
    for v in x:
        out += flat_tensors(v)
    return out


def module_case(cid, cls, args, options, x, hx=None, packed=None, mode="train", note=None):
    """x: the padded input (float32). packed: dict(lengths, batchFirst, enforceSorted) or None."""
    kw = {snake(k): v for k, v in options.items()}
    m32 = getattr(nn, cls)(*args, **kw)
    # weights with 3 decimals so they are float32-representable and the JSON stays small
    with torch.no_grad():
        for p in m32.parameters():
            p.copy_(torch.round(p * 1000) / 1000)
    state = {k: v.clone() for k, v in m32.state_dict().items()}
    m = m32.double()
    m.train(mode == "train")

    x64 = x.double().requires_grad_(True)
    hx64 = None
    if hx is not None:
        hx64 = tuple(h.double().requires_grad_(True) for h in hx) if isinstance(hx, (list, tuple)) else hx.double().requires_grad_(True)
    if packed:
        inp = pack_padded_sequence(x64, torch.tensor(packed["lengths"]), batch_first=packed.get("batchFirst", False), enforce_sorted=packed.get("enforceSorted", True))
    else:
        inp = x64
    out, hidden = m(inp, hx64) if hx64 is not None else m(inp)
    out_t = out.data if packed else out
    hid = list(hidden) if isinstance(hidden, tuple) else [hidden]
    g_out = f32(*out_t.shape).double()
    g_hid = [f32(*h.shape).double() for h in hid]
    loss = seq_sum([out_t] + hid, [g_out] + g_hid)
    leaves = [x64] + (list(hx64) if isinstance(hx64, tuple) else [hx64] if hx64 is not None else [])
    params = list(m.named_parameters())
    grads = torch.autograd.grad(loss, leaves + [p for _, p in params], allow_unused=True)
    gx = grads[: len(leaves)]
    gp = grads[len(leaves):]

    def hidden_enc(h):
        return enc(h) if isinstance(h, torch.Tensor) else [enc(v) for v in h]

    if packed:
        outputs_out = {
            "data": enc(out.data),
            "batchSizes": enc(out.batch_sizes),
            "sortedIndices": enc(out.sorted_indices),
            "unsortedIndices": enc(out.unsorted_indices),
        }
    else:
        outputs_out = enc(out)
    case = {
        "kind": "module",
        "id": cid,
        "torch": f"nn.{cls}({', '.join([str(a) for a in args] + [f'{k}={v!r}' for k, v in kw.items()])})",
        "module": cls,
        "args": args,
        "options": options,
        "mode": mode,
        "stateKeys": list(state.keys()),
        "state": {k: enc(v) for k, v in state.items()},
        "input": {"packed": {"padded": enc(x), **packed}} if packed else enc(x),
        "hx": None if hx is None else hidden_enc(hx),
        "outputs": [outputs_out, hidden_enc(hidden)],
        "gradOutputs": [enc(g_out), hidden_enc(tuple(g_hid)) if isinstance(hidden, tuple) else enc(g_hid[0])],
        "inputGrads": {
            "input": enc(gx[0]),
            "hx": None if hx is None else ([enc(g) for g in gx[1:]] if isinstance(hx, (list, tuple)) else enc(gx[1])),
        },
        "paramGrads": {k: enc(g) for (k, _), g in zip(params, gp)},
    }
    if note:
        case["note"] = note
    CASES.append(case)


def cell_case(cid, cls, args, options, x, hx=None):
    kw = {snake(k): v for k, v in options.items()}
    m32 = getattr(nn, cls)(*args, **kw)
    with torch.no_grad():
        for p in m32.parameters():
            p.copy_(torch.round(p * 1000) / 1000)
    state = {k: v.clone() for k, v in m32.state_dict().items()}
    m = m32.double()
    x64 = x.double().requires_grad_(True)
    hx64 = None
    if hx is not None:
        hx64 = tuple(h.double().requires_grad_(True) for h in hx) if isinstance(hx, (list, tuple)) else hx.double().requires_grad_(True)
    out = m(x64, hx64) if hx64 is not None else m(x64)
    outs = list(out) if isinstance(out, tuple) else [out]
    gs = [f32(*o.shape).double() for o in outs]
    loss = seq_sum(outs, gs)
    leaves = [x64] + (list(hx64) if isinstance(hx64, tuple) else [hx64] if hx64 is not None else [])
    params = list(m.named_parameters())
    grads = torch.autograd.grad(loss, leaves + [p for _, p in params], allow_unused=True)
    CASES.append({
        "kind": "cell",
        "id": cid,
        "torch": f"nn.{cls}({', '.join([str(a) for a in args] + [f'{k}={v!r}' for k, v in kw.items()])})",
        "module": cls,
        "args": args,
        "options": options,
        "stateKeys": list(state.keys()),
        "state": {k: enc(v) for k, v in state.items()},
        "input": enc(x),
        "hx": None if hx is None else enc(hx),
        "outputs": enc(tuple(outs)) if isinstance(out, tuple) else enc(out),
        "gradOutputs": enc(tuple(gs)) if isinstance(out, tuple) else enc(gs[0]),
        "inputGrads": {"input": enc(grads[0]), "hx": None if hx is None else ([enc(g) for g in grads[1:len(leaves)]] if isinstance(hx, (list, tuple)) else enc(grads[1]))},
        "paramGrads": {k: enc(g) for (k, _), g in zip(params, grads[len(leaves):])},
    })


def fn_case(cid, fn, args, options, call, diff=None):
    """call() returns the outputs (tensor / list / tuple / PackedSequence); diff: the leaf."""
    out = call()
    if hasattr(out, "batch_sizes"):
        outs = {"data": out.data, "batchSizes": out.batch_sizes, "sortedIndices": out.sorted_indices, "unsortedIndices": out.unsorted_indices}
        flt = [out.data]
    else:
        outs = out
        flt = [t for t in flat_tensors(out) if t.is_floating_point()]
    case = {"kind": "fn", "id": cid, "fn": fn, "args": args, "options": options}
    if isinstance(outs, dict):
        case["outputs"] = {k: enc(v) for k, v in outs.items()}
    else:
        case["outputs"] = enc(outs)
    if diff is not None:
        gs = [f32(*t.shape).double() for t in flt]
        (g,) = torch.autograd.grad(seq_sum(flt, gs), [diff])
        case["gradOutputs"] = [enc(t) for t in gs]
        case["inputGrad"] = enc(g)
    CASES.append(case)


def error_case(cid, target, call, kindling, ours=None):
    """kindling: how the test makes the call ({"module", "args", "options", "input", "hx"} or {"fn", ...})."""
    if ours is not None:
        msg = ours
    else:
        try:
            call()
        except Exception as e:  # noqa: BLE001
            msg = str(e).split("\n")[0]
        else:
            raise SystemExit(f"{cid}: PyTorch did not raise")
    CASES.append({"kind": "error", "id": cid, "target": target, **kindling, "error": msg, **({"ours": True} if ours is not None else {})})


# ------------------------------------------------------------------------------------------------
# modules over packed sequences (forward and gradients, through pack_padded_sequence)

module_case("LSTM/packed_sorted_h0", "LSTM", [3, 4], {}, f32(5, 3, 3), hx=(f32(1, 3, 4), f32(1, 3, 4)),
            packed={"lengths": [5, 3, 2], "batchFirst": False, "enforceSorted": True})
module_case("LSTM/packed_unsorted_bidir_2layers", "LSTM", [3, 4], {"numLayers": 2, "bidirectional": True}, f32(5, 4, 3),
            packed={"lengths": [2, 5, 1, 3], "batchFirst": False, "enforceSorted": False})
module_case("LSTM/packed_unsorted_ties_batch_first_h0", "LSTM", [2, 3], {"batchFirst": True}, f32(4, 5, 2),
            hx=(f32(1, 4, 3), f32(1, 4, 3)), packed={"lengths": [3, 5, 3, 5], "batchFirst": True, "enforceSorted": False})
module_case("LSTM/packed_proj_bidir", "LSTM", [3, 5], {"projSize": 2, "bidirectional": True}, f32(4, 3, 3),
            hx=(f32(2, 3, 2), f32(2, 3, 5)), packed={"lengths": [2, 4, 1], "batchFirst": False, "enforceSorted": False})
module_case("GRU/packed_unsorted_bidir_2layers_h0_batch_first", "GRU", [3, 4], {"numLayers": 2, "bidirectional": True, "batchFirst": True},
            f32(3, 5, 3), hx=f32(4, 3, 4), packed={"lengths": [4, 5, 2], "batchFirst": True, "enforceSorted": False})
module_case("GRU/packed_sorted", "GRU", [2, 3], {}, f32(6, 3, 2), packed={"lengths": [6, 6, 2], "batchFirst": False, "enforceSorted": True})
module_case("RNN/packed_unsorted_tanh_h0", "RNN", [3, 4], {}, f32(4, 3, 3), hx=f32(1, 3, 4),
            packed={"lengths": [1, 4, 3], "batchFirst": False, "enforceSorted": False})
module_case("RNN/packed_relu_bidir_2layers", "RNN", [3, 4], {"nonlinearity": "relu", "numLayers": 2, "bidirectional": True}, f32(5, 3, 3),
            packed={"lengths": [5, 4, 2], "batchFirst": False, "enforceSorted": True})
module_case("LSTM/packed_equal_lengths", "LSTM", [2, 3], {"bidirectional": True}, f32(3, 2, 2),
            packed={"lengths": [3, 3], "batchFirst": False, "enforceSorted": True})

# projections, bidirectional multi-layer stacks, inter-layer dropout in eval mode
module_case("LSTM/proj_2layers_bidir_state", "LSTM", [3, 5], {"projSize": 3, "numLayers": 2, "bidirectional": True}, f32(4, 2, 3),
            hx=(f32(4, 2, 3), f32(4, 2, 5)))
module_case("LSTM/proj_no_bias_batch_first", "LSTM", [3, 4], {"projSize": 2, "bias": False, "batchFirst": True}, f32(2, 4, 3))
module_case("LSTM/3layers_bidir_dropout_eval", "LSTM", [3, 4], {"numLayers": 3, "bidirectional": True, "dropout": 0.5, "batchFirst": True},
            f32(2, 4, 3), mode="eval")
module_case("GRU/3layers_bidir_h0", "GRU", [2, 3], {"numLayers": 3, "bidirectional": True}, f32(4, 2, 2), hx=f32(6, 2, 3))
module_case("GRU/2layers_dropout_eval", "GRU", [3, 4], {"numLayers": 2, "dropout": 0.3}, f32(5, 2, 3), mode="eval")
module_case("RNN/relu_3layers_bidir_dropout_eval", "RNN", [3, 4], {"nonlinearity": "relu", "numLayers": 3, "bidirectional": True, "dropout": 0.4},
            f32(3, 2, 3), hx=f32(6, 2, 4), mode="eval")

# unbatched input, no bias
module_case("LSTM/unbatched_state", "LSTM", [3, 4], {"numLayers": 2}, f32(5, 3), hx=(f32(2, 4), f32(2, 4)))
module_case("LSTM/unbatched_batch_first_bidir", "LSTM", [3, 4], {"batchFirst": True, "bidirectional": True}, f32(4, 3))
module_case("GRU/unbatched_no_h0", "GRU", [3, 4], {}, f32(4, 3))
module_case("RNN/unbatched_h0_bidir", "RNN", [3, 4], {"bidirectional": True}, f32(3, 3), hx=f32(2, 4))
module_case("LSTM/no_bias", "LSTM", [3, 4], {"bias": False, "numLayers": 2}, f32(3, 2, 3))
module_case("GRU/no_bias_bidir", "GRU", [3, 4], {"bias": False, "bidirectional": True}, f32(3, 2, 3), hx=f32(2, 2, 4))
module_case("RNN/no_bias", "RNN", [3, 4], {"bias": False}, f32(3, 2, 3))

# cells: unbatched, no bias
cell_case("LSTMCell/unbatched_state", "LSTMCell", [3, 4], {}, f32(3), hx=(f32(4), f32(4)))
cell_case("LSTMCell/no_bias", "LSTMCell", [3, 4], {"bias": False}, f32(2, 3), hx=(f32(2, 4), f32(2, 4)))
cell_case("GRUCell/unbatched_no_h", "GRUCell", [3, 4], {}, f32(3))
cell_case("GRUCell/no_bias", "GRUCell", [3, 4], {"bias": False}, f32(2, 3), hx=f32(2, 4))
cell_case("RNNCell/unbatched_relu", "RNNCell", [3, 4], {"nonlinearity": "relu"}, f32(3), hx=f32(4))
cell_case("RNNCell/no_bias", "RNNCell", [3, 4], {"bias": False}, f32(2, 3), hx=f32(2, 4))

# ------------------------------------------------------------------------------------------------
# packing utilities

x = f32(4, 3, 2).double().requires_grad_(True)
fn_case("packPaddedSequence/sorted", "packPaddedSequence", [enc(x), [4, 3, 1]], {},
        lambda: pack_padded_sequence(x, [4, 3, 1]), diff=x)
x = f32(4, 5, 2).double().requires_grad_(True)
fn_case("packPaddedSequence/unsorted_ties", "packPaddedSequence", [enc(x), [2, 4, 1, 2, 4]], {"enforceSorted": False},
        lambda: pack_padded_sequence(x, [2, 4, 1, 2, 4], enforce_sorted=False), diff=x)
x = f32(3, 4, 2).double().requires_grad_(True)
fn_case("packPaddedSequence/batch_first_unsorted", "packPaddedSequence", [enc(x), [2, 4, 3]], {"batchFirst": True, "enforceSorted": False},
        lambda: pack_padded_sequence(x, [2, 4, 3], batch_first=True, enforce_sorted=False), diff=x)
x = f32(3, 2).double().requires_grad_(True)
fn_case("packPaddedSequence/no_feature_dims", "packPaddedSequence", [enc(x), [3, 2]], {},
        lambda: pack_padded_sequence(x, [3, 2]), diff=x)

# pad_packed_sequence: {"packed": {...}} describes pack_padded_sequence(padded, lengths, ...) of a leaf
for cid, lengths, opts, shape in [
    ("padPackedSequence/default", [4, 2, 1], {}, (4, 3, 2)),
    ("padPackedSequence/unsorted_total_length_padding_value", [2, 4, 1], {"totalLength": 6, "paddingValue": -1.5}, (4, 3, 2)),
    ("padPackedSequence/batch_first_unsorted", [1, 3, 3, 2], {"batchFirst": True}, (3, 4, 2)),
]:
    x = f32(*shape).double().requires_grad_(True)
    sorted_ = lengths == sorted(lengths, reverse=True)
    p = pack_padded_sequence(x, lengths, enforce_sorted=sorted_)
    leaf = p.data.detach().requires_grad_(True)
    from torch.nn.utils.rnn import PackedSequence

    pk = PackedSequence(leaf, p.batch_sizes, p.sorted_indices, p.unsorted_indices)
    kw = {snake(k): v for k, v in opts.items()}
    fn_case(cid, "padPackedSequence", [{"packed": {"padded": enc(x), "lengths": lengths, "enforceSorted": sorted_}}], opts,
            lambda: pad_packed_sequence(pk, **kw), diff=leaf)

seqs = [f32(3, 2).double().requires_grad_(True), f32(5, 2).double().requires_grad_(True), f32(1, 2).double().requires_grad_(True)]
cat_leaf = torch.cat(seqs).detach().requires_grad_(True)


def split_seqs():
    return list(torch.split(cat_leaf, [3, 5, 1]))


fn_case("padSequence/default", "padSequence", [[enc(s) for s in seqs]], {}, lambda: pad_sequence(split_seqs()), diff=cat_leaf)
fn_case("padSequence/batch_first_padding_value", "padSequence", [[enc(s) for s in seqs]], {"batchFirst": True, "paddingValue": 7.0},
        lambda: pad_sequence(split_seqs(), batch_first=True, padding_value=7.0), diff=cat_leaf)
fn_case("packSequence/unsorted", "packSequence", [[enc(s) for s in seqs]], {"enforceSorted": False},
        lambda: pack_sequence(split_seqs(), enforce_sorted=False), diff=cat_leaf)
fn_case("packSequence/sorted", "packSequence", [[enc(seqs[1]), enc(seqs[0]), enc(seqs[2])]], {},
        lambda: pack_sequence([split_seqs()[i] for i in (1, 0, 2)]))
xp = f32(5, 3, 2)
fn_case("unpadSequence/default", "unpadSequence", [enc(xp), [2, 5, 3]], {}, lambda: unpad_sequence(xp.clone(), torch.tensor([2, 5, 3])))
fn_case("unpadSequence/batch_first", "unpadSequence", [enc(xp), [1, 2, 2, 1, 2]], {"batchFirst": True},
        lambda: unpad_sequence(xp.clone(), torch.tensor([1, 2, 2, 1, 2]), batch_first=True))
fn_case("unpackSequence/unsorted", "unpackSequence", [{"packed": {"padded": enc(xp), "lengths": [2, 5, 3], "enforceSorted": False}}], {},
        lambda: unpack_sequence(pack_padded_sequence(xp, [2, 5, 3], enforce_sorted=False)))

# ------------------------------------------------------------------------------------------------
# bad input: clear errors, nothing changed

lstm = nn.LSTM(4, 5, num_layers=2)
gru = nn.GRU(4, 5, bidirectional=True)
rnn = nn.RNN(4, 5)
Z = torch.zeros


def mod(cls, args, options, input, hx=None):
    return {"module": cls, "args": args, "options": options, "input": enc(input) if isinstance(input, torch.Tensor) else input, "hx": hx}


error_case("LSTM/input_size_mismatch", "module", lambda: lstm(Z(3, 2, 3)), mod("LSTM", [4, 5], {"numLayers": 2}, Z(3, 2, 3)))
error_case("GRU/input_size_mismatch", "module", lambda: gru(Z(3, 2, 3)), mod("GRU", [4, 5], {"bidirectional": True}, Z(3, 2, 3)))
error_case("LSTM/wrong_h0_shape", "module", lambda: lstm(Z(3, 2, 4), (Z(1, 2, 5), Z(2, 2, 5))),
           mod("LSTM", [4, 5], {"numLayers": 2}, Z(3, 2, 4), [enc(Z(1, 2, 5)), enc(Z(2, 2, 5))]))
error_case("LSTM/wrong_c0_shape", "module", lambda: lstm(Z(3, 2, 4), (Z(2, 2, 5), Z(2, 3, 5))),
           mod("LSTM", [4, 5], {"numLayers": 2}, Z(3, 2, 4), [enc(Z(2, 2, 5)), enc(Z(2, 3, 5))]))
error_case("GRU/wrong_h0_shape", "module", lambda: gru(Z(3, 2, 4), Z(1, 2, 5)),
           mod("GRU", [4, 5], {"bidirectional": True}, Z(3, 2, 4), enc(Z(1, 2, 5))))
error_case("RNN/wrong_h0_batch", "module", lambda: rnn(Z(3, 2, 4), Z(1, 3, 5)), mod("RNN", [4, 5], {}, Z(3, 2, 4), enc(Z(1, 3, 5))))
error_case("RNN/batched_input_2d_h0", "module", lambda: rnn(Z(3, 2, 4), Z(2, 5)), mod("RNN", [4, 5], {}, Z(3, 2, 4), enc(Z(2, 5))))
error_case("LSTM/unbatched_input_3d_state", "module", lambda: lstm(Z(3, 4), (Z(2, 1, 5), Z(2, 1, 5))),
           mod("LSTM", [4, 5], {"numLayers": 2}, Z(3, 4), [enc(Z(2, 1, 5)), enc(Z(2, 1, 5))]))
lstm_p = nn.LSTM(2, 5)
packed_in = {"packed": {"padded": enc(Z(4, 3, 2)), "lengths": [4, 3, 1], "enforceSorted": True}}
error_case("LSTM/packed_wrong_h0_batch", "module",
           lambda: lstm_p(pack_padded_sequence(Z(4, 3, 2), [4, 3, 1]), (Z(1, 2, 5), Z(1, 3, 5))),
           mod("LSTM", [2, 5], {}, packed_in, [enc(Z(1, 2, 5)), enc(Z(1, 3, 5))]))
error_case("LSTM/packed_input_size_mismatch", "module", lambda: nn.LSTM(3, 5)(pack_padded_sequence(Z(4, 3, 2), [4, 3, 1])),
           mod("LSTM", [3, 5], {}, packed_in))
error_case("LSTMCell/input_size_mismatch", "module", lambda: nn.LSTMCell(4, 5)(Z(3, 3)), mod("LSTMCell", [4, 5], {}, Z(3, 3)))
error_case("GRUCell/hidden_batch_mismatch", "module", lambda: nn.GRUCell(4, 5)(Z(3, 4), Z(2, 5)), mod("GRUCell", [4, 5], {}, Z(3, 4), enc(Z(2, 5))))
error_case("RNNCell/hidden_size_mismatch", "module", lambda: nn.RNNCell(4, 5)(Z(3, 4), Z(3, 6)), mod("RNNCell", [4, 5], {}, Z(3, 4), enc(Z(3, 6))))
error_case("LSTMCell/c_hidden_size_mismatch", "module", lambda: nn.LSTMCell(4, 5)(Z(3, 4), (Z(3, 5), Z(3, 6))),
           mod("LSTMCell", [4, 5], {}, Z(3, 4), [enc(Z(3, 5)), enc(Z(3, 6))]),
           ours="hidden1 has inconsistent hidden_size: got 6, expected 5")  # 1.13 says hidden0 for c as well

X = Z(4, 3, 2)


def fnk(fn, args, options=None):
    return {"fn": fn, "args": args, "options": options or {}}


error_case("packPaddedSequence/unsorted_enforce_sorted", "fn", lambda: pack_padded_sequence(X, [2, 4, 1]), fnk("packPaddedSequence", [enc(X), [2, 4, 1]]))
error_case("packSequence/unsorted_enforce_sorted", "fn", lambda: pack_sequence([Z(2), Z(3)]), fnk("packSequence", [[enc(Z(2)), enc(Z(3))]]))
error_case("packPaddedSequence/length_longer_than_sequence", "fn", None, fnk("packPaddedSequence", [enc(X), [5, 3, 1]]),
           ours="Length of all samples has to be at most the padded sequence length 4, but found an element in 'lengths' that is 5")
error_case("packPaddedSequence/length_longer_than_sequence_unsorted", "fn", None,
           fnk("packPaddedSequence", [enc(X), [3, 6, 1]], {"enforceSorted": False}),
           ours="Length of all samples has to be at most the padded sequence length 4, but found an element in 'lengths' that is 6")
error_case("packPaddedSequence/zero_length", "fn", lambda: pack_padded_sequence(X, [4, 3, 0]), fnk("packPaddedSequence", [enc(X), [4, 3, 0]]))
error_case("packPaddedSequence/lengths_count", "fn", lambda: pack_padded_sequence(X, [4, 3]), fnk("packPaddedSequence", [enc(X), [4, 3]]))
error_case("packPaddedSequence/empty", "fn", lambda: pack_padded_sequence(Z(0, 3, 2), [1, 1, 1]), fnk("packPaddedSequence", [enc(Z(0, 3, 2)), [1, 1, 1]]))
error_case("padPackedSequence/total_length_too_small", "fn", lambda: pad_packed_sequence(pack_padded_sequence(X, [4, 3, 1]), total_length=3),
           fnk("padPackedSequence", [{"packed": {"padded": enc(X), "lengths": [4, 3, 1], "enforceSorted": True}}], {"totalLength": 3}))
error_case("padSequence/empty", "fn", lambda: pad_sequence([]), fnk("padSequence", [[]]))

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases to {os.path.relpath(OUT)} ({os.path.getsize(OUT) // 1024} KiB)")
