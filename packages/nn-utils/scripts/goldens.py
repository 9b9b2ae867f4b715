#!/usr/bin/env python3
"""PyTorch goldens for @kindling/nn-utils.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 packages/nn-utils/scripts/goldens.py

Writes packages/nn-utils/test/fixtures/goldens.json. Each case gives a module's state dict after
the utility was applied (random parts, like spectral norm's u and v, included so Kindling can load
them), an input, PyTorch's output and the gradients of sum(output * gradOut), in float32.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.utils as U
from torch.nn.utils import parametrize, prune
from torch.nn.utils import parametrizations as P

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'goldens.json')


def spec(t):
    t = t.detach()
    return {'shape': list(t.shape), 'data': [float(v) for v in t.reshape(-1).tolist()]}


def state(m):
    return {k: spec(v) for k, v in m.state_dict().items()}


def run(m, x, mode='train'):
    m.train(mode == 'train')
    x = x.clone().requires_grad_(True)
    y = m(x)
    g = torch.linspace(-1, 1, y.numel()).reshape(y.shape)
    (y * g).sum().backward()
    return {
        'input': spec(x), 'output': spec(y), 'gradOut': spec(g), 'inputGrad': spec(x.grad),
        'paramGrads': {k: spec(p.grad) for k, p in m.named_parameters() if p.grad is not None},
        'stateAfter': state(m),
    }


def main():
    torch.manual_seed(0)
    cases = {}

    # weight_norm (hook based), dims 0, 1 and None
    for dim in (0, 1, None):
        m = U.weight_norm(nn.Linear(4, 3), dim=dim)
        cases[f'weightNorm/dim={dim}'] = {'build': {'dim': dim}, 'state': state(m), **run(m, torch.randn(5, 4))}
    m = U.weight_norm(nn.Conv2d(2, 3, 3), name='weight')
    cases['weightNorm/conv'] = {'state': state(m), **run(m, torch.randn(2, 2, 5, 5))}

    # spectral_norm (hook based): u, v from the state; one power iteration in train mode, none in eval
    for mode in ('train', 'eval'):
        m = U.spectral_norm(nn.Linear(5, 4), n_power_iterations=2)
        m(torch.randn(1, 5))  # a first training forward so u, v are not the raw random init
        st = state(m)
        cases[f'spectralNorm/{mode}'] = {'state': st, **run(m, torch.randn(3, 5), mode)}
    m = U.spectral_norm(nn.ConvTranspose2d(3, 2, 2))
    st = state(m)
    cases['spectralNorm/convTranspose'] = {'state': st, **run(m, torch.randn(1, 3, 3, 3))}

    # parametrizations.orthogonal: the three maps, tall / wide / square, with and without trivialization
    orth = [('matrix_exp', 4, 4, True), ('cayley', 4, 4, True), ('householder', 5, 3, True),
            ('matrix_exp', 3, 5, True), ('householder', 6, 4, False), ('cayley', 3, 5, True)]
    for omap, out_f, in_f, triv in orth:
        m = P.orthogonal(nn.Linear(in_f, out_f), orthogonal_map=omap, use_trivialization=triv)
        # move off the initial point so the map is exercised: perturb the original
        with torch.no_grad():
            m.parametrizations.weight.original.add_(0.3 * torch.randn_like(m.parametrizations.weight.original))
        cases[f'orthogonal/{omap}/{out_f}x{in_f}/triv={triv}'] = {
            'build': {'orthogonalMap': omap, 'useTrivialization': triv, 'out': out_f, 'in': in_f},
            'state': state(m), 'weight': spec(m.weight), **run(m, torch.randn(2, in_f))}
    # orthogonal's initial value: the Q of the weight's QR (diag R > 0)
    lin = nn.Linear(3, 5)
    w0 = lin.weight.detach().clone()
    P.orthogonal(lin, orthogonal_map='householder', use_trivialization=False)
    cases['orthogonal/init/householder'] = {'weight0': spec(w0), 'weight': spec(lin.weight), 'state': state(lin)}
    lin = nn.Linear(4, 4)
    w0 = lin.weight.detach().clone()
    P.orthogonal(lin)
    cases['orthogonal/init/matrix_exp'] = {'weight0': spec(w0), 'weight': spec(lin.weight), 'state': state(lin)}

    # parametrizations.weight_norm / spectral_norm
    # PyTorch 1.13 has no parametrizations.weight_norm: PyTorch 2's, ported
    class _WeightNorm(nn.Module):
        def __init__(self, dim=0):
            super().__init__()
            self.dim = -1 if dim is None else dim

        def forward(self, weight_g, weight_v):
            return torch._weight_norm(weight_v, weight_g, self.dim)

        def right_inverse(self, weight):
            return torch.norm_except_dim(weight, 2, self.dim), weight

    m = nn.Linear(4, 3)
    parametrize.register_parametrization(m, 'weight', _WeightNorm(0), unsafe=True)
    cases['parametrizations.weightNorm'] = {'state': state(m), **run(m, torch.randn(2, 4))}
    m = P.spectral_norm(nn.Linear(5, 4))
    cases['parametrizations.spectralNorm'] = {'state': state(m), **run(m, torch.randn(2, 5))}

    # prune: L1 masks (fraction, count, iterative), then remove
    m = nn.Linear(5, 4)
    prune.l1_unstructured(m, 'weight', amount=0.3)
    mask1 = spec(m.weight_mask)
    prune.l1_unstructured(m, 'weight', amount=0.5)
    mask2 = spec(m.weight_mask)
    prune.l1_unstructured(m, 'bias', amount=2)
    cases['prune/l1'] = {'weight': spec(m.weight_orig), 'bias': spec(m.bias_orig), 'mask1': mask1, 'mask2': mask2,
                         'biasMask': spec(m.bias_mask), 'keys': list(m.state_dict().keys()), **run(m, torch.randn(3, 5))}
    prune.remove(m, 'weight')
    cases['prune/l1']['keysAfterRemove'] = list(m.state_dict().keys())
    cases['prune/l1']['weightAfterRemove'] = spec(m.weight)

    # fuse_conv_bn_eval
    conv = nn.Conv2d(3, 4, 3, padding=1, bias=False)
    bn = nn.BatchNorm2d(4)
    with torch.no_grad():
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.5, 2)
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-1, 1)
    conv.eval()
    bn.eval()
    fused = U.fusion.fuse_conv_bn_eval(conv, bn)
    x = torch.randn(2, 3, 5, 5)
    cases['fuseConvBnEval'] = {'conv': state(conv), 'bn': state(bn), 'fused': state(fused), 'input': spec(x),
                               'output': spec(fused(x)), 'reference': spec(bn(conv(x)))}
    convt = nn.ConvTranspose2d(3, 4, 2, stride=2)
    bn2 = nn.BatchNorm2d(4)
    with torch.no_grad():
        bn2.running_mean.uniform_(-1, 1)
        bn2.running_var.uniform_(0.5, 2)
    convt.eval()
    bn2.eval()
    fused = U.fusion.fuse_conv_bn_eval(convt, bn2, transpose=True)
    cases['fuseConvBnEval/transpose'] = {'conv': state(convt), 'bn': state(bn2), 'fused': state(fused), 'input': spec(x),
                                         'output': spec(fused(x))}

    # functional_call with replacement parameters; gradients flow to them
    m = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    repl = {k: torch.randn_like(v).requires_grad_(True) for k, v in m.named_parameters() if k.startswith('0.')}
    x = torch.randn(5, 3)
    y = torch.func.functional_call(m, repl, (x,)) if hasattr(torch, 'func') else torch.nn.utils.stateless.functional_call(m, repl, (x,))
    y.sum().backward()
    cases['functionalCall'] = {'state': state(m), 'replacements': {k: spec(v) for k, v in repl.items()},
                               'replacementGrads': {k: spec(v.grad) for k, v in repl.items()}, 'input': spec(x),
                               'output': spec(y), 'plainOutput': spec(m(x))}

    # clip_grad_norm_ extras: norm 3, a non-finite norm
    g = [torch.tensor([[1.5, -2.0], [0.5, 3.0]]), torch.tensor([-1.0, 4.0, 0.25])]
    ps = [torch.zeros_like(t, requires_grad=True) for t in g]
    for p, t in zip(ps, g):
        p.grad = t.clone()
    total = U.clip_grad_norm_(ps, 2.0, norm_type=3.0)
    cases['clipGradNorm/norm3'] = {'grads': [spec(t) for t in g], 'total': float(total), 'clipped': [spec(p.grad) for p in ps]}

    # matrix_exp / householder_product directly
    a = torch.randn(4, 4) * 1.7
    cases['matrixExp'] = {'a': spec(a), 'exp': spec(torch.matrix_exp(a))}
    A = torch.randn(5, 3)
    tau = torch.rand(3)
    cases['householderProduct'] = {'a': spec(A), 'tau': spec(tau), 'q': spec(torch.linalg.householder_product(A, tau))}

    with open(OUT, 'w') as f:
        json.dump({'generator': 'packages/nn-utils/scripts/goldens.py', 'torch': torch.__version__, 'cases': cases}, f)
    print(f'wrote {len(cases)} cases to {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
