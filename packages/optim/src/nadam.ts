import { zerosLike } from '@kindling/tensor';
import { checkBetas } from './adam.js';
import { checkOption, directed, Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface NAdamOptions {
  /** Learning rate (default 2e-3). */
  lr: number;
  /** Coefficients of the running averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty (default 0). */
  weightDecay: number;
  /** Momentum decay ψ (default 4e-3). */
  momentumDecay: number;
  /** Decay the weights directly, as AdamW does, instead of adding an L2 term (default false). */
  decoupledWeightDecay: boolean;
  /** Maximize the objective (default false). */
  maximize: boolean;
  foreach?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
}

/**
 * NAdam (torch.optim.NAdam), Adam with Nesterov momentum: μₜ = β₁(1 − ½·0.96^(tψ)),
 * θ ← θ − γ(1 − μₜ)/(1 − Πμ)·g/(√v̂ + ε) − γμₜ₊₁/(1 − Πμ·μₜ₊₁)·m/(√v̂ + ε).
 *
 * Follows PyTorch 2's update: PyTorch 1.13 multiplied μₜ into the second term's product twice,
 * a bug fixed in PyTorch 2.0. The running product Πμ is kept in float32 as PyTorch keeps it.
 *
 * @example
 * const opt = new NAdam(model.parameters(), { lr: 2e-3, momentumDecay: 4e-3 });
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: ParamsInput<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    const d: NAdamOptions = {
      lr: 2e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      momentumDecay: 4e-3,
      decoupledWeightDecay: false,
      maximize: false,
      foreach: null,
      capturable: false,
      differentiable: false,
      ...options,
    };
    checkOption('NAdam', 'lr', d.lr, d.lr >= 0, 'learning rate');
    checkOption('NAdam', 'eps', d.eps, d.eps >= 0, 'epsilon value');
    checkBetas('NAdam', d.betas);
    checkOption('NAdam', 'weightDecay', d.weightDecay, d.weightDecay >= 0, 'weight_decay value');
    checkOption('NAdam', 'momentumDecay', d.momentumDecay, d.momentumDecay >= 0, 'momentum_decay value');
    super(params, d);
  }

  protected _updateGroup(g: ParamGroup<NAdamOptions>): void {
    const { lr, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize } = g;
    const [beta1, beta2] = g.betas;
    for (const p of g.params) {
      if (!p.grad) continue;
      const s = this._state(p, () => ({
        step: 0,
        mu_product: 1,
        exp_avg: zerosLike(p),
        exp_avg_sq: zerosLike(p),
      }));
      const step = (s.step as number) + 1;
      s.step = step;
      const biasCorrection2 = 1 - beta2 ** step;
      let grad = directed(p.grad, maximize);
      if (weightDecay !== 0) {
        if (decoupledWeightDecay) p.mul_(1 - lr * weightDecay);
        else grad = grad.add(p, weightDecay);
      }
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
      // PyTorch keeps mu_product in a float32 tensor: (float) mu_product * (float) mu
      const muProduct = Math.fround(Math.fround(s.mu_product as number) * Math.fround(mu));
      s.mu_product = muProduct;
      const expAvg = Optimizer._t(s, 'exp_avg');
      const expAvgSq = Optimizer._t(s, 'exp_avg_sq');
      expAvg.mul_(beta1).add_(grad, 1 - beta1);
      expAvgSq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
      const denom = expAvgSq.div(biasCorrection2).sqrt().add_(eps);
      const muProductNext = muProduct * muNext;
      p.addcdiv_(grad, denom, (-lr * (1 - mu)) / (1 - muProduct));
      p.addcdiv_(expAvg, denom, (-lr * muNext) / (1 - muProductNext));
    }
  }
}
