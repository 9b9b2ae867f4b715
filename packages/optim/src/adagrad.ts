import { fullLike } from '@kindling/tensor';
import { checkOption, directed, Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Learning-rate decay: γₜ = γ / (1 + (t − 1)·decay) (default 0). */
  lrDecay: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator (default 1e-10). */
  eps: number;
  /** Maximize the objective (default false). */
  maximize: boolean;
  foreach?: boolean | null;
  differentiable?: boolean;
}

/**
 * Adagrad (torch.optim.Adagrad): s ← s + g²; θ ← θ − γₜ·g / (√s + ε).
 *
 * @example
 * const opt = new Adagrad(model.parameters(), { lr: 0.1, lrDecay: 1e-3 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    const d: AdagradOptions = {
      lr: 1e-2,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: 1e-10,
      maximize: false,
      foreach: null,
      differentiable: false,
      ...options,
    };
    checkOption('Adagrad', 'lr', d.lr, d.lr >= 0, 'learning rate');
    checkOption('Adagrad', 'lrDecay', d.lrDecay, d.lrDecay >= 0, 'lr_decay value');
    checkOption('Adagrad', 'weightDecay', d.weightDecay, d.weightDecay >= 0, 'weight_decay value');
    checkOption(
      'Adagrad',
      'initialAccumulatorValue',
      d.initialAccumulatorValue,
      d.initialAccumulatorValue >= 0,
      'initial_accumulator_value value',
    );
    checkOption('Adagrad', 'eps', d.eps, d.eps >= 0, 'epsilon value');
    super(params, d);
    // PyTorch creates Adagrad's state eagerly, in the constructor
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        this._state(p, () => ({ step: 0, sum: fullLike(p, g.initialAccumulatorValue) }));
      }
    }
  }

  protected _updateGroup(g: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this._state(p, () => ({ step: 0, sum: fullLike(p, g.initialAccumulatorValue) }));
      const step = (s.step as number) + 1;
      s.step = step;
      let grad = directed(p.grad, maximize);
      if (weightDecay !== 0) grad = grad.add(p, weightDecay);
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum = Optimizer._t(s, 'sum');
      sum.addcmul_(grad, grad, 1);
      const std = sum.sqrt().add_(eps);
      p.addcdiv_(grad, std, -clr);
    }
  }
}
