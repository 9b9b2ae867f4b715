"""Extra `utils` cases: clip_grad_norm_ / clip_grad_value_ / parameter-vector round trips."""

from __future__ import annotations

import torch
from torch.nn.utils import clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters

from case_lib import TOL, add_case, num, randn, seed_for, spec, repr_value

SHAPES = [(3, 4), (5,), (2, 2, 2)]


def _params(shapes):
    return [randn(*s) for s in shapes]


def _grads(shapes, none_at=(), scale=1.0):
    return [None if i in none_at else randn(*s, scale=scale) for i, s in enumerate(shapes)]


def _leaves(params, grads):
    leaves = [p.double().clone().requires_grad_(True) for p in params]
    for p, g in zip(leaves, grads):
        if g is not None:
            p.grad = g.double().clone()
    return leaves


def clip_norm(name, max_norm, norm_type, shapes=SHAPES, none_at=(), single=False, scale=1.0, grads=None):
    cid = f"utils/clipGradNorm_/{name}"
    seed_for(cid)
    params = _params(shapes)
    grads = grads or _grads(shapes, none_at, scale)
    leaves = _leaves(params, grads)
    total = clip_grad_norm_(leaves[0] if single else leaves, max_norm, norm_type=norm_type)
    nt = num(norm_type, False) if isinstance(norm_type, float) else norm_type
    kw = "" if norm_type == 2.0 else f", norm_type={repr_value(norm_type)}"
    case = {"id": cid, "kind": "clipGradNorm_", "area": "utils", "module": "clipGradNorm_", "requires": ["clipGradNorm_"],
            "torch": f"torch.nn.utils.clip_grad_norm_({'params[0]' if single else 'params'}, {max_norm}{kw})",
            "params": [spec(p) for p in params], "grads": [None if g is None else spec(g) for g in grads], "singleTensor": single,
            "args": [max_norm], "options": {"normType": nt},
            "expected": {"totalNorm": spec(total), "grads": [None if p.grad is None else spec(p.grad) for p in leaves]},
            "tolerance": TOL["utils"]}
    add_case("utils", "clipGradNorm_", case)


def clip_value(name, clip, shapes=SHAPES, none_at=(), single=False, scale=1.0):
    cid = f"utils/clipGradValue_/{name}"
    seed_for(cid)
    params = _params(shapes)
    grads = _grads(shapes, none_at, scale)
    leaves = _leaves(params, grads)
    clip_grad_value_(leaves[0] if single else leaves, clip)
    case = {"id": cid, "kind": "clipGradValue_", "area": "utils", "module": "clipGradValue_", "requires": ["clipGradValue_"],
            "torch": f"torch.nn.utils.clip_grad_value_({'params[0]' if single else 'params'}, {clip})",
            "params": [spec(p) for p in params], "grads": [None if g is None else spec(g) for g in grads], "singleTensor": single,
            "args": [clip], "options": {}, "expected": {"grads": [None if p.grad is None else spec(p.grad) for p in leaves]},
            "tolerance": TOL["utils"]}
    add_case("utils", "clipGradValue_", case)


def to_vector(name, shapes):
    cid = f"utils/parametersToVector/{name}"
    seed_for(cid)
    params = _params(shapes)
    case = {"id": cid, "kind": "parametersToVector", "area": "utils", "module": "parametersToVector", "requires": ["parametersToVector"],
            "torch": "torch.nn.utils.parameters_to_vector(params)", "params": [spec(p) for p in params], "args": [], "options": {},
            "expected": {"vector": spec(parameters_to_vector(params))}, "tolerance": TOL["utils"]}
    add_case("utils", "parametersToVector", case)


def from_vector(name, shapes):
    cid = f"utils/vectorToParameters/{name}"
    seed_for(cid)
    params = _params(shapes)
    n = sum(p.numel() for p in params)
    vec = randn(n)
    out = [p.clone() for p in params]
    vector_to_parameters(vec, out)
    case = {"id": cid, "kind": "vectorToParameters", "area": "utils", "module": "vectorToParameters", "requires": ["vectorToParameters"],
            "torch": "torch.nn.utils.vector_to_parameters(vec, params)", "params": [spec(p) for p in params], "vector": spec(vec),
            "args": [], "options": {}, "expected": {"params": [spec(p) for p in out]}, "tolerance": TOL["utils"]}
    add_case("utils", "vectorToParameters", case)


def generate():
    clip_norm("norm3", 1.0, 3.0)
    clip_norm("norm0.5", 2.0, 0.5)
    clip_norm("norm_inf_not_clipped", 100.0, float("inf"))
    clip_norm("single_tensor", 0.5, 2.0, shapes=[(4, 3)], single=True)
    clip_norm("single_tensor_inf", 0.5, float("inf"), shapes=[(6,)], single=True)
    clip_norm("null_grad", 1.0, 2.0, none_at=(1,))
    clip_norm("max_norm_zero", 0.0, 2.0)
    clip_norm("norm1_large", 1.0, 1.0, scale=50.0)
    clip_norm("tiny_grads", 1.0, 2.0, scale=1e-3)
    clip_norm("scalar_param", 0.3, 2.0, shapes=[(), (2, 3)])
    clip_norm("int_norm_type", 1.5, 2, shapes=[(3,), (2, 2)])
    clip_norm("many_params", 1.0, 2.0, shapes=[(2,), (3, 1), (1,), (2, 2, 1), (4,)])
    g = _grads(SHAPES)
    g[1][2] = float("inf")
    clip_norm("inf_grad", 1.0, 2.0, grads=g)
    g = _grads(SHAPES)
    g[0][1, 1] = float("nan")
    clip_norm("nan_grad", 1.0, 2.0, grads=g)
    g = _grads(SHAPES)
    g[2][0, 1, 0] = float("-inf")
    clip_norm("inf_grad_inf_norm", 1.0, float("inf"), grads=g)
    clip_value("clip0.1", 0.1)
    clip_value("not_clipped", 10.0)
    clip_value("single_tensor", 0.3, shapes=[(3, 3)], single=True)
    clip_value("null_grad", 0.5, none_at=(0, 2))
    clip_value("large_grads", 1.0, scale=20.0)
    clip_value("int_clip", 1, shapes=[(4,), (2, 3)])
    clip_value("clip0", 0.0, shapes=[(3,)])
    to_vector("single", [(3, 2)])
    to_vector("scalar_and_4d", [(), (1, 2, 2, 1), (3,)])
    to_vector("many", [(2,), (1,), (2, 3), (1, 1, 2)])
    from_vector("single", [(3, 2)])
    from_vector("scalar_and_4d", [(), (1, 2, 2, 1), (3,)])
    from_vector("many", [(2,), (1,), (2, 3), (1, 1, 2)])
