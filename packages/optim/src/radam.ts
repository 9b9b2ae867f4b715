import { zerosLike } from '@kindling/tensor';
import { checkBetas } from './adam.js';
import { checkOption, directed, Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface RAdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Coefficients of the running averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** Decay the weights directly, as AdamW does, instead of adding an L2 term (default false). */
  decoupledWeightDecay: boolean;
  /** Maximize the objective (default false). */
  maximize: boolean;
  foreach?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
}

/**
 * RAdam (torch.optim.RAdam), rectified Adam: while the approximated SMA length ρₜ ≤ 5 it takes
 * plain momentum steps θ ← θ − γ·m̂; afterwards adaptive steps scaled by the rectification term.
 *
 * @example
 * const opt = new RAdam(model.parameters(), { lr: 1e-3 });
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: ParamsInput<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    const d: RAdamOptions = {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      decoupledWeightDecay: false,
      maximize: false,
      foreach: null,
      capturable: false,
      differentiable: false,
      ...options,
    };
    checkOption('RAdam', 'lr', d.lr, d.lr >= 0, 'learning rate');
    checkOption('RAdam', 'eps', d.eps, d.eps >= 0, 'epsilon value');
    checkBetas('RAdam', d.betas);
    checkOption('RAdam', 'weightDecay', d.weightDecay, d.weightDecay >= 0, 'weight_decay value');
    super(params, d);
  }

  protected _updateGroup(g: ParamGroup<RAdamOptions>): void {
    const { lr, eps, weightDecay, decoupledWeightDecay, maximize } = g;
    const [beta1, beta2] = g.betas;
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this._state(p, () => ({ step: 0, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) }));
      const step = (s.step as number) + 1;
      s.step = step;
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2 = 1 - beta2 ** step;
      let grad = directed(p.grad, maximize);
      if (weightDecay !== 0) {
        if (decoupledWeightDecay) p.mul_(1 - lr * weightDecay);
        else grad = grad.add(p, weightDecay);
      }
      const expAvg = Optimizer._t(s, 'exp_avg');
      const expAvgSq = Optimizer._t(s, 'exp_avg_sq');
      expAvg.mul_(beta1).add_(grad, 1 - beta1);
      expAvgSq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
      const corrected = expAvg.div(biasCorrection1);
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
      if (rhoT > 5) {
        const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        // PyTorch's scalar / tensor is reciprocal(tensor) * scalar
        const adaptiveLr = expAvgSq.sqrt().add_(eps).reciprocal().mul(Math.sqrt(biasCorrection2));
        p.add_(corrected.mul(lr).mul(adaptiveLr).mul(rect), -1);
      } else p.add_(corrected.mul(lr), -1);
    }
  }
}
