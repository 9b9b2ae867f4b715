import { randn } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { useCpu } from './helpers.js';

useCpu();

describe('repr', () => {
  it('matches PyTorch for the layers', () => {
    const cases: [nn.Module, string][] = [
      [new nn.Linear(4, 2), 'Linear(in_features=4, out_features=2, bias=True)'],
      [
        new nn.Bilinear(2, 3, 4, { bias: false }),
        'Bilinear(in1_features=2, in2_features=3, out_features=4, bias=False)',
      ],
      [new nn.LazyLinear(3), 'LazyLinear(in_features=0, out_features=3, bias=True)'],
      [new nn.Identity(), 'Identity()'],
      [new nn.ReLU(), 'ReLU()'],
      [new nn.ReLU({ inplace: true }), 'ReLU(inplace=True)'],
      [new nn.ReLU6(), 'ReLU6()'],
      [new nn.Hardtanh(), 'Hardtanh(min_val=-1.0, max_val=1.0)'],
      [new nn.LeakyReLU(), 'LeakyReLU(negative_slope=0.01)'],
      [new nn.PReLU(), 'PReLU(num_parameters=1)'],
      [new nn.RReLU(), 'RReLU(lower=0.125, upper=0.3333333333333333)'],
      [new nn.ELU(), 'ELU(alpha=1.0)'],
      [new nn.CELU(), 'CELU(alpha=1.0)'],
      [new nn.SELU(), 'SELU()'],
      [new nn.GELU(), "GELU(approximate='none')"],
      [new nn.SiLU(), 'SiLU()'],
      [new nn.Mish(), 'Mish()'],
      [new nn.Hardsigmoid(), 'Hardsigmoid()'],
      [new nn.Hardswish(), 'Hardswish()'],
      [new nn.Softplus(), 'Softplus(beta=1.0, threshold=20.0)'],
      [new nn.Softshrink(), 'Softshrink(0.5)'],
      [new nn.Hardshrink(), 'Hardshrink(0.5)'],
      [new nn.Threshold(0.1, 20), 'Threshold(threshold=0.1, value=20)'],
      [new nn.GLU(), 'GLU(dim=-1)'],
      [new nn.Softmax({ dim: 1 }), 'Softmax(dim=1)'],
      [new nn.Softmax(), 'Softmax(dim=None)'],
      [new nn.LogSoftmax({ dim: 1 }), 'LogSoftmax(dim=1)'],
      [new nn.Softmin({ dim: 1 }), 'Softmin(dim=1)'],
      [new nn.Softmax2d(), 'Softmax2d()'],
      [
        new nn.BatchNorm1d(4),
        'BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
      ],
      [
        new nn.BatchNorm2d(3, { momentum: null }),
        'BatchNorm2d(3, eps=1e-05, momentum=None, affine=True, track_running_stats=True)',
      ],
      [
        new nn.InstanceNorm1d(4),
        'InstanceNorm1d(4, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)',
      ],
      [new nn.LayerNorm(5), 'LayerNorm((5,), eps=1e-05, elementwise_affine=True)'],
      [new nn.LayerNorm([4, 5]), 'LayerNorm((4, 5), eps=1e-05, elementwise_affine=True)'],
      [new nn.RMSNorm([4]), 'RMSNorm((4,), eps=None, elementwise_affine=True)'],
      [new nn.GroupNorm(2, 4), 'GroupNorm(2, 4, eps=1e-05, affine=True)'],
      [new nn.LocalResponseNorm(3), 'LocalResponseNorm(3, alpha=0.0001, beta=0.75, k=1.0)'],
      [new nn.Dropout(), 'Dropout(p=0.5, inplace=False)'],
      [new nn.Dropout2d({ p: 0.3 }), 'Dropout2d(p=0.3, inplace=False)'],
      [new nn.AlphaDropout({ p: 0.2 }), 'AlphaDropout(p=0.2, inplace=False)'],
      [new nn.Embedding(10, 3), 'Embedding(10, 3)'],
      [
        new nn.Embedding(10, 3, {
          paddingIdx: 0,
          maxNorm: 1,
          normType: 1,
          scaleGradByFreq: true,
          sparse: true,
        }),
        'Embedding(10, 3, padding_idx=0, max_norm=1, norm_type=1, scale_grad_by_freq=True, sparse=True)',
      ],
      [new nn.EmbeddingBag(10, 3), 'EmbeddingBag(10, 3, mode=mean)'],
      [
        new nn.EmbeddingBag(10, 3, { mode: 'sum', maxNorm: 1.5, paddingIdx: 2 }),
        'EmbeddingBag(10, 3, max_norm=1.5, mode=sum, padding_idx=2)',
      ],
      [new nn.Flatten(), 'Flatten(start_dim=1, end_dim=-1)'],
      [new nn.Unflatten(1, [2, 3]), 'Unflatten(dim=1, unflattened_size=(2, 3))'],
      [new nn.Sigmoid(), 'Sigmoid()'],
    ];
    for (const [m, s] of cases) expect(m.toString()).toBe(s);
  });

  it('nests children with indentation', () => {
    const m = new nn.Sequential(new nn.Linear(4, 2), new nn.ReLU(), new nn.Sequential(new nn.Linear(2, 2)));
    expect(m.toString()).toBe(
      [
        'Sequential(',
        '  (0): Linear(in_features=4, out_features=2, bias=True)',
        '  (1): ReLU()',
        '  (2): Sequential(',
        '    (0): Linear(in_features=2, out_features=2, bias=True)',
        '  )',
        ')',
      ].join('\n'),
    );
    expect(new nn.Sequential().toString()).toBe('Sequential()');
    expect(new nn.ModuleDict({ fc: new nn.Linear(2, 3) }).toString()).toBe(
      'ModuleDict(\n  (fc): Linear(in_features=2, out_features=3, bias=True)\n)',
    );
  });

  it('ModuleList compresses repeated children (PyTorch 2)', () => {
    const m = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2), new nn.ReLU()]);
    expect(m.toString()).toBe(
      'ModuleList(\n  (0-1): 2 x Linear(in_features=2, out_features=2, bias=True)\n  (2): ReLU()\n)',
    );
    expect(new nn.ModuleList().toString()).toBe('ModuleList()');
  });

  it('prints parameter containers like PyTorch', () => {
    const pl = new nn.ParameterList([new nn.Parameter(randn(2, 3)), new nn.Parameter(randn(4))]);
    expect(pl.toString()).toBe(
      'ParameterList(\n    (0): Parameter containing: [torch.float32 of size 2x3]\n    (1): Parameter containing: [torch.float32 of size 4]\n)',
    );
    const pd = new nn.ParameterDict({ a: new nn.Parameter(randn(2, 3)) });
    expect(pd.toString()).toBe('ParameterDict(  (a): Parameter containing: [torch.FloatTensor of size 2x3])');
  });

  it('uses a user module class name and extraRepr', () => {
    class Block extends nn.Module {
      declare fc: nn.Linear;
      constructor() {
        super();
        this.fc = new nn.Linear(1, 1);
      }
      override extraRepr(): string {
        return 'depth=2';
      }
    }
    expect(new Block().toString()).toBe(
      'Block(\n  depth=2\n  (fc): Linear(in_features=1, out_features=1, bias=True)\n)',
    );
  });
});
