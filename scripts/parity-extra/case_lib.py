"""Case builders for the extra PyTorch-parity cases (see generate.py).

Every case mirrors the shared suite's JSON format (shared/parity/README.md): inputs and weights
are float32 values, expectations come from a float64 run of the same module rounded to float32,
and each case is replayed once more in float32 and must agree within a tenth of its tolerance,
as the shared cases promise.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import torch
import torch.nn as nn

TOL = {
    "layers": {"rtol": 1e-4, "atol": 1e-5},
    "losses": {"rtol": 1e-4, "atol": 1e-5},
    "utils": {"rtol": 1e-4, "atol": 1e-5},
    "rnn": {"rtol": 3e-4, "atol": 3e-5},
    "transformer": {"rtol": 1e-3, "atol": 1e-4},
    "models": {"rtol": 1e-3, "atol": 1e-4},
}
LOOSE = {"rtol": 1e-3, "atol": 1e-4}  # CTC, as in the shared suite
STAT_TOL = {"rtol": 1e-5, "atol": 1e-6}
STATE_TOL = {"rtol": 0, "atol": 0}
SPLIT = "extra"

FILES: dict[tuple[str, str], list] = {}
WARNINGS: list[str] = []


# ---- values -----------------------------------------------------------------------------------
def num(v, f32=True):
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


def spec(t, requires_grad=False):
    t = t.detach()
    if t.is_sparse:  # Embedding(sparse=True) gradients: compared dense
        t = t.to_dense()
    if t.dtype == torch.bool:
        name, data = "bool", [int(x) for x in t.reshape(-1).tolist()]
    elif t.is_floating_point():
        name, data = "float32", [num(x) for x in t.reshape(-1).tolist()]
    else:
        name, data = "int32", [int(x) for x in t.reshape(-1).tolist()]
    s = {"shape": list(t.shape), "dtype": name, "data": data}
    if requires_grad:
        s["requiresGrad"] = True
    return s


def f32(t):
    """Round to float32-representable values (kept as float32)."""
    return t.detach().float()


def seed_for(cid):
    torch.manual_seed(zlib.crc32(cid.encode()) & 0x7FFFFFFF)


def randn(*shape, scale=1.0):
    return f32(torch.randn(shape) * scale)


def rand(*shape, lo=0.0, hi=1.0):
    return f32(torch.rand(shape) * (hi - lo) + lo)


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


# ---- inputs -----------------------------------------------------------------------------------
class In:
    """A case input: a tensor (with requiresGrad / logSoftmaxDim), a $ref, or a plain value."""

    def __init__(self, value, grad=None, log_softmax_dim=None, ref=None):
        self.value = value
        self.ref = ref
        self.log_softmax_dim = log_softmax_dim
        if grad is None:
            grad = isinstance(value, torch.Tensor) and value.is_floating_point()
        self.grad = grad


def G(t, **kw):
    return In(t, grad=True, **kw)


def C(t):
    """Constant input (no gradient)."""
    return In(t, grad=False)


def R(i):
    return In(None, grad=False, ref=i)


def _wrap(x):
    if isinstance(x, In):
        return x
    if isinstance(x, (list, tuple)) and any(isinstance(v, (In, torch.Tensor)) for v in x):
        return [_wrap(v) for v in x]
    return In(x)


def _materialize(items, dtype):
    """Build the torch inputs; returns (args, leaves) with leaves nested like items."""
    built = []
    leaves = []
    for it in items:
        if isinstance(it, list):
            a, l_ = _materialize(it, dtype)
            built.append(a)
            leaves.append(l_)
            continue
        if it.ref is not None:
            built.append(("ref", it.ref))
            leaves.append(None)
            continue
        v = it.value
        if isinstance(v, torch.Tensor):
            if v.is_floating_point():
                leaf = v.detach().to(dtype).clone().requires_grad_(it.grad)
                val = leaf.log_softmax(it.log_softmax_dim) if it.log_softmax_dim is not None else leaf
                built.append(val)
                leaves.append(leaf if it.grad else None)
            else:
                built.append(v.clone())
                leaves.append(None)
        else:
            built.append(v)
            leaves.append(None)
    return built, leaves


def _resolve_refs(args):
    return [args[a[1]] if isinstance(a, tuple) and len(a) == 2 and a[0] == "ref" else a for a in args]


def _input_spec(it):
    if isinstance(it, list):
        return [_input_spec(v) for v in it]
    if it.ref is not None:
        return {"$ref": it.ref}
    v = it.value
    if isinstance(v, torch.Tensor):
        s = spec(v, it.grad and v.is_floating_point())
        if it.log_softmax_dim is not None:
            s["logSoftmaxDim"] = it.log_softmax_dim
        return s
    return v


def _grad_spec(leaves):
    if isinstance(leaves, list):
        return [_grad_spec(v) for v in leaves]
    if leaves is None or leaves.grad is None:
        return None
    return spec(leaves.grad)


# ---- module specs -------------------------------------------------------------------------------
class M:
    """A module spec: builds the torch module and emits the `$module` JSON."""

    def __init__(self, cls, *args, **kw):
        self.cls = cls
        self.args = args
        self.kw = kw

    def build(self):
        ctor = getattr(nn, self.cls)
        return ctor(*[build_value(a) for a in self.args], **{k: build_value(v) for k, v in self.kw.items()})

    def json(self):
        return {"$module": self.cls, "args": [json_value(a) for a in self.args], "options": {camel(k): json_value(v) for k, v in self.kw.items()}}

    def torch_repr(self):
        parts = [repr_value(a) for a in self.args] + [f"{k}={repr_value(v)}" for k, v in self.kw.items()]
        return f"nn.{self.cls}({', '.join(parts)})"

    def classes(self):
        out = {self.cls}
        for v in list(self.args) + list(self.kw.values()):
            out |= classes_of(v)
        return out


class P:
    """nn.Parameter(tensor) inside args."""

    def __init__(self, t):
        self.t = t


def classes_of(v):
    if isinstance(v, M):
        return v.classes()
    if isinstance(v, (list, tuple)):
        out = set()
        for x in v:
            out |= classes_of(x)
        return out
    if isinstance(v, dict):
        out = set()
        for x in v.values():
            out |= classes_of(x)
        return out
    return set()


def build_value(v):
    if isinstance(v, M):
        return v.build()
    if isinstance(v, P):
        return nn.Parameter(v.t.clone())
    if isinstance(v, list):
        return [build_value(x) for x in v]
    if isinstance(v, tuple):
        return tuple(build_value(x) for x in v)
    if isinstance(v, dict):
        return {k: build_value(x) for k, x in v.items()}
    if isinstance(v, torch.Tensor):
        return v.clone()
    return v


def json_value(v):
    if isinstance(v, M):
        return v.json()
    if isinstance(v, P):
        return {"$parameter": spec(v.t)}
    if isinstance(v, (list, tuple)):
        return [json_value(x) for x in v]
    if isinstance(v, dict):
        return {k: json_value(x) for k, x in v.items()}
    if isinstance(v, torch.Tensor):
        return spec(v)
    if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
        return num(v, False)
    return v


def repr_value(v):
    if isinstance(v, M):
        return v.torch_repr()
    if isinstance(v, P):
        return f"nn.Parameter(<{'x'.join(map(str, v.t.shape))}>)"
    if isinstance(v, torch.Tensor):
        return f"torch.tensor(<{'x'.join(map(str, v.shape))} float32>)"
    if isinstance(v, list):
        return "[" + ", ".join(repr_value(x) for x in v) + "]"
    if isinstance(v, tuple):
        return "(" + ", ".join(repr_value(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k!r}: {repr_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, float) and math.isinf(v):
        return "float('inf')" if v > 0 else "float('-inf')"
    return repr(v)


# ---- randomised state ---------------------------------------------------------------------------
def randomize_constant_state(m):
    """Replace constant-initialised tensors (norm weights, zero biases, running stats) by random
    float32 values, so that a swapped or ignored weight cannot pass."""
    with torch.no_grad():
        for name, t in list(m.state_dict().items()):
            if not t.is_floating_point() or t.numel() == 0:
                continue
            flat = t.reshape(-1)
            if not bool((flat == flat[0]).all()):
                continue
            leaf = name.rsplit(".", 1)[-1]
            if leaf == "running_var":
                t.copy_(torch.rand(t.shape) * 1.5 + 0.5)
            elif leaf == "running_mean":
                t.copy_(torch.randn(t.shape) * 0.5)
            elif "bias" in leaf:
                t.copy_(torch.randn(t.shape) * 0.3)
            elif t.numel() > 1 or float(flat[0]) != 0:
                t.copy_(torch.rand(t.shape) + 0.5)


def round_state(m):
    with torch.no_grad():
        for t in m.state_dict().values():
            if t.is_floating_point():
                t.copy_(t.float())


# ---- comparison (the runner's rule) ---------------------------------------------------------------
def close(actual, expected, tol, frac=0.1):
    actual = actual.to_dense() if actual.is_sparse else actual
    expected = expected.to_dense() if expected.is_sparse else expected
    a = actual.detach().double().reshape(-1)
    e = expected.detach().double().reshape(-1)
    if a.shape != e.shape:
        return False
    if not expected.is_floating_point():
        return bool(torch.equal(actual.long(), expected.long()))
    fin = torch.isfinite(e)
    scale = max(1.0, float(e[fin].abs().max()) if bool(fin.any()) else 1.0)
    ok_special = bool(((torch.isnan(e) & torch.isnan(a)) | (e == a) | fin).all())
    allowed = frac * (tol["atol"] * scale + tol["rtol"] * e.abs())
    d = (a - e).abs()
    return ok_special and bool((d[fin] <= allowed[fin]).all())


def flat(x):
    if isinstance(x, (list, tuple)):
        out = []
        for v in x:
            out += flat(v)
        return out
    return [x]


def tree(x, fn):
    if isinstance(x, (list, tuple)):
        return [tree(v, fn) for v in x]
    return fn(x)


def add_case(area, module, case):
    case["split"] = SPLIT
    FILES.setdefault((area, module), []).append(case)


# ---- module cases ----------------------------------------------------------------------------------
def _run(build, inputs, dtype, mode, call_kw, grad_outs, grad_out_seed=None):
    m = build()
    m = m.to(dtype)
    m.train(mode == "train")
    args, leaves = _materialize(inputs, dtype)
    args = _resolve_refs(args)
    kw = {}
    for k, v in (call_kw or {}).items():
        if isinstance(v, torch.Tensor) and v.is_floating_point():
            v = v.to(dtype)
        kw[k] = v
    out = m(*args, **kw)
    if hasattr(out, "_fields"):  # namedtuple (AdaptiveLogSoftmaxWithLoss)
        out = list(out)
    outs = flat(out)
    if grad_outs is None:
        torch.manual_seed(grad_out_seed)
        grad_outs = [f32(torch.randn(o.shape)) if isinstance(o, torch.Tensor) and o.is_floating_point() and o.requires_grad else None for o in outs]
    terms = [(o * g.to(dtype)).sum() for o, g in zip(outs, grad_outs) if g is not None]
    if terms:
        sum(terms).backward()
    return m, out, grad_outs, leaves


def module_case(area, module, name, ctor, inputs, **kw):
    """Build one module case; a case PyTorch itself rejects is reported and left out."""
    try:
        return _module_case(area, module, name, ctor, inputs, **kw)
    except Exception as e:  # noqa: BLE001
        first = (str(e).splitlines() or [repr(e)])[0][:200]
        WARNINGS.append(f"{area}/{module}/{name}: PyTorch raised {type(e).__name__}: {first}")
        return None


def _module_case(area, module, name, ctor, inputs, *, mode="train", call_kw=None, tol=None, randomize=True,
                state_fn=None, output_names=None, torch_repr=None, requires=None, composite=None, spec_json=None,
                skip_check=False, impl=None):
    """`ctor`: an M spec (or a callable returning a torch module when composite/spec_json is given)."""
    cid = f"{area}/{module}/{name}"
    seed_for(cid)
    inputs = [_wrap(x) for x in inputs]
    build_raw = impl or (ctor.build if isinstance(ctor, M) else ctor)
    base = build_raw()
    if randomize:
        randomize_constant_state(base)
    if state_fn:
        state_fn(base)
    round_state(base)
    state0 = {k: v.clone() for k, v in base.state_dict().items()}

    def build():
        # a fresh module loaded with the state, not copy.deepcopy: deep-copying a 1.13
        # TransformerDecoderLayer silently swaps a module activation for F.relu (__setstate__)
        m = build_raw()
        m.load_state_dict(state0)
        return m

    tol = tol or TOL[area]
    gseed = zlib.crc32((cid + "/g").encode()) & 0x7FFFFFFF
    kw64 = call_kw or {}
    m64, out64, gouts, leaves64 = _run(build, inputs, torch.float64, mode, kw64, None, gseed)
    outs64 = flat(out64)
    # float32 replay
    if not skip_check:
        m32, out32, _, leaves32 = _run(build, inputs, torch.float32, mode, kw64, gouts)
        problems = []
        for i, (a, e) in enumerate(zip(flat(out32), outs64)):
            if (a is None) != (e is None):
                problems.append(f"output {i} None-ness")
            elif a is not None and not close(a, e, tol):
                problems.append(f"output {i}")
        for i, (a, e) in enumerate(zip(flat(leaves32), flat(leaves64))):
            if a is not None and e is not None and e.grad is not None and not close(a.grad, e.grad, tol):
                problems.append(f"input grad {i}")
        p32 = dict(m32.named_parameters())
        for k, p in m64.named_parameters():
            if p.grad is not None and not close(p32[k].grad, p.grad, tol):
                problems.append(f"param grad {k}")
        if problems:
            WARNINGS.append(f"{cid}: float32 run disagrees ({', '.join(problems)})")

    ctor_json = ctor.json() if isinstance(ctor, M) else None
    case = {"id": cid, "kind": "module", "area": area, "module": module}
    if requires is None:
        requires = sorted(ctor.classes()) if isinstance(ctor, M) else []
    case["requires"] = requires
    if composite is not None:
        case["args"], case["options"] = [], {}
        case["composite"] = composite
    elif spec_json is not None:
        case["args"], case["options"] = [], {}
        case["spec"] = spec_json
    else:
        case["args"] = ctor_json["args"]
        case["options"] = ctor_json["options"]
    case["torch"] = torch_repr or (ctor.torch_repr() if isinstance(ctor, M) else module)
    case["mode"] = mode
    sd_keys = list(state0.keys())
    case["stateKeys"] = sd_keys
    case["state"] = {k: spec(v) for k, v in state0.items()}
    case["inputs"] = [_input_spec(it) for it in inputs]
    case["callKwargs"] = {camel_kw(k): (spec(v) if isinstance(v, torch.Tensor) else v) for k, v in (call_kw or {}).items()}
    case["outputs"] = tree(out64, lambda o: None if o is None else spec(o))
    if output_names:
        case["outputNames"] = output_names
    gi = iter(gouts)
    case["gradOutputs"] = tree(out64, lambda o: (lambda g: None if g is None else spec(g))(next(gi)))
    case["inputGrads"] = _grad_spec(leaves64)
    param_names = {k for k, _ in m64.named_parameters()}
    case["paramGrads"] = {k: (None if p.grad is None else spec(p.grad)) for k, p in m64.named_parameters()}
    after = {}
    sd = m64.state_dict()
    for k, v in sd.items():
        if k not in param_names or not torch.equal(v.to(state0[k].dtype), state0[k]):
            after[k] = spec(v)
    if after:
        case["stateAfter"] = after
    case["tolerance"] = tol
    add_case(area, module, case)
    return case


CALL_KW_RENAMES = {"mask": "srcMask"}


def camel_kw(k):
    return CALL_KW_RENAMES.get(k, camel(k))


# ---- statistical / state / util cases -------------------------------------------------------------
def stat_case(module, name, ctor, x, check, params, mode="train"):
    cid = f"layers/{module}/{name}"
    seed_for(cid)
    m = ctor.build()
    m.train(mode == "train")
    xin = x.clone().requires_grad_(True)
    out = m(xin)
    y = out[0] if isinstance(out, tuple) else out
    g = randn(*y.shape)
    if check == "fractionalMaxPool":
        params = {**params, "outputShape": list(y.shape)}
    j = ctor.json()
    case = {"id": cid, "kind": "statistical", "area": "layers", "module": module, "requires": sorted(ctor.classes()),
            "args": j["args"], "options": j["options"], "torch": ctor.torch_repr(), "mode": mode, "check": check,
            "stateKeys": [], "state": {}, "params": params, "inputs": [spec(x, True)], "gradOutputs": spec(g),
            "tolerance": STAT_TOL}
    add_case("layers", module, case)


def state_case(module, name, ctor, strict=True):
    cid = f"layers/{module}/{name}"
    seed_for(cid)
    m = ctor.build()
    j = ctor.json()
    sd = m.state_dict()
    case = {"id": cid, "kind": "state", "area": "layers", "module": module, "requires": sorted(ctor.classes()),
            "args": j["args"], "options": j["options"], "torch": ctor.torch_repr(), "stateKeys": list(sd.keys()),
            "state": {k: spec(v) for k, v in sd.items()}, "strictChecks": strict, "tolerance": STATE_TOL}
    add_case("layers", module, case)
