#!/usr/bin/env python3
"""Optimizer and learning-rate-scheduler goldens for @kindling/optim, computed by PyTorch.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 packages/optim/scripts/goldens.py

Writes packages/optim/test/fixtures/goldens.json: a small deterministic problem (parameters w, b;
loss = mean((tanh(x @ w + b) - y)^2), float32) and, for each optimizer / scheduler config, the
parameters after each of 10 steps (zero_grad, backward, opt.step(), sched.step()) with the group
learning rates (and momentum / beta1 where a scheduler cycles them).

NAdam and RAdam with `decoupled_weight_decay`, and NAdam in general, follow PyTorch 2's update:
PyTorch 1.13 (installed here) double-counts mu_t in NAdam's second term, a bug fixed in 2.0, and
has no decoupled_weight_decay. For those configs the optimizer below is a line-by-line port of
PyTorch 2's _single_tensor_nadam / _single_tensor_radam running on torch tensors.
"""
import json
import math
import os
import re

import torch

torch.set_default_dtype(torch.float32)
STEPS = 10
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'goldens.json')


def camel(k):
    return re.sub(r'_([a-z0-9])', lambda m: m.group(1).upper(), k)


def camel_opts(d):
    out = {}
    for k, v in d.items():
        key = {'T_max': 'TMax'}.get(k, camel(k))
        out[key] = list(v) if isinstance(v, tuple) else v
    return out


def spec(t):
    return {'shape': list(t.shape), 'dtype': 'float32', 'data': [float(v) for v in t.detach().reshape(-1).tolist()]}


g = torch.Generator().manual_seed(1234)
X = torch.randn(6, 3, generator=g)
Y = torch.rand(6, 4, generator=g) * 2 - 1
W0 = torch.randn(3, 4, generator=g) * 0.5
B0 = torch.randn(4, generator=g) * 0.1


def loss_fn(w, b):
    return ((torch.tanh(X @ w + b) - Y) ** 2).mean()


class NAdam2(torch.optim.Optimizer):
    """PyTorch 2's NAdam (single-tensor path), for the goldens."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, maximize=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group['lr'], group['betas'], group['eps']
            wd, md = group['weight_decay'], group['momentum_decay']
            for param in group['params']:
                if param.grad is None:
                    continue
                grad = param.grad if not group['maximize'] else -param.grad
                state = self.state[param]
                if len(state) == 0:
                    state['step'] = torch.tensor(0.)
                    state['mu_product'] = torch.tensor(1.)
                    state['exp_avg'] = torch.zeros_like(param)
                    state['exp_avg_sq'] = torch.zeros_like(param)
                exp_avg, exp_avg_sq, mu_product = state['exp_avg'], state['exp_avg_sq'], state['mu_product']
                state['step'] += 1
                step = state['step'].item()
                bias_correction2 = 1 - beta2 ** step
                if wd != 0:
                    if group['decoupled_weight_decay']:
                        param.mul_(1 - lr * wd)
                    else:
                        grad = grad.add(param, alpha=wd)
                mu = beta1 * (1. - 0.5 * (0.96 ** (step * md)))
                mu_next = beta1 * (1. - 0.5 * (0.96 ** ((step + 1) * md)))
                mu_product *= mu
                exp_avg.lerp_(grad, 1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = exp_avg_sq.div(bias_correction2).sqrt()
                mu_product_next = mu_product.item() * mu_next
                denom.add_(eps)
                param.addcdiv_(grad, denom, value=(-lr * (1. - mu) / (1. - mu_product.item())))
                param.addcdiv_(exp_avg, denom, value=(-lr * mu_next) / (1. - mu_product_next))


class RAdam2(torch.optim.Optimizer):
    """PyTorch 2's RAdam (single-tensor path), for decoupled weight decay / maximize."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, maximize=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, (beta1, beta2), eps, wd = group['lr'], group['betas'], group['eps'], group['weight_decay']
            for param in group['params']:
                if param.grad is None:
                    continue
                grad = param.grad if not group['maximize'] else -param.grad
                state = self.state[param]
                if len(state) == 0:
                    state['step'] = torch.tensor(0.)
                    state['exp_avg'] = torch.zeros_like(param)
                    state['exp_avg_sq'] = torch.zeros_like(param)
                exp_avg, exp_avg_sq = state['exp_avg'], state['exp_avg_sq']
                state['step'] += 1
                step = state['step'].item()
                if wd != 0:
                    if group['decoupled_weight_decay']:
                        param.mul_(1 - lr * wd)
                    else:
                        grad = grad.add(param, alpha=wd)
                exp_avg.lerp_(grad, 1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                bias_corrected_exp_avg = exp_avg / bias_correction1
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    adaptive_lr = (bias_correction2 ** 0.5) / exp_avg_sq.sqrt().add_(eps)
                    param.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
                else:
                    param.add_(bias_corrected_exp_avg * lr, alpha=-1.0)


OPTIMIZERS = {
    'SGD': torch.optim.SGD, 'Adam': torch.optim.Adam, 'AdamW': torch.optim.AdamW,
    'RMSprop': torch.optim.RMSprop, 'Adagrad': torch.optim.Adagrad, 'Adadelta': torch.optim.Adadelta,
    'Adamax': torch.optim.Adamax, 'NAdam': NAdam2, 'RAdam': torch.optim.RAdam, 'RAdam2': RAdam2,
}

LAMBDAS = {'0.95**epoch': lambda e: 0.95 ** e, '1/(1+epoch)': lambda e: 1 / (1 + e)}


def make_scheduler(opt, s):
    kind = s['type']
    o = dict(s.get('options', {}))
    S = torch.optim.lr_scheduler
    if kind == 'LambdaLR':
        return S.LambdaLR(opt, LAMBDAS[s['lambda']])
    if kind == 'MultiplicativeLR':
        return S.MultiplicativeLR(opt, LAMBDAS[s['lambda']])
    if kind == 'SequentialLR':
        subs = [make_scheduler(opt, sub) for sub in s['schedulers']]
        return S.SequentialLR(opt, subs, milestones=s['milestones'])
    return getattr(S, kind)(opt, **o)


def scheduler_json(s):
    out = {'type': s['type']}
    if 'options' in s:
        out['options'] = camel_opts(s['options'])
    for k in ('lambda', 'milestones', 'metrics'):
        if k in s:
            out[k] = s[k]
    if 'schedulers' in s:
        out['schedulers'] = [scheduler_json(x) for x in s['schedulers']]
    return out


def run(case):
    w = W0.clone().requires_grad_(True)
    b = B0.clone().requires_grad_(True)
    named = {'w': w, 'b': b}
    cls = OPTIMIZERS[case['optimizer']]
    opts = case.get('options', {})
    if 'groups' in case:
        groups = [dict(params=[named[n] for n in gr['params']], **{k: v for k, v in gr.items() if k != 'params'})
                  for gr in case['groups']]
        opt = cls(groups, **opts)
    else:
        opt = cls([w, b], **opts)
    sched = make_scheduler(opt, case['scheduler']) if 'scheduler' in case else None
    steps = []
    metrics = case.get('scheduler', {}).get('metrics')
    for i in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(w, b)
        loss.backward()
        opt.step()
        if sched is not None:
            if metrics is not None:
                sched.step(metrics[i])
            else:
                sched.step()
        rec = {'loss': float(loss), 'w': spec(w)['data'], 'b': spec(b)['data'],
               'lr': [float(gr['lr']) for gr in opt.param_groups]}
        if any('momentum' in gr for gr in opt.param_groups) and case['optimizer'] in ('SGD', 'RMSprop'):
            rec['momentum'] = [float(gr['momentum']) for gr in opt.param_groups]
        if 'betas' in opt.param_groups[0]:
            rec['beta1'] = [float(gr['betas'][0]) for gr in opt.param_groups]
        steps.append(rec)
    out = {'id': case['id'], 'optimizer': case['optimizer'].replace('RAdam2', 'RAdam'),
           'options': camel_opts(opts), 'steps': steps}
    if 'groups' in case:
        out['groups'] = [camel_opts(gr) for gr in case['groups']]
    if 'scheduler' in case:
        out['scheduler'] = scheduler_json(case['scheduler'])
    if case['optimizer'] in ('NAdam', 'RAdam2'):
        out['reference'] = 'PyTorch 2 update ported to torch ops (see scripts/goldens.py)'
    return out


CASES = [
    # SGD
    {'id': 'SGD/plain', 'optimizer': 'SGD', 'options': {'lr': 0.1}},
    {'id': 'SGD/momentum-dampening-wd', 'optimizer': 'SGD',
     'options': {'lr': 0.1, 'momentum': 0.9, 'dampening': 0.1, 'weight_decay': 0.01}},
    {'id': 'SGD/nesterov', 'optimizer': 'SGD', 'options': {'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'weight_decay': 0.02}},
    {'id': 'SGD/maximize', 'optimizer': 'SGD', 'options': {'lr': 0.05, 'momentum': 0.5, 'maximize': True}},
    {'id': 'SGD/groups', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'groups': [{'params': ['w']}, {'params': ['b'], 'lr': 0.01, 'momentum': 0.5, 'weight_decay': 0.1}]},
    # Adam family
    {'id': 'Adam/default', 'optimizer': 'Adam', 'options': {'lr': 0.01}},
    {'id': 'Adam/amsgrad-wd', 'optimizer': 'Adam', 'options': {'lr': 0.02, 'betas': (0.8, 0.99), 'weight_decay': 0.1, 'amsgrad': True}},
    {'id': 'Adam/maximize', 'optimizer': 'Adam', 'options': {'lr': 0.01, 'maximize': True, 'eps': 1e-6}},
    {'id': 'Adam/groups', 'optimizer': 'Adam', 'options': {'lr': 0.01},
     'groups': [{'params': ['w'], 'amsgrad': True}, {'params': ['b'], 'lr': 0.05, 'betas': (0.5, 0.9)}]},
    {'id': 'AdamW/default', 'optimizer': 'AdamW', 'options': {'lr': 0.01}},
    {'id': 'AdamW/amsgrad', 'optimizer': 'AdamW', 'options': {'lr': 0.02, 'weight_decay': 0.1, 'amsgrad': True, 'maximize': True}},
    # the others
    {'id': 'RMSprop/default', 'optimizer': 'RMSprop', 'options': {'lr': 0.01}},
    {'id': 'RMSprop/centered-momentum-wd', 'optimizer': 'RMSprop',
     'options': {'lr': 0.01, 'alpha': 0.9, 'momentum': 0.8, 'centered': True, 'weight_decay': 0.05}},
    {'id': 'RMSprop/maximize', 'optimizer': 'RMSprop', 'options': {'lr': 0.005, 'maximize': True, 'momentum': 0.5}},
    {'id': 'Adagrad/default', 'optimizer': 'Adagrad', 'options': {'lr': 0.1}},
    {'id': 'Adagrad/decay-wd-init', 'optimizer': 'Adagrad',
     'options': {'lr': 0.1, 'lr_decay': 0.05, 'weight_decay': 0.01, 'initial_accumulator_value': 0.1, 'maximize': True}},
    {'id': 'Adadelta/default', 'optimizer': 'Adadelta', 'options': {}},
    {'id': 'Adadelta/wd', 'optimizer': 'Adadelta', 'options': {'lr': 0.5, 'rho': 0.8, 'eps': 1e-5, 'weight_decay': 0.1, 'maximize': True}},
    {'id': 'Adamax/default', 'optimizer': 'Adamax', 'options': {'lr': 0.01}},
    {'id': 'Adamax/wd', 'optimizer': 'Adamax', 'options': {'lr': 0.02, 'betas': (0.8, 0.95), 'weight_decay': 0.1, 'maximize': True}},
    {'id': 'NAdam/default', 'optimizer': 'NAdam', 'options': {'lr': 0.01}},
    {'id': 'NAdam/wd', 'optimizer': 'NAdam', 'options': {'lr': 0.02, 'weight_decay': 0.1, 'momentum_decay': 0.01}},
    {'id': 'NAdam/decoupled-maximize', 'optimizer': 'NAdam',
     'options': {'lr': 0.02, 'weight_decay': 0.1, 'decoupled_weight_decay': True, 'maximize': True}},
    {'id': 'RAdam/default', 'optimizer': 'RAdam', 'options': {'lr': 0.01}},
    {'id': 'RAdam/wd', 'optimizer': 'RAdam', 'options': {'lr': 0.02, 'betas': (0.8, 0.99), 'weight_decay': 0.1}},
    {'id': 'RAdam/decoupled-maximize', 'optimizer': 'RAdam2',
     'options': {'lr': 0.02, 'weight_decay': 0.1, 'decoupled_weight_decay': True, 'maximize': True}},
    # schedulers (on SGD with momentum unless noted)
    {'id': 'StepLR', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'scheduler': {'type': 'StepLR', 'options': {'step_size': 3, 'gamma': 0.5}}},
    {'id': 'MultiStepLR', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'scheduler': {'type': 'MultiStepLR', 'options': {'milestones': [2, 5, 5, 8], 'gamma': 0.3}}},
    {'id': 'ExponentialLR', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'scheduler': {'type': 'ExponentialLR', 'options': {'gamma': 0.8}}},
    {'id': 'CosineAnnealingLR', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'groups': [{'params': ['w']}, {'params': ['b'], 'lr': 0.05}],
     'scheduler': {'type': 'CosineAnnealingLR', 'options': {'T_max': 4, 'eta_min': 0.01}}},
    {'id': 'OneCycleLR/SGD', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'scheduler': {'type': 'OneCycleLR', 'options': {'max_lr': 0.5, 'total_steps': 10}}},
    {'id': 'OneCycleLR/Adam-linear-three-phase', 'optimizer': 'Adam', 'options': {'lr': 0.01},
     'scheduler': {'type': 'OneCycleLR', 'options': {'max_lr': 0.05, 'total_steps': 12, 'anneal_strategy': 'linear',
                                                      'three_phase': True, 'pct_start': 0.25}}},
    {'id': 'LinearLR', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'scheduler': {'type': 'LinearLR', 'options': {'start_factor': 0.25, 'total_iters': 4}}},
    {'id': 'ConstantLR', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'scheduler': {'type': 'ConstantLR', 'options': {'factor': 0.5, 'total_iters': 3}}},
    {'id': 'PolynomialLR', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'scheduler': {'type': 'PolynomialLR', 'options': {'total_iters': 6, 'power': 2.0}}},
    {'id': 'ReduceLROnPlateau', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'scheduler': {'type': 'ReduceLROnPlateau', 'options': {'mode': 'min', 'factor': 0.5, 'patience': 1, 'cooldown': 1},
                   'metrics': [1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85]}},
    {'id': 'ReduceLROnPlateau/max-abs', 'optimizer': 'Adam', 'options': {'lr': 0.01},
     'scheduler': {'type': 'ReduceLROnPlateau', 'options': {'mode': 'max', 'factor': 0.2, 'patience': 0,
                                                             'threshold': 0.05, 'threshold_mode': 'abs', 'min_lr': 0.001},
                   'metrics': [0.1, 0.2, 0.22, 0.3, 0.31, 0.5, 0.52, 0.53, 0.6, 0.61]}},
    {'id': 'LambdaLR', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'scheduler': {'type': 'LambdaLR', 'lambda': '0.95**epoch'}},
    {'id': 'MultiplicativeLR', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'scheduler': {'type': 'MultiplicativeLR', 'lambda': '1/(1+epoch)'}},
    {'id': 'SequentialLR', 'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
     'scheduler': {'type': 'SequentialLR', 'milestones': [3],
                   'schedulers': [{'type': 'LinearLR', 'options': {'start_factor': 0.5, 'total_iters': 3}},
                                  {'type': 'ExponentialLR', 'options': {'gamma': 0.9}}]}},
    {'id': 'SequentialLR/cosine', 'optimizer': 'Adam', 'options': {'lr': 0.02},
     'scheduler': {'type': 'SequentialLR', 'milestones': [2, 6],
                   'schedulers': [{'type': 'ConstantLR', 'options': {'factor': 0.1, 'total_iters': 2}},
                                  {'type': 'CosineAnnealingLR', 'options': {'T_max': 3}},
                                  {'type': 'StepLR', 'options': {'step_size': 2, 'gamma': 0.5}}]}},
]


def main():
    import warnings
    warnings.filterwarnings('ignore')
    doc = {
        'generator': 'packages/optim/scripts/goldens.py',
        'torch': torch.__version__,
        'steps': STEPS,
        'problem': {'x': spec(X), 'y': spec(Y), 'w': spec(W0), 'b': spec(B0),
                    'loss': 'mean((tanh(x @ w + b) - y) ** 2)'},
        'cases': [run(c) for c in CASES],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {len(doc["cases"])} cases to {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
