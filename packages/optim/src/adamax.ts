import { zerosLike } from '@kindling/tensor';
import { checkBetas } from './adam.js';
import { checkOption, directed, Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface AdamaxOptions {
  /** Learning rate (default 2e-3). */
  lr: number;
  /** Coefficients of the running average and of the infinity norm (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to |g| (default 1e-8). */
  eps: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** Maximize the objective (default false). */
  maximize: boolean;
  foreach?: boolean | null;
  differentiable?: boolean;
}

/**
 * Adamax (torch.optim.Adamax), Adam with the infinity norm: u ← max(β₂u, |g| + ε);
 * θ ← θ − γ/(1 − β₁ᵗ)·m/u.
 *
 * @example
 * const opt = new Adamax(model.parameters(), { lr: 2e-3 });
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: ParamsInput<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    const d: AdamaxOptions = {
      lr: 2e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      maximize: false,
      foreach: null,
      differentiable: false,
      ...options,
    };
    checkOption('Adamax', 'lr', d.lr, d.lr >= 0, 'learning rate');
    checkOption('Adamax', 'eps', d.eps, d.eps >= 0, 'epsilon value');
    checkBetas('Adamax', d.betas);
    checkOption('Adamax', 'weightDecay', d.weightDecay, d.weightDecay >= 0, 'weight_decay value');
    super(params, d);
  }

  protected _updateGroup(g: ParamGroup<AdamaxOptions>): void {
    const { lr, eps, weightDecay, maximize } = g;
    const [beta1, beta2] = g.betas;
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this._state(p, () => ({ step: 0, exp_avg: zerosLike(p), exp_inf: zerosLike(p) }));
      const step = (s.step as number) + 1;
      s.step = step;
      let grad = directed(p.grad, maximize);
      if (weightDecay !== 0) grad = grad.add(p, weightDecay);
      const expAvg = Optimizer._t(s, 'exp_avg');
      const expInf = Optimizer._t(s, 'exp_inf');
      expAvg.mul_(beta1).add_(grad, 1 - beta1);
      expInf.mul_(beta2);
      expInf.copy_(expInf.maximum(grad.abs().add_(eps)));
      const clr = lr / (1 - beta1 ** step);
      p.addcdiv_(expAvg, expInf, -clr);
    }
  }
}
