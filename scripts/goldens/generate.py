#!/usr/bin/env python3
"""Op-level PyTorch golden fixtures for Kindling's OpInfo-style suite.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/goldens/generate.py

Writes packages/testing/goldens/ops/<op>.json (one file per op, deterministic) and
packages/testing/goldens/ops/index.json (the list of ops). Sample format: see lib.py.
Each sample's ``inputs`` are the positional arguments of the Kindling call and ``kwargs`` its
trailing options object (camelCase), as described in packages/testing/README.md.
"""

from __future__ import annotations

import functools
import json
import math
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from lib import WARNINGS, Op  # noqa: E402
from ops_shape import shape_ops  # noqa: E402
from ops_nn import nn_ops  # noqa: E402

warnings.filterwarnings("ignore")
torch.set_default_dtype(torch.float32)
torch.manual_seed(0)

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT_DIR = os.path.join(ROOT, "packages", "testing", "goldens", "ops")

INF = math.inf
NAN = math.nan

OPS: list[Op] = []


def new(name, fn=None) -> Op:
    op = Op(name, fn)
    OPS.append(op)
    return op


def t32(data):
    return torch.tensor(data, dtype=torch.float32)


def t64(data):
    return torch.tensor(data, dtype=torch.float64)


def i32(data):
    return torch.tensor(data, dtype=torch.int32)


def i64(data):
    return torch.tensor(data, dtype=torch.int64)


def bt(data):
    return torch.tensor(data, dtype=torch.bool)


SPECIAL = [0.0, -0.0, 1.0, -1.0, INF, -INF, NAN, 0.5, -2.5, 2.5, 1e-30, 100.0]

# ==============================================================================================
# unary

# name -> (torch fn, domain, smooth (gradcheck), differentiable)
UNARY = {
    "neg": (torch.neg, "any", True, True),
    "abs": (torch.abs, "nonzero", True, True),
    "sign": (torch.sign, "nonzero", True, True),
    "exp": (torch.exp, "small", True, True),
    "exp2": (torch.exp2, "small", True, True),
    "log": (torch.log, "pos", True, True),
    "log2": (torch.log2, "pos", True, True),
    "log10": (torch.log10, "pos", True, True),
    "log1p": (torch.log1p, "gtm1", True, True),
    "expm1": (torch.expm1, "small", True, True),
    "sqrt": (torch.sqrt, "pos", True, True),
    "rsqrt": (torch.rsqrt, "pos", True, True),
    "sin": (torch.sin, "any", True, True),
    "cos": (torch.cos, "any", True, True),
    "tan": (torch.tan, "trig", True, True),
    "asin": (torch.asin, "unit", True, True),
    "acos": (torch.acos, "unit", True, True),
    "atan": (torch.atan, "any", True, True),
    "sinh": (torch.sinh, "small", True, True),
    "cosh": (torch.cosh, "small", True, True),
    "tanh": (torch.tanh, "any", True, True),
    "asinh": (torch.asinh, "any", True, True),
    "acosh": (torch.acosh, "gt1", True, True),
    "atanh": (torch.atanh, "unit", True, True),
    "sigmoid": (torch.sigmoid, "any", True, True),
    "erf": (torch.erf, "any", True, True),
    "erfc": (torch.erfc, "any", True, True),
    "erfinv": (torch.erfinv, "unit", True, True),
    "floor": (torch.floor, "frac", True, True),
    "ceil": (torch.ceil, "frac", True, True),
    "round": (torch.round, "frac", True, True),
    "trunc": (torch.trunc, "frac", True, True),
    "frac": (torch.frac, "frac", True, True),
    "reciprocal": (torch.reciprocal, "nonzero", True, True),
    "relu": (torch.relu, "nonzero", True, True),
    "square": (torch.square, "any", True, True),
    "logicalNot": (torch.logical_not, "any", False, False),
    "isnan": (torch.isnan, "any", False, False),
    "isinf": (torch.isinf, "any", False, False),
    "isfinite": (torch.isfinite, "any", False, False),
}


def unary_input(op: Op, domain: str, shape, dtype="float32"):
    if domain == "any":
        return op.randn(shape, dtype, scale=1.5)
    if domain == "nonzero":
        return op.away(shape, -3, 3, 0.2, dtype)
    if domain == "small":
        return op.uniform(shape, -3, 3, dtype)
    if domain == "pos":
        return op.uniform(shape, 0.1, 5, dtype)
    if domain == "gtm1":
        return op.uniform(shape, -0.9, 4, dtype)
    if domain == "trig":
        return op.uniform(shape, -1.2, 1.2, dtype)
    if domain == "unit":
        return op.uniform(shape, -0.9, 0.9, dtype)
    if domain == "gt1":
        return op.uniform(shape, 1.1, 5, dtype)
    if domain == "frac":
        # away from integers and half-integers: x = k + f with f in [0.1,0.4] U [0.6,0.9]
        k = op.randint(shape, -4, 4, "float64")
        f = op.uniform(shape, 0.1, 0.4, "float64", decimals=2) + 0.5 * op.randint(shape, 0, 2, "float64")
        return (k + f).to(torch.float32 if dtype == "float32" else torch.float64)
    raise ValueError(domain)


def unary_ops():
    for name, (fn, domain, smooth, diff) in UNARY.items():
        op = new(name, fn)
        op.add("f32_3x4", [unary_input(op, domain, (3, 4))], grad=diff)
        op.add("f64_2x3", [unary_input(op, domain, (2, 3), "float64")], grad=diff, gradcheck=diff and smooth)
        op.add("f32_0dim", [unary_input(op, domain, ())], grad=diff)
        op.add("f32_2x1x3", [unary_input(op, domain, (2, 1, 3))], grad=diff)
        op.add("f32_empty_0x3", [torch.zeros(0, 3)], grad=diff)
        op.add("f32_special", [t32(SPECIAL)], grad=False)
        op.add("f64_special", [t64(SPECIAL)], grad=False)
        ints = i32([-3, -1, 0, 1, 2, 5]) if domain not in ("pos", "gt1", "unit", "gtm1") else i32([1, 2, 3, 4, 5, 7])
        if domain == "unit":
            ints = i32([-1, 0, 1, 0, 1, -1])
        if domain == "gtm1":
            ints = i32([0, 1, 2, 3, 4, 5])
        op.try_add("i32", [ints], grad=False)
        if name in ("logicalNot", "isnan", "isinf", "isfinite", "sign", "abs"):
            op.try_add("bool", [bt([True, False, True, False])], grad=False)
    # edge values that matter for gradients
    ops = {o.name: o for o in OPS}
    ops["abs"].add("f32_zeros_grad", [t32([0.0, -0.0, 1.5, -2.0, 0.0])])
    ops["sign"].add("f32_zeros_grad", [t32([0.0, -0.0, 1.5, -2.0, 0.0])])
    ops["relu"].add("f32_zeros_grad", [t32([0.0, -0.0, 1.5, -2.0, 0.0])])
    ops["round"].add("f32_half_even", [t32([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49, 3.51])], grad=False)
    ops["round"].add("f64_half_even", [t64([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49, 3.51])], grad=False)
    ops["frac"].add("f32_negative", [t32([-1.25, -0.75, 2.25, -3.5])])
    ops["trunc"].add("f32_negative", [t32([-1.25, -0.75, 2.25, -3.5])], grad=False)
    ops["sqrt"].add("f32_zero_neg", [t32([0.0, -1.0, 4.0])], grad=False)
    ops["log"].add("f32_zero_neg", [t32([0.0, -1.0, 1.0])], grad=False)
    ops["sigmoid"].add("f32_large", [t32([-100.0, -20.0, 0.0, 20.0, 100.0])])
    ops["tanh"].add("f32_large", [t32([-100.0, -20.0, 0.0, 20.0, 100.0])])
    ops["exp"].add("f32_overflow", [t32([88.0, 89.0, -104.0, -110.0])], grad=False)
    ops["erfinv"].add("f32_bounds", [t32([-1.0, 1.0, 0.0, 1.5])], grad=False)
    ops["neg"].err("bool", [bt([True, False])], {}, "Negation, the `-` operator, on a bool tensor is not supported")


# ==============================================================================================
# binary

BINARY = {
    "add": torch.add,
    "sub": torch.sub,
    "mul": torch.mul,
    "div": torch.div,
    "pow": torch.pow,
    "maximum": torch.maximum,
    "minimum": torch.minimum,
    "atan2": torch.atan2,
    "remainder": torch.remainder,
    "fmod": torch.fmod,
    "eq": torch.eq,
    "ne": torch.ne,
    "lt": torch.lt,
    "le": torch.le,
    "gt": torch.gt,
    "ge": torch.ge,
    "logicalAnd": torch.logical_and,
    "logicalOr": torch.logical_or,
    "logicalXor": torch.logical_xor,
}
COMPARE = {"eq", "ne", "lt", "le", "gt", "ge"}
LOGICAL = {"logicalAnd", "logicalOr", "logicalXor"}


def bin_pair(op: Op, sa, sb, dtype="float32"):
    n = op.name
    if n == "pow":
        return op.uniform(sa, 0.2, 2.5, dtype), op.uniform(sb, -2, 2.5, dtype)
    if n in ("div",):
        return op.randn(sa, dtype, 2), op.away(sb, -3, 3, 0.3, dtype)
    if n in ("remainder", "fmod"):
        a = op.uniform(sa, -6, 6, dtype, decimals=2)
        b = op.away(sb, -2.5, 2.5, 0.5, dtype, decimals=1) + 0.05 * (1 if dtype == "float32" else 1)
        return a, b.to(a.dtype)
    if n in COMPARE or n in LOGICAL:
        pool = torch.tensor([-1.0, 0.0, 0.5, 1.0, 2.0])
        a = pool[torch.tensor(op.rng.integers(0, 5, tuple(sa)))].to(torch.float32 if dtype == "float32" else torch.float64)
        b = pool[torch.tensor(op.rng.integers(0, 5, tuple(sb)))].to(a.dtype)
        return a, b
    if n in ("maximum", "minimum"):
        a = op.randn(sa, dtype, 1.5, decimals=1)
        b = op.randn(sb, dtype, 1.5, decimals=1)
        return a, b
    return op.randn(sa, dtype, 1.5), op.randn(sb, dtype, 1.5)


def binary_ops():
    for name, fn in BINARY.items():
        op = new(name, fn)
        diff = name not in COMPARE and name not in LOGICAL
        gc = diff and name not in ("maximum", "minimum")
        a, b = bin_pair(op, (3, 4), (3, 4))
        op.add("f32_3x4", [a, b], grad=diff)
        a, b = bin_pair(op, (2, 3), (2, 3), "float64")
        op.add("f64_2x3", [a, b], grad=diff, gradcheck=gc)
        a, b = bin_pair(op, (2, 3, 1), (1, 4))
        op.add("f32_bcast_2x3x1_1x4", [a, b], grad=diff)
        a, b = bin_pair(op, (3, 1), (4,), "float64")
        op.add("f64_bcast_3x1_4", [a, b], grad=diff, gradcheck=gc)
        a, b = bin_pair(op, (4,), (2, 3, 1))
        op.add("f32_bcast_4_2x3x1", [a, b], grad=diff)
        a, b = bin_pair(op, (2, 3), ())
        op.add("f32_0dim_rhs", [a, b], grad=diff)
        a, b = bin_pair(op, (), ())
        op.add("f32_0dim_both", [a, b], grad=diff)
        op.add("f32_empty", [torch.zeros(0, 3), torch.ones(1, 3)], grad=diff)
        # Python scalar on the right
        a, _ = bin_pair(op, (2, 3), (1,))
        scal = {"pow": 2, "div": 2.5, "remainder": 1.5, "fmod": 1.5}.get(name, 0.5)
        if name in COMPARE or name in LOGICAL:
            scal = 0.5 if name in COMPARE else 1.0
        op.try_add("f32_scalar", [a, scal], grad=diff)
        if name == "pow":
            op.add("f32_scalar_half", [a, 0.5])
            op.add("f32_scalar_neg1", [a, -1])
            op.add("f32_scalar_3_negbase", [op.randn((2, 3), scale=1.5), 3])
            op.add("f32_scalar_0", [op.randn((2, 3), scale=1.5), 0])
            op.add("f32_int_exponent_tensor_negbase", [op.randn((2, 3), scale=1.5), t32([2.0, 3.0, 1.0])], grad=[True, False])
        # dtypes
        ia = i32([[-7, -3, 0], [2, 5, 9]])
        ib = i32([[2, -2, 3], [3, -4, 4]])
        if name == "pow":
            ia, ib = i32([[-3, -1, 0], [2, 5, 3]]), i32([[2, 3, 4], [0, 1, 3]])
        op.try_add("i32", [ia, ib], grad=False)
        op.try_add("i32_scalar", [ia, 2], grad=False)
        op.try_add("i32_f32_promote", [ia, bin_pair(op, (2, 3), (2, 3))[1]], grad=diff)
        op.try_add("i32_scalar_float", [ia, 2.5], grad=False)
        a, b = bin_pair(op, (2, 3), (2, 3))
        op.try_add("f32_f64_promote", [a, b.double()], grad=diff)
        op.try_add("f32_f64_0dim", [a, t64(1.5)], grad=diff)
        if name in LOGICAL or name in ("eq", "ne"):
            op.add("bool", [bt([[True, False, True], [False, False, True]]), bt([True, True, False])], grad=False)
            op.add("i32_f32_mixed", [i32([[0, 1, 2], [-1, 0, 3]]), t32([0.0, 0.5, 0.0])], grad=False)
        # shape error
        op.err("shape_mismatch", [torch.ones(3, 4), torch.ones(2, 4)], {}, "must match the size of tensor")
    ops = {o.name: o for o in OPS}
    # ties / special values
    for n in ("maximum", "minimum"):
        ops[n].add("f32_ties", [t32([1.0, 2.0, -1.0, 0.5, 3.0]), t32([1.0, 1.0, -1.0, 0.5, 4.0])])
        ops[n].add("f32_nan", [t32([NAN, 1.0, 2.0, INF]), t32([0.0, NAN, 1.0, -INF])], grad=False)
    for n in COMPARE:
        ops[n].add("f32_nan_inf", [t32([NAN, 1.0, INF, -INF, NAN, 0.0]), t32([NAN, NAN, INF, 0.0, 1.0, -0.0])], grad=False)
    ops["div"].add("f32_div_zero", [t32([1.0, -1.0, 0.0, 2.0]), t32([0.0, 0.0, 0.0, -0.0])], grad=False)
    ops["div"].add("f32_floor", [t32([[-7.5, -3.0, 0.5], [2.0, 5.5, 9.25]]), t32([2.0, -2.0, 3.0])], {"roundingMode": "floor"}, grad=False)
    ops["div"].add("f32_trunc", [t32([[-7.5, -3.0, 0.5], [2.0, 5.5, 9.25]]), t32([2.0, -2.0, 3.0])], {"roundingMode": "trunc"}, grad=False)
    ops["div"].add("i32_floor", [i32([[-7, -3, 0], [2, 5, 9]]), i32([2, -2, 4])], {"roundingMode": "floor"}, grad=False)
    ops["div"].add("i32_trunc", [i32([[-7, -3, 0], [2, 5, 9]]), i32([2, -2, 4])], {"roundingMode": "trunc"}, grad=False)
    ops["div"].add("f64_floor_scalar", [t64([-7.5, -3.0, 0.5, 9.25]), 2], {"roundingMode": "floor"}, grad=False)
    ops["add"].add("f32_alpha", [op_randn(ops["add"], (2, 3)), op_randn(ops["add"], (3,))], {"alpha": 2})
    ops["add"].add("f32_alpha_scalar", [op_randn(ops["add"], (2, 3)), 1.5], {"alpha": -2})
    ops["add"].add("i32_alpha", [i32([1, 2, 3]), i32([4, 5, 6])], {"alpha": 3}, grad=False)
    ops["pow"].err("i32_negative_exponent", [i32([1, 2, 3]), -1], {}, "Integers to negative integer powers are not allowed")
    ops["remainder"].add("f32_signs", [t32([5.5, -5.5, 5.5, -5.5, 3.0, -3.0]), t32([2.0, 2.0, -2.0, -2.0, 1.5, 1.5])], grad=False)
    ops["fmod"].add("f32_signs", [t32([5.5, -5.5, 5.5, -5.5, 3.0, -3.0]), t32([2.0, 2.0, -2.0, -2.0, 1.5, 1.5])], grad=False)
    ops["remainder"].add("i32_signs", [i32([5, -5, 5, -5, 6, -6]), i32([3, 3, -3, -3, 3, 3])], grad=False)
    ops["fmod"].add("i32_signs", [i32([5, -5, 5, -5, 6, -6]), i32([3, 3, -3, -3, 3, 3])], grad=False)
    ops["atan2"].add("f32_quadrants", [t32([1.0, 1.0, -1.0, -1.0, 0.0, 0.0, 2.0]), t32([1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 0.0])], grad=False)
    ops["atan2"].add("f32_quadrants_grad", [t32([1.0, 1.0, -1.0, -1.0, 0.5]), t32([1.0, -1.0, 1.0, -1.0, 2.0])])


def op_randn(op: Op, shape, dtype="float32"):
    return op.randn(shape, dtype, 1.5)


# ==============================================================================================
# clamp / where / maskedFill / nanToNum / lerp


def misc_elementwise():
    op = new("clamp", torch.clamp)
    x = op.distinct((3, 4), scale=0.5)
    op.add("f32_both", [x, -1.0, 1.0])
    op.add("f32_min_only", [x, 0.0, None])
    op.add("f32_max_only", [x, None, 0.5])
    op.add("f64_both", [op.distinct((2, 3), "float64", 0.5), -0.4, 0.4], gradcheck=True)
    op.add("f32_boundary", [t32([-1.0, 1.0, 0.0, -2.0, 2.0]), -1.0, 1.0])
    op.add("f32_min_gt_max", [t32([-1.0, 1.0, 0.0, 3.0]), 2.0, 1.0])
    op.add("f32_nan", [t32([NAN, 1.0, -5.0]), -1.0, 1.0], grad=False)
    op.add("f32_tensor_bounds", [op.distinct((2, 3), scale=0.5), t32([-0.5, 0.0, 0.5]), t32([[0.3], [0.8]])])
    op.add("f32_tensor_min_only", [op.distinct((2, 3), scale=0.5), t32([-0.2, 0.1, 0.25]), None])
    op.add("i32", [i32([-5, -1, 0, 3, 9]), -2, 4], grad=False)
    op.add("i32_float_bound", [i32([-5, -1, 0, 3, 9]), -1.5, 2.5], grad=False)
    op.err("none_none", [torch.ones(3), None, None], {}, "At least one of 'min' or 'max' must not be None")

    op = new("where", torch.where)
    cond = op.bools((3, 4))
    op.add("f32_3x4", [cond, op.randn((3, 4)), op.randn((3, 4))])
    op.add("f64_bcast", [op.bools((3, 1)), op.randn((1, 4), "float64"), op.randn((3, 4), "float64")], gradcheck=True)
    op.add("f32_bcast_cond", [op.bools((4,)), op.randn((2, 3, 1)), op.randn((3, 4))])
    op.add("f32_scalar_other", [cond, op.randn((3, 4)), 0.0], grad=[False, True, False])
    op.add("f32_scalar_self", [cond, -1.5, op.randn((3, 4))], grad=[False, False, True])
    op.add("i32", [cond, op.randint((3, 4), -5, 5), op.randint((3, 4), -5, 5)], grad=False)
    op.add("mixed_i32_f32", [cond, op.randint((3, 4), -5, 5), op.randn((3, 4))], grad=[False, False, True])
    op.add("bool_values", [cond, op.bools((3, 4)), op.bools((3, 4))], grad=False)
    op.add("f32_nan_inf_passthrough", [bt([True, False, True, False]), t32([NAN, 1.0, INF, 2.0]), t32([0.0, NAN, 1.0, -INF])], grad=False)
    op.err("float_cond", [torch.ones(3), torch.ones(3), torch.zeros(3)], {}, "where expected condition to be a boolean tensor")
    op.err("shape_mismatch", [bt([True, False, True]), torch.ones(4), torch.zeros(3)], {}, "must match the size of tensor")

    op = new("maskedFill", lambda x, m, v: x.masked_fill(m, v))
    op.add("f32_3x4", [op.randn((3, 4)), op.bools((3, 4)), -1.5], grad=[True, False, False])
    op.add("f32_bcast_mask", [op.randn((3, 4)), op.bools((4,)), 2.0], grad=[True, False, False])
    op.add("f64_bcast_mask_col", [op.randn((3, 4), "float64"), op.bools((3, 1)), 0.0], grad=[True, False, False], gradcheck=True)
    op.add("f32_neg_inf", [op.randn((2, 3)), bt([[True, False, False], [False, False, True]]), -INF], grad=[True, False, False])
    op.add("i32", [op.randint((2, 3), -5, 5), op.bools((2, 3)), 7], grad=False)
    op.add("bool", [op.bools((2, 3)), op.bools((2, 3)), True], grad=False)
    op.add("f32_0dim_value", [op.randn((2, 3)), op.bools((2, 3)), t32(3.25)], grad=[True, False, False])
    op.err("mask_shape", [torch.ones(3, 4), bt([True, False, True]), 0.0], {}, "must match the size of tensor")

    # exact op: computed in the input dtype (float32 max is not float64 max)
    op = new("nanToNum", torch.nan_to_num)
    op.add = functools.partial(op.add, upcast=False)
    sp = [NAN, INF, -INF, 1.5, -2.0, 0.0]
    op.add("f32_default", [t32(sp)])
    op.add("f64_default", [t64(sp)])
    op.add("f32_args", [t32(sp), 0.5, 100.0, -100.0])
    op.add("f32_nan_only", [t32(sp), -1.0])
    op.add("f32_2x3_grad", [op.randn((2, 3))])
    op.add("f64_grad", [op.randn((2, 3), "float64")], gradcheck=True)
    op.add("i32", [i32([1, -2, 3])], grad=False)

    op = new("lerp", torch.lerp)
    op.add("f32_scalar_weight", [op.randn((3, 4)), op.randn((3, 4)), 0.25], grad=[True, True, False])
    op.add("f32_tensor_weight", [op.randn((3, 4)), op.randn((3, 4)), op.uniform((3, 4), 0, 1)])
    op.add("f32_bcast", [op.randn((2, 3, 1)), op.randn((4,)), op.uniform((3, 1), 0, 1)])
    op.add("f64_tensor_weight", [op.randn((2, 3), "float64"), op.randn((2, 3), "float64"), op.uniform((2, 3), 0, 1, "float64")], gradcheck=True)
    op.add("f32_weight_gt_half", [op.randn((5,)), op.randn((5,)), t32([0.0, 0.3, 0.5, 0.7, 1.0])])
    op.add("f32_extrapolate", [op.randn((4,)), op.randn((4,)), 1.5], grad=[True, True, False])


# ==============================================================================================
# reductions


def reduction_ops():
    def std_red(name, fn, diff=True, ints=True, gc=True, distinct=False):
        op = new(name, fn)
        mk = (lambda s, d="float32": op.distinct(s, d, 0.1)) if distinct else (lambda s, d="float32": op.randn(s, d))
        x = mk((2, 3, 4))
        op.add("f32_all", [x], grad=diff)
        op.add("f32_dim1", [x, 1], grad=diff)
        op.add("f32_dim_neg1_keepdim", [x, -1, True], grad=diff)
        op.add("f32_dim0_nokeep", [x, 0, False], grad=diff)
        op.add("f64_dim1_keepdim", [mk((3, 4), "float64"), 1, True], grad=diff, gradcheck=diff and gc)
        op.add("f32_1d", [mk((5,))], grad=diff)
        op.add("f32_1d_dim0", [mk((5,)), 0], grad=diff)
        op.add("f32_0dim", [mk(())], grad=diff)
        op.add("f32_0dim_dim0", [mk(()), 0], grad=diff)
        if ints:
            op.try_add("i32_all", [i32([[3, -1, 4], [1, -5, 9]])], grad=False)
            op.try_add("i32_dim0", [i32([[3, -1, 4], [1, -5, 9]]), 0], grad=False)
        op.err("dim_out_of_range", [torch.ones(2, 3), 2], {}, "Dimension out of range")
        return op

    sum_ = std_red("sum", torch.sum)
    sum_.add("f32_dims_list", [sum_.randn((2, 3, 4)), [0, 2]])
    sum_.add("f32_dims_list_keepdim", [sum_.randn((2, 3, 4)), [-1, 0], True])
    sum_.add("f32_empty_all", [torch.zeros(0, 3)])
    sum_.add("f32_empty_dim0", [torch.zeros(0, 3), 0])
    sum_.add("bool_all", [bt([[True, False, True], [True, True, False]])], grad=False)
    sum_.add("bool_dim1", [bt([[True, False, True], [True, True, False]]), 1], grad=False)
    sum_.err("dup_dims", [torch.ones(2, 3), [0, 0]], {}, "appears multiple times in the list of dims")

    mean = std_red("mean", torch.mean, ints=False)
    mean.add("f32_dims_list", [mean.randn((2, 3, 4)), [0, 2]])
    mean.add("f32_dims_list_keepdim", [mean.randn((2, 3, 4)), [1, 2], True])
    mean.add("f32_empty_all", [torch.zeros(0, 3)], grad=False)
    mean.err("i32", [i32([1, 2, 3])], {}, "could not infer output dtype")

    prod = std_red("prod", torch.prod)
    prod.add("f32_one_zero", [t32([[1.5, 0.0, -2.0], [0.5, 2.0, 3.0]]), 1])
    prod.add("f32_two_zeros", [t32([[0.0, 0.0, -2.0], [0.5, 0.0, 3.0]]), 1])
    prod.add("f32_all_one_zero", [t32([[1.5, 0.0, -2.0], [0.5, 2.0, 3.0]])])
    prod.add("f32_empty_dim0", [torch.zeros(0, 3), 0])

    for name, fn in (("amax", torch.amax), ("amin", torch.amin)):
        op = new(name, fn)
        x = op.distinct((2, 3, 4))
        op.add("f32_dim1", [x, 1])
        op.add("f32_dims_all", [x, [0, 1, 2]])
        op.add("f32_dims_list_keepdim", [x, [0, -1], True])
        op.add("f32_dim_neg1_keepdim", [x, -1, True])
        op.add("f64_dim0", [op.distinct((3, 4), "float64"), 0], gradcheck=True)
        op.add("f32_ties", [t32([[1.0, 3.0, 3.0], [-2.0, -2.0, -2.0]]), 1])
        op.add("f32_nan", [t32([[1.0, NAN, 3.0], [-2.0, 0.0, INF]]), 1], grad=False)
        op.add("i32_dim1", [i32([[3, -1, 4], [1, -5, 9]]), 1], grad=False)
        op.add("f32_empty_list_all", [x, []])
        op.err("dim_out_of_range", [torch.ones(2, 3), 3], {}, "Dimension out of range")
        op.err("empty_dim", [torch.ones(0, 3), 0], {}, "Expected reduction dim 0 to have non-zero size")

    for name, fn in (("argmax", torch.argmax), ("argmin", torch.argmin)):
        op = new(name, fn)
        x = op.distinct((2, 3, 4))
        op.add("f32_all", [x], grad=False)
        op.add("f32_dim1", [x, 1], grad=False)
        op.add("f32_dim_neg1_keepdim", [x, -1, True], grad=False)
        op.add("f64_dim0", [op.distinct((3, 4), "float64"), 0], grad=False)
        op.add("f32_ties_first", [t32([[1.0, 3.0, 3.0, 0.0], [-2.0, -2.0, -2.0, -3.0]]), 1], grad=False)
        op.add("f32_ties_all", [t32([[2.0, 0.0, 2.0], [0.0, 2.0, 0.0]])], grad=False)
        op.add("f32_nan", [t32([[1.0, NAN, 3.0], [-INF, 0.0, INF]]), 1], grad=False)
        op.add("i32_dim1", [i32([[3, -1, 4], [1, -5, 9]]), 1], grad=False)
        op.add("f32_0dim", [t32(2.5)], grad=False)
        op.err("dim_out_of_range", [torch.ones(2, 3), -3], {}, "Dimension out of range")
        op.err("empty", [torch.ones(0)], {}, "Expected reduction dim to be specified")

    op = new("logsumexp", torch.logsumexp)
    x = op.randn((2, 3, 4), scale=2)
    op.add("f32_dim1", [x, 1])
    op.add("f32_dim_neg1_keepdim", [x, -1, True])
    op.add("f32_dims_list", [x, [0, 2]])
    op.add("f64_dim1", [op.randn((3, 4), "float64", 2), 1], gradcheck=True)
    op.add("f32_large", [t32([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -999.0]]), 1])
    op.add("f32_some_neg_inf", [t32([[-INF, 0.5, 1.0], [2.0, -INF, -INF]]), 1])
    op.add("f32_neg_inf_row", [t32([[-INF, -INF, -INF], [0.0, 1.0, 2.0]]), 1], grad=False)
    op.add("f32_pos_inf", [t32([[INF, 0.0, 1.0], [NAN, 0.0, 1.0]]), 1], grad=False)
    op.add("f32_0dim", [t32(1.5), 0])
    op.err("dim_out_of_range", [torch.ones(2, 3), 2], {}, "Dimension out of range")

    for name, fn in (("all", torch.all), ("any", torch.any)):
        op = new(name, fn)
        b = bt([[True, True, False, True], [True, True, True, True], [False, False, False, False]])
        op.add("bool_all", [b], grad=False)
        op.add("bool_dim1", [b, 1], grad=False)
        op.add("bool_dim0_keepdim", [b, 0, True], grad=False)
        op.add("bool_dim_neg1", [b, -1], grad=False)
        op.add("f32_dim1", [t32([[1.0, 0.0, NAN], [0.5, -1.0, 2.0], [0.0, 0.0, 0.0]]), 1], grad=False)
        op.add("f32_all", [t32([[1.0, 0.5], [NAN, -1.0]])], grad=False)
        op.add("i32_dim0", [i32([[1, 0, 3], [2, 0, 0]]), 0], grad=False)
        op.add("bool_empty", [torch.zeros(0, dtype=torch.bool)], grad=False)
        op.add("bool_empty_dim", [torch.zeros(2, 0, dtype=torch.bool), 1], grad=False)
        op.err("dim_out_of_range", [bt([True]), 1], {}, "Dimension out of range")

    for name, fn in (("max", torch.max), ("min", torch.min)):
        op = new(name, fn)
        x = op.distinct((2, 3, 4))
        op.add("f32_all", [x])
        op.add("f32_dim1", [x, 1])
        op.add("f32_dim_neg1_keepdim", [x, -1, True])
        op.add("f32_dim0_nokeep", [x, 0, False])
        op.add("f64_dim1", [op.distinct((3, 4), "float64"), 1], gradcheck=True)
        op.add("f64_all", [op.distinct((3, 4), "float64")], gradcheck=True)
        op.add("f32_ties_all", [t32([[2.0, 0.0, 2.0], [0.0, 2.0, -3.0]]) * (1 if name == "max" else -1)])
        op.add("f32_ties_dim1", [t32([[1.0, 3.0, 3.0, 0.0], [-2.0, -2.0, -2.0, -3.0]]) * (1 if name == "max" else -1), 1])
        op.add("f32_nan", [t32([[1.0, NAN, 3.0], [-INF, 0.0, INF]]), 1], grad=False)
        op.add("f32_nan_all", [t32([[1.0, NAN, 3.0], [-INF, 0.0, INF]])], grad=False)
        op.add("i32_dim1", [i32([[3, -1, 4], [1, -5, 9]]), 1], grad=False)
        op.add("i32_all", [i32([[3, -1, 4], [1, -5, 9]])], grad=False)
        op.add("f32_0dim_dim0", [t32(2.5), 0])
        op.err("dim_out_of_range", [torch.ones(2, 3), 2], {}, "Dimension out of range")
        op.err("empty_all", [torch.ones(0)], {}, "Expected reduction dim to be specified")
        op.err("empty_dim", [torch.ones(0, 3), 0], {}, "Expected reduction dim 0 to have non-zero size")

    for name, fn in (("var", torch.var), ("std", torch.std)):
        op = new(name, fn)
        x = op.randn((2, 3, 4))
        op.add("f32_all", [x])
        op.add("f32_dim1", [x, 1])
        op.add("f32_dim1_correction0", [x, 1], {"correction": 0})
        op.add("f32_dim_neg1_keepdim", [x, -1], {"keepdim": True})
        op.add("f32_dims_list_keepdim_c2", [x, [0, 2]], {"correction": 2, "keepdim": True})
        op.add("f32_all_null_dim_correction0", [x, None], {"correction": 0})
        op.add("f64_dim0", [op.randn((3, 4), "float64"), 0], gradcheck=True)
        op.add("f64_all", [op.randn((3, 4), "float64")], gradcheck=True)
        op.add("f32_single_element", [t32([1.5]), 0], grad=False)
        op.add("f32_constant", [t32([[2.0, 2.0, 2.0], [1.0, 2.0, 3.0]]), 1], grad=name == "var")
        op.err("dim_out_of_range", [torch.ones(2, 3), 2], {}, "Dimension out of range")
        op.err("i32", [i32([1, 2, 3]), 0], {}, "std and var only support floating point and complex dtypes")

    op = new("norm", torch.norm)
    x = op.distinct((3, 4), scale=0.3)
    for p in (1, 2, 3, INF, -INF, "fro"):
        pn = {INF: "inf", -INF: "neginf"}.get(p, str(p))
        op.add(f"f32_p{pn}_all", [x, p])
        if p != "fro":
            op.add(f"f32_p{pn}_dim1", [x, p, 1])
            op.add(f"f32_p{pn}_dim0_keepdim", [x, p, 0, True])
        op.add(f"f64_p{pn}_dim_neg1", [op.distinct((2, 3), "float64", 0.3), p, -1 if p != "fro" else [0, 1]], gradcheck=True)
    op.add("f32_pfro_dims_keepdim", [op.distinct((2, 3, 4), scale=0.3), "fro", [1, 2], True])
    op.add("f32_p2_zero_row", [t32([[0.0, 0.0, 0.0], [3.0, 4.0, 0.0]]), 2, 1])
    op.add("f32_p2_3d_dims", [op.distinct((2, 3, 4), scale=0.3), 2, [0, 2]])
    op.add("f32_p2_0dim", [t32(-2.5), 2])
    op.err("dim_out_of_range", [torch.ones(2, 3), 2, 2], {}, "Dimension out of range")

    for name, fn in (("cumsum", torch.cumsum), ("cumprod", torch.cumprod)):
        op = new(name, fn)
        op.add("f32_dim1", [op.randn((3, 4)), 1])
        op.add("f32_dim0", [op.randn((3, 4)), 0])
        op.add("f32_dim_neg1_3d", [op.randn((2, 3, 4)), -1])
        op.add("f64_dim1", [op.randn((3, 4), "float64"), 1], gradcheck=True)
        op.add("f32_1d", [op.randn((6,)), 0])
        op.add("f32_0dim", [t32(1.5), 0])
        op.add("i32_dim1", [i32([[3, -1, 4], [1, -5, 2]]), 1], grad=False)
        op.add("bool_dim0", [bt([True, False, True, True]), 0], grad=False)
        op.add("f32_empty", [torch.zeros(0, 3), 0])
        op.err("dim_out_of_range", [torch.ones(2, 3), 2], {}, "Dimension out of range")
        if name == "cumprod":
            op.add("f32_one_zero", [t32([[1.5, 0.0, -2.0, 3.0], [0.5, 2.0, 0.0, 0.0]]), 1])


# ==============================================================================================
# linalg / softmax


def linalg_ops():
    op = new("matmul", torch.matmul)
    r = lambda s, d="float32": op.randn(s, d)  # noqa: E731
    op.add("f32_1d_1d", [r((4,)), r((4,))])
    op.add("f32_2d_1d", [r((3, 4)), r((4,))])
    op.add("f32_1d_2d", [r((3,)), r((3, 4))])
    op.add("f32_2d_2d", [r((3, 4)), r((4, 2))])
    op.add("f32_3d_3d", [r((2, 3, 4)), r((2, 4, 2))])
    op.add("f32_3d_2d", [r((2, 3, 4)), r((4, 2))])
    op.add("f32_2d_3d", [r((3, 4)), r((2, 4, 2))])
    op.add("f32_3d_1d", [r((2, 3, 4)), r((4,))])
    op.add("f32_1d_3d", [r((3,)), r((2, 3, 4))])
    op.add("f32_bcast_4d_3d", [r((2, 1, 3, 4)), r((3, 4, 2))])
    op.add("f64_2d_2d", [r((3, 4), "float64"), r((4, 2), "float64")], gradcheck=True)
    op.add("f64_bcast", [r((2, 1, 2, 3), "float64"), r((2, 3, 2), "float64")], gradcheck=True)
    op.add("f32_empty_inner", [torch.zeros(3, 0), torch.zeros(0, 2)])
    op.try_add("i32_2d_2d", [i32([[1, 2], [3, 4], [5, -6]]), i32([[1, 0, 2], [-1, 3, 1]])], grad=False)
    op.err("shape_2d", [torch.ones(2, 3), torch.ones(4, 5)], {}, "cannot be multiplied")
    op.err("shape_1d", [torch.ones(3), torch.ones(4)], {}, "inconsistent tensor size")
    op.err("shape_batched", [torch.ones(2, 3, 4), torch.ones(2, 5, 2)], {}, "Expected size for first two dimensions of batch2 tensor")
    op.err("batch_mismatch", [torch.ones(2, 3, 4), torch.ones(3, 4, 2)], {}, "must match the size of tensor")
    op.err("0dim", [torch.ones(()), torch.ones(3)], {}, "both arguments to matmul need to be at least 1D")

    op = new("mm", torch.mm)
    op.add("f32", [r((3, 4)), r((4, 2))])
    op.add("f64", [r((2, 3), "float64"), r((3, 4), "float64")], gradcheck=True)
    op.add("f32_1x1", [r((1, 1)), r((1, 5))])
    op.try_add("i32", [i32([[1, 2], [3, 4]]), i32([[1, -1], [2, 0]])], grad=False)
    op.err("shape", [torch.ones(2, 3), torch.ones(4, 5)], {}, "cannot be multiplied (2x3 and 4x5)")
    op.err("not_2d", [torch.ones(3), torch.ones(3, 2)], {}, "self must be a matrix")

    op = new("bmm", torch.bmm)
    op.add("f32", [r((2, 3, 4)), r((2, 4, 2))])
    op.add("f64", [r((2, 2, 3), "float64"), r((2, 3, 2), "float64")], gradcheck=True)
    op.err("batch", [torch.ones(2, 3, 4), torch.ones(3, 4, 2)], {}, "Expected size for first two dimensions of batch2 tensor")
    op.err("not_3d", [torch.ones(3, 4), torch.ones(4, 2)], {}, "batch1 must be a 3D tensor")

    op = new("addmm", torch.addmm)
    op.add("f32", [r((3, 2)), r((3, 4)), r((4, 2))])
    op.add("f32_bcast_row", [r((2,)), r((3, 4)), r((4, 2))])
    op.add("f32_bcast_scalar", [r((1,)), r((3, 4)), r((4, 2))])
    op.add("f32_beta_alpha", [r((3, 2)), r((3, 4)), r((4, 2))], {"beta": 0.5, "alpha": 2})
    op.add("f32_beta0_nan_ignored", [t32([[NAN, 1.0], [INF, 2.0]]), r((2, 3)), r((3, 2))], {"beta": 0}, grad=[False, True, True])
    op.add("f64", [r((2, 3), "float64"), r((2, 4), "float64"), r((4, 3), "float64")], {"beta": 1.5, "alpha": -0.5}, gradcheck=True)
    op.err("shape", [torch.ones(2, 2), torch.ones(2, 3), torch.ones(4, 2)], {}, "cannot be multiplied")

    op = new("outer", torch.outer)
    op.add("f32", [r((3,)), r((4,))])
    op.add("f64", [r((3,), "float64"), r((2,), "float64")], gradcheck=True)
    op.add("i32", [i32([1, 2, -3]), i32([2, 5])], grad=False)

    op = new("dot", torch.dot)
    op.add("f32", [r((5,)), r((5,))])
    op.add("f64", [r((4,), "float64"), r((4,), "float64")], gradcheck=True)
    op.add("i32", [i32([1, 2, -3]), i32([2, 5, 1])], grad=False)
    op.add("f32_empty", [torch.zeros(0), torch.zeros(0)])
    op.err("size", [torch.ones(3), torch.ones(4)], {}, "inconsistent tensor size")
    op.err("not_1d", [torch.ones(2, 2), torch.ones(2, 2)], {}, "1D tensors expected")

    op = new("mv", torch.mv)
    op.add("f32", [r((3, 4)), r((4,))])
    op.add("f64", [r((2, 3), "float64"), r((3,), "float64")], gradcheck=True)
    op.err("size", [torch.ones(3, 4), torch.ones(3)], {}, "size mismatch")

    for name, fn in (("softmax", torch.softmax), ("logSoftmax", torch.log_softmax)):
        op = new(name, fn)
        op.add("f32_dim1", [r((3, 4)), 1])
        op.add("f32_dim0", [r((3, 4)), 0])
        op.add("f32_dim_neg1_3d", [r((2, 3, 4)), -1])
        op.add("f32_dim1_3d", [r((2, 3, 4)), 1])
        op.add("f64_dim1", [r((3, 4), "float64"), 1], gradcheck=True)
        op.add("f32_1d", [r((5,)), 0])
        op.add("f32_0dim", [t32(1.5), 0])
        op.add("f32_large", [t32([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -999.0]]), 1])
        op.add("f32_neg_inf_entries", [t32([[-INF, 0.5, 1.0], [2.0, -INF, -INF]]), 1])
        op.add("f32_neg_inf_row", [t32([[-INF, -INF, -INF], [0.0, 1.0, 2.0]]), 1], grad=False)
        op.add("f32_nan", [t32([[NAN, 0.5, 1.0], [2.0, 0.0, 1.0]]), 1], grad=False)
        op.add("f32_empty", [torch.zeros(0, 3), 1])
        op.err("dim_out_of_range", [torch.ones(2, 3), 2], {}, "Dimension out of range")


# ==============================================================================================
# creation


def creation_ops():
    dt = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int32, "bool": torch.bool}

    def kw(d):
        return {k: (dt[v] if k == "dtype" else v) for k, v in d.items()}

    op = new("arange", lambda *a, **k: torch.arange(*a, **kw(k)))
    op.add("end_int", [5], grad=False)
    op.add("start_end_step_int", [1, 8, 2], grad=False)
    op.add("negative_step", [5, -3, -2], grad=False)
    op.add("float_step", [0, 1, 0.25], grad=False)
    op.add("float_step_inexact", [-1, 1, 0.3], grad=False)
    op.add("float_end", [2.5], grad=False)
    op.add("dtype_float32", [4], {"dtype": "float32"}, grad=False)
    op.add("dtype_float64", [0, 1, 0.1], {"dtype": "float64"}, grad=False)
    op.add("dtype_int32", [0, 7, 3], {"dtype": "int32"}, grad=False)
    op.add("empty", [3, 3], grad=False)
    op.err("zero_step", [0, 5, 0], {}, "step must be nonzero")
    op.err("bad_sign", [0, 5, -1], {}, "upper bound and larger bound inconsistent with step sign")

    op = new("linspace", lambda *a, **k: torch.linspace(*a, **kw(k)))
    op.add("steps5", [0, 1, 5], grad=False)
    op.add("negative", [2, -3, 6], grad=False)
    op.add("steps1", [-1, 1, 1], grad=False)
    op.add("steps0", [0, 1, 0], grad=False)
    op.add("f64", [0, 1, 7], {"dtype": "float64"}, grad=False)
    op.add("steps2", [3.5, 4.5, 2], grad=False)
    op.err("negative_steps", [0, 1, -1], {}, "number of steps must be non-negative")

    op = new("eye", lambda *a, **k: torch.eye(*a, **kw(k)))
    op.add("n3", [3], grad=False)
    op.add("n2_m4", [2, 4], grad=False)
    op.add("n4_m2", [4, 2], grad=False)
    op.add("n0", [0], grad=False)
    op.add("f64", [2], {"dtype": "float64"}, grad=False)
    op.add("i32", [3, 2], {"dtype": "int32"}, grad=False)
    op.add("bool", [2], {"dtype": "bool"}, grad=False)
    op.err("negative", [-1], {}, "n must be greater or equal to 0, got -1")

    op = new("full", lambda *a, **k: torch.full(*a, **kw(k)))
    op.add("float_value", [[2, 3], 1.5], grad=False)
    op.add("f64", [[3], -2.25], {"dtype": "float64"}, grad=False)
    op.add("int_value_inferred", [[2, 2], 7], grad=False)
    op.add("int_value_f32", [[2, 2], 7], {"dtype": "float32"}, grad=False)
    op.add("bool_value", [[3], True], grad=False)
    op.add("i32", [[2], -4], {"dtype": "int32"}, grad=False)
    op.add("inf", [[2], INF], grad=False)
    op.add("scalar_shape", [[], 3.5], grad=False)
    op.add("empty", [[0, 3], 2.5], grad=False)

    for name, fn in (("zeros", torch.zeros), ("ones", torch.ones)):
        op = new(name, lambda *a, _f=fn, **k: _f(*a, **kw(k)))
        op.add("default_2x3", [[2, 3]], grad=False)
        op.add("f64", [[3]], {"dtype": "float64"}, grad=False)
        op.add("i32", [[2, 2]], {"dtype": "int32"}, grad=False)
        op.add("bool", [[4]], {"dtype": "bool"}, grad=False)
        op.add("scalar", [[]], grad=False)
        op.add("empty", [[0]], grad=False)
        op.add("3d", [[1, 2, 3]], grad=False)


# ==============================================================================================


def main() -> int:
    unary_ops()
    binary_ops()
    misc_elementwise()
    reduction_ops()
    linalg_ops()
    shape_ops(new)
    nn_ops(new)
    creation_ops()

    os.makedirs(OUT_DIR, exist_ok=True)
    names = []
    for op in OPS:
        assert op.name not in names, f"duplicate op {op.name}"
        names.append(op.name)
        with open(os.path.join(OUT_DIR, f"{op.name}.json"), "w") as f:
            f.write(op.to_json())
    # stale files of ops that no longer exist
    for fname in os.listdir(OUT_DIR):
        if fname.endswith(".json") and fname != "index.json" and fname[:-5] not in names:
            os.remove(os.path.join(OUT_DIR, fname))
    with open(os.path.join(OUT_DIR, "index.json"), "w") as f:
        json.dump({"torch": torch.__version__.split("+")[0], "ops": names}, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT_DIR, n)) for n in os.listdir(OUT_DIR))
    n_samples = sum(len(o.samples) for o in OPS)
    n_err = sum(1 for o in OPS for s in o.samples if "error" in s)
    print(f"goldens: {len(OPS)} ops, {n_samples} samples ({n_err} error samples), {total / 1024:.0f} KiB in {os.path.relpath(OUT_DIR, ROOT)}")
    for w in WARNINGS:
        print("warning:", w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
