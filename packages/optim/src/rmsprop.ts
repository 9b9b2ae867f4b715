import { type Tensor, zerosLike } from '@kindling/tensor';
import {
  checkOption,
  directed,
  Optimizer,
  type ParamGroup,
  type ParamsInput,
  type ParamState,
} from './optimizer.js';

export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalise by the estimated variance of the gradient instead of its second moment (default false). */
  centered: boolean;
  /** Maximize the objective (default false). */
  maximize: boolean;
  foreach?: boolean | null;
  differentiable?: boolean;
}

/**
 * RMSprop (torch.optim.RMSprop): v ← αv + (1 − α)g²; θ ← θ − γ·g / (√v + ε), optionally
 * centered (v − ḡ²) and with momentum.
 *
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 0.01, momentum: 0.9, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    const d: RMSpropOptions = {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      foreach: null,
      differentiable: false,
      ...options,
    };
    checkOption('RMSprop', 'lr', d.lr, d.lr >= 0, 'learning rate');
    checkOption('RMSprop', 'eps', d.eps, d.eps >= 0, 'epsilon value');
    checkOption('RMSprop', 'momentum', d.momentum, d.momentum >= 0, 'momentum value');
    checkOption('RMSprop', 'weightDecay', d.weightDecay, d.weightDecay >= 0, 'weight_decay value');
    checkOption('RMSprop', 'alpha', d.alpha, d.alpha >= 0, 'alpha value');
    super(params, d);
  }

  protected _updateGroup(g: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this._state(p, () => {
        const st: ParamState = { step: 0, square_avg: zerosLike(p) };
        if (momentum > 0) st.momentum_buffer = zerosLike(p);
        if (centered) st.grad_avg = zerosLike(p);
        return st;
      });
      s.step = (s.step as number) + 1;
      let grad = directed(p.grad, maximize);
      if (weightDecay !== 0) grad = grad.add(p, weightDecay);
      const squareAvg = Optimizer._t(s, 'square_avg');
      squareAvg.mul_(alpha).addcmul_(grad, grad, 1 - alpha);
      let avg: Tensor;
      if (centered) {
        const gradAvg = Optimizer._t(s, 'grad_avg');
        gradAvg.mul_(alpha).add_(grad, 1 - alpha);
        avg = squareAvg.add(gradAvg.mul(gradAvg).mul(-1)).sqrt_();
      } else avg = squareAvg.sqrt();
      avg = avg.add_(eps);
      if (momentum > 0) {
        const buf = Optimizer._t(s, 'momentum_buffer');
        buf.mul_(momentum).addcdiv_(grad, avg);
        p.add_(buf, -lr);
      } else p.addcdiv_(grad, avg, -lr);
    }
  }
}
