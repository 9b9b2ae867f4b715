"""Helpers for the op-level golden generator (see generate.py).

A golden file is ``{"op": name, "samples": [...]}``; a sample is either a value sample

    {"name", "inputs", "kwargs", "out", "gradOut", "grads"[, "gradcheck": true]}

or an error sample

    {"name", "inputs", "kwargs", "error": "<substring of PyTorch's message>"}.

Tensors are stored as ``{"shape", "dtype", "data", "requiresGrad"}`` with ``data`` flat and
row-major; non-finite numbers are the strings "nan", "inf", "-inf"; int64 is stored as int32.

Expected values: every float32 input is float32-representable; the op is run once in the
input's own dtype (which fixes the output dtypes and shapes) and once with every float32
tensor upcast to float64 (which gives the values), and the float64 values are rounded to the
output dtype. Gradients likewise (of ``sum(out * gradOut)``). The native float32 run is
compared against the stored values and any sample where the two disagree beyond float32
noise is reported, so that no golden sits on a rounding knife-edge.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from typing import Any, Callable

import numpy as np
import torch

DTYPE_NAME = {
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int32: "int32",
    torch.int64: "int32",
    torch.bool: "bool",
}
NAME_DTYPE = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int32, "bool": torch.bool}

WARNINGS: list[str] = []


def snake(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


# ----------------------------------------------------------------------------------------------
# encoding


def enc_num(v: float, dtype: torch.dtype | None = None) -> Any:
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if dtype == torch.float32:
        v = float(str(np.float32(v)))  # shortest decimal that rounds to the same float32
    if v == 0 and math.copysign(1.0, v) < 0:
        return -0.0
    if v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def spec(t: torch.Tensor, requires_grad: bool = False) -> dict:
    t = t.detach()
    if t.dtype not in DTYPE_NAME:
        raise TypeError(f"unsupported dtype {t.dtype}")
    flat = t.contiguous().reshape(-1)
    if t.dtype == torch.bool:
        data = [bool(x) for x in flat.tolist()]
    elif t.dtype in (torch.int32, torch.int64):
        data = [int(x) for x in flat.tolist()]
        for x in data:
            if not -(2**31) <= x < 2**31:
                raise ValueError("int64 value does not fit int32")
    else:
        data = [enc_num(x, t.dtype) for x in flat.tolist()]
    return {"shape": list(t.shape), "dtype": DTYPE_NAME[t.dtype], "data": data, "requiresGrad": bool(requires_grad)}


def enc_value(v: Any, rg: bool = False) -> Any:
    if isinstance(v, torch.Tensor):
        return spec(v, rg)
    if isinstance(v, (list, tuple)):
        return [enc_value(x, rg) for x in v]
    if isinstance(v, dict):
        return {k: enc_value(x) for k, x in v.items()}
    if isinstance(v, float):
        return enc_num(v)
    return v


# ----------------------------------------------------------------------------------------------
# running a sample


def _walk(v: Any, f: Callable[[torch.Tensor], Any]) -> Any:
    if isinstance(v, torch.Tensor):
        return f(v)
    if isinstance(v, list):
        return [_walk(x, f) for x in v]
    if isinstance(v, tuple):
        return tuple(_walk(x, f) for x in v)
    return v


def _as_list(out: Any) -> tuple[list[torch.Tensor], bool]:
    if isinstance(out, torch.Tensor):
        return [out], False
    return list(out), True


def _close(a: torch.Tensor, b: torch.Tensor, rtol: float, atol: float) -> bool:
    if a.shape != b.shape:
        return False
    if a.dtype in (torch.bool, torch.int32, torch.int64) or b.dtype in (torch.bool, torch.int32, torch.int64):
        return bool(torch.equal(a.long() if a.dtype != torch.bool else a, b.long() if b.dtype != torch.bool else b))
    a = a.double()
    b = b.double()
    return bool(torch.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


class Op:
    """Collects the samples of one golden file."""

    def __init__(self, name: str, fn: Callable | None = None):
        self.name = name
        self.fn = fn
        self.samples: list[dict] = []
        self.rng = np.random.default_rng(zlib.crc32(name.encode()))

    # -- random inputs (values with few decimals so the JSON stays small) --------------------
    def _t(self, arr: np.ndarray, dtype: str) -> torch.Tensor:
        return torch.tensor(np.asarray(arr, dtype=np.float64), dtype=NAME_DTYPE[dtype]) if dtype != "bool" else torch.tensor(arr, dtype=torch.bool)

    def randn(self, shape, dtype="float32", scale=1.0, shift=0.0, decimals=3):
        a = np.round(self.rng.standard_normal(tuple(shape)) * scale + shift, decimals)
        return self._t(a, dtype)

    def uniform(self, shape, lo, hi, dtype="float32", decimals=3):
        a = np.round(self.rng.uniform(lo, hi, tuple(shape)), decimals)
        a = np.clip(a, lo, hi)
        return self._t(a, dtype)

    def away(self, shape, lo, hi, gap=0.2, dtype="float32", decimals=3):
        """Uniform in [lo, hi] with |x| >= gap."""
        a = self.rng.uniform(lo, hi, tuple(shape))
        a = np.where(np.abs(a) < gap, np.sign(a + 1e-12) * (gap + np.abs(a)), a)
        return self._t(np.round(a, decimals), dtype)

    def distinct(self, shape, dtype="float32", scale=0.1):
        """Pairwise distinct values (no ties for max/argmax/pooling)."""
        n = int(np.prod(shape)) if len(shape) else 1
        perm = self.rng.permutation(n).astype(np.float64)
        a = (perm - n / 2) * scale + np.round(self.rng.uniform(0, scale / 4, n), 3)
        return self._t(np.round(a, 4).reshape(tuple(shape)), dtype)

    def randint(self, shape, lo, hi, dtype="int32"):
        a = self.rng.integers(lo, hi, tuple(shape))
        if dtype == "int64":
            return torch.tensor(a, dtype=torch.int64)
        return self._t(a, dtype) if dtype != "bool" else torch.tensor(a != 0)

    def bools(self, shape, p=0.5):
        return torch.tensor(self.rng.uniform(0, 1, tuple(shape)) < p)

    # -- samples -------------------------------------------------------------------------------
    def _names(self) -> set[str]:
        return {s["name"] for s in self.samples}

    def add(
        self,
        name: str,
        inputs: list,
        kwargs: dict | None = None,
        call: Callable | None = None,
        grad: bool | list[bool] = True,
        gradcheck: bool = False,
        check_native: bool = True,
        upcast: bool = True,
    ) -> dict:
        """A value sample. ``inputs`` are torch tensors / Python values as the Kindling call takes
        them; ``kwargs`` camelCase (passed snake_case to ``call``, default ``self.fn``)."""
        assert name not in self._names(), f"{self.name}: duplicate sample {name}"
        kwargs = dict(kwargs or {})
        _check_scalars(f"{self.name}/{name}", inputs, kwargs)
        call = call or self.fn
        pykw = {snake(k): v for k, v in kwargs.items()}
        n_in = len(inputs)
        gmask = grad if isinstance(grad, list) else [grad] * n_in
        assert len(gmask) == n_in

        def materialize(upcast: bool):
            leaves: list[torch.Tensor] = []

            def mk(want: bool):
                def f(t: torch.Tensor):
                    x = t.detach().clone()
                    if upcast and x.dtype == torch.float32:
                        x = x.double()
                    if want and x.is_floating_point():
                        x.requires_grad_(True)
                        leaves.append(x)
                    return x

                return f

            vals = [_walk(v, mk(gmask[i])) for i, v in enumerate(inputs)]
            return vals, leaves

        # native run: dtypes and shapes
        nat_in, nat_leaves = materialize(False)
        nat_out = call(*nat_in, **pykw)
        nat_outs, multi = _as_list(nat_out)
        diff = [o.requires_grad for o in nat_outs]
        any_diff = any(diff) and len(nat_leaves) > 0

        gouts: list[torch.Tensor | None] = []
        for o, d in zip(nat_outs, diff):
            if d and any_diff:
                gouts.append(self.randn(o.shape, DTYPE_NAME[o.dtype], decimals=2))
            else:
                gouts.append(None)

        def grads_of(vals, leaves, outs, upcast):
            if not any_diff:
                return None
            pairs = [(o, g) for o, g in zip(outs, gouts) if g is not None]
            os_ = [o for o, _ in pairs]
            gs = [g.double() if upcast and g.dtype == torch.float32 else g for _, g in pairs]
            gr = torch.autograd.grad(os_, leaves, gs, allow_unused=True)
            return [torch.zeros_like(l) if g is None else g for l, g in zip(leaves, gr)]

        nat_grads = grads_of(nat_in, nat_leaves, nat_outs, False)

        # reference run in float64
        ref_in, ref_leaves = materialize(upcast)
        ref_outs, _ = _as_list(call(*ref_in, **pykw))
        ref_grads = grads_of(ref_in, ref_leaves, ref_outs, upcast)
        assert len(ref_outs) == len(nat_outs)

        outs_final = []
        for n, r in zip(nat_outs, ref_outs):
            assert n.shape == r.shape, (self.name, name, n.shape, r.shape)
            outs_final.append(r.detach().to(n.dtype))
        grads_final = None
        if ref_grads is not None:
            grads_final = [r.detach().to(n.dtype) for n, r in zip(nat_leaves, ref_grads)]

        if check_native:
            for i, (n, f) in enumerate(zip(nat_outs, outs_final)):
                if not _close(n.detach(), f, 1e-4, 1e-5):
                    WARNINGS.append(f"{self.name}/{name}: out[{i}] native {n.detach().reshape(-1)[:8].tolist()} vs ref {f.reshape(-1)[:8].tolist()}")
            if nat_grads is not None:
                for i, (n, f) in enumerate(zip(nat_grads, grads_final)):
                    if not _close(n.detach(), f, 1e-4, 1e-5):
                        WARNINGS.append(f"{self.name}/{name}: grad[{i}] native vs ref differ")

        # encode
        leaf_iter = iter(range(len(nat_leaves)))
        enc_inputs = []
        enc_grads = []
        for i, v in enumerate(inputs):
            want = gmask[i] and any_diff

            def enc_in(t: torch.Tensor):
                return spec(t, want and t.is_floating_point())

            def enc_g(t: torch.Tensor):
                if want and t.is_floating_point():
                    k = next(leaf_iter)
                    return spec(grads_final[k])
                return None

            enc_inputs.append(_walk_enc(v, enc_in))
            enc_grads.append(_walk_grad(v, enc_g))

        s = {
            "name": name,
            "inputs": enc_inputs,
            "kwargs": enc_value(kwargs),
            "out": [spec(o) for o in outs_final] if multi else spec(outs_final[0]),
            "gradOut": ([None if g is None else spec(g) for g in gouts] if multi else (None if gouts[0] is None else spec(gouts[0]))),
            "grads": enc_grads,
        }
        if gradcheck:
            self._verify_gradcheck(name, inputs, pykw, call, gmask)
            s["gradcheck"] = True
        self.samples.append(s)
        return s

    def _verify_gradcheck(self, name, inputs, pykw, call, gmask):
        leaves = []

        def mk(want):
            def f(t):
                x = t.detach().clone()
                assert x.dtype == torch.float64 or not x.is_floating_point(), f"{self.name}/{name}: gradcheck sample must be float64"
                if want and x.is_floating_point():
                    x.requires_grad_(True)
                    leaves.append(x)
                return x

            return f

        vals = [_walk(v, mk(gmask[i])) for i, v in enumerate(inputs)]

        def fn(*ls):
            it = iter(ls)
            rebuilt = [_walk(v, lambda t: next(it) if t.requires_grad else t) for v in vals]
            out = call(*rebuilt, **pykw)
            outs, _ = _as_list(out)
            return tuple(o for o in outs if o.is_floating_point())

        ok = torch.autograd.gradcheck(fn, tuple(leaves), eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=False)
        if not ok:
            WARNINGS.append(f"{self.name}/{name}: torch gradcheck FAILED for a sample marked gradcheck")

    def err(self, name: str, inputs: list, kwargs: dict | None, message: str, call: Callable | None = None) -> None:
        """An error sample: PyTorch must raise with ``message`` in its text."""
        assert name not in self._names(), f"{self.name}: duplicate sample {name}"
        kwargs = dict(kwargs or {})
        call = call or self.fn
        pykw = {snake(k): v for k, v in kwargs.items()}
        vals = [_walk(v, lambda t: t.clone()) for v in inputs]
        try:
            call(*vals, **pykw)
        except Exception as e:  # noqa: BLE001
            text = str(e)
            if message not in text:
                WARNINGS.append(f"ERROR-SAMPLE {self.name}/{name}: expected {message!r} in PyTorch's message {text[:300]!r}")
                return
        else:
            WARNINGS.append(f"ERROR-SAMPLE {self.name}/{name}: PyTorch did not raise")
            return
        self.samples.append({"name": name, "inputs": [enc_value(v) for v in inputs], "kwargs": enc_value(kwargs), "error": message})

    def try_add(self, name, inputs, kwargs=None, **kw) -> bool:
        """add() if PyTorch supports the call, else nothing (for dtype coverage probes)."""
        call = kw.get("call") or self.fn
        pykw = {snake(k): v for k, v in (kwargs or {}).items()}
        try:
            call(*[_walk(v, lambda t: t.clone()) for v in inputs], **pykw)
        except Exception:  # noqa: BLE001
            return False
        self.add(name, inputs, kwargs, **kw)
        return True

    def to_json(self) -> str:
        lines = [json.dumps(s, separators=(",", ":"), allow_nan=False) for s in self.samples]
        return '{"op":' + json.dumps(self.name) + ',"samples":[\n' + ",\n".join(lines) + "\n]}\n"


def _walk_enc(v, f):
    if isinstance(v, torch.Tensor):
        return f(v)
    if isinstance(v, (list, tuple)):
        return [_walk_enc(x, f) for x in v]
    if isinstance(v, float):
        return enc_num(v)
    return v


def _has_tensor(v) -> bool:
    if isinstance(v, torch.Tensor):
        return True
    if isinstance(v, (list, tuple)):
        return any(_has_tensor(x) for x in v)
    return False


def _walk_grad(v, f):
    if isinstance(v, torch.Tensor):
        return f(v)
    if isinstance(v, (list, tuple)) and _has_tensor(v):
        return [_walk_grad(x, f) for x in v]
    return None


def _check_scalars(where: str, inputs, kwargs) -> None:
    """JSON (and JS) cannot tell 1.0 from 1: an integer-valued float scalar argument would reach
    Kindling as an int, which can change the result dtype. Report them so samples avoid them."""

    def has_float_tensor(v):
        if isinstance(v, torch.Tensor):
            return v.is_floating_point()
        return isinstance(v, (list, tuple)) and any(has_float_tensor(x) for x in v)

    if any(has_float_tensor(v) for v in inputs):
        return  # a float tensor fixes the result dtype whatever the scalar's kind

    def walk(v):
        if isinstance(v, float) and math.isfinite(v) and v.is_integer():
            WARNINGS.append(f"SCALAR {where}: integer-valued float scalar {v!r} (reaches JS as an int)")
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)

    for v in inputs:
        walk(v)
    for v in kwargs.values():
        walk(v)
