import { zerosLike } from '@kindling/tensor';
import { checkOption, directed, Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface AdadeltaOptions {
  /** Scale of the delta before it is applied (default 1.0). */
  lr: number;
  /** Coefficient of the running averages (default 0.9). */
  rho: number;
  /** Added inside the square roots (default 1e-6). */
  eps: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** Maximize the objective (default false). */
  maximize: boolean;
  foreach?: boolean | null;
  differentiable?: boolean;
}

/**
 * Adadelta (torch.optim.Adadelta): v ← ρv + (1 − ρ)g²; Δ ← √(u + ε) / √(v + ε) · g;
 * u ← ρu + (1 − ρ)Δ²; θ ← θ − γΔ.
 *
 * @example
 * const opt = new Adadelta(model.parameters(), { rho: 0.95 });
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: ParamsInput<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    const d: AdadeltaOptions = {
      lr: 1.0,
      rho: 0.9,
      eps: 1e-6,
      weightDecay: 0,
      maximize: false,
      foreach: null,
      differentiable: false,
      ...options,
    };
    checkOption('Adadelta', 'lr', d.lr, d.lr >= 0, 'learning rate');
    checkOption('Adadelta', 'rho', d.rho, d.rho >= 0 && d.rho <= 1, 'rho value');
    checkOption('Adadelta', 'eps', d.eps, d.eps >= 0, 'epsilon value');
    checkOption('Adadelta', 'weightDecay', d.weightDecay, d.weightDecay >= 0, 'weight_decay value');
    super(params, d);
  }

  protected _updateGroup(g: ParamGroup<AdadeltaOptions>): void {
    const { lr, rho, eps, weightDecay, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this._state(p, () => ({ step: 0, square_avg: zerosLike(p), acc_delta: zerosLike(p) }));
      s.step = (s.step as number) + 1;
      let grad = directed(p.grad, maximize);
      if (weightDecay !== 0) grad = grad.add(p, weightDecay);
      const squareAvg = Optimizer._t(s, 'square_avg');
      const accDelta = Optimizer._t(s, 'acc_delta');
      squareAvg.mul_(rho).addcmul_(grad, grad, 1 - rho);
      const std = squareAvg.add(eps).sqrt_();
      const delta = accDelta.add(eps).sqrt_().div_(std).mul_(grad);
      accDelta.mul_(rho).addcmul_(delta, delta, 1 - rho);
      p.add_(delta, -lr);
    }
  }
}
