import { isTensor, keep, type Tensor } from '@kindling/tensor';
import { checkOption, directed, Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate (default 1e-3, PyTorch 2's default). */
  lr: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Dampening for momentum (default 0). */
  dampening: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
  /** Accepted for compatibility; every update here is one code path. */
  foreach?: boolean | null;
  differentiable?: boolean;
}

/**
 * Stochastic gradient descent, optionally with momentum (torch.optim.SGD), PyTorch's update:
 * g ← ∇ + λθ; b ← μb + (1 − τ)g (b₁ = g); g ← g + μb (nesterov) or b; θ ← θ − γg.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    const d: SGDOptions = {
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      foreach: null,
      differentiable: false,
      ...options,
    };
    checkOption('SGD', 'lr', d.lr, d.lr >= 0, 'learning rate');
    checkOption('SGD', 'momentum', d.momentum, d.momentum >= 0, 'momentum value');
    checkOption('SGD', 'weightDecay', d.weightDecay, d.weightDecay >= 0, 'weight_decay value');
    if (d.nesterov && (d.momentum <= 0 || d.dampening !== 0)) {
      throw new RangeError(
        'SGD: Nesterov momentum requires a momentum and zero dampening (options nesterov, momentum, dampening)',
      );
    }
    super(params, d);
  }

  protected _updateGroup(g: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      let dp: Tensor = directed(p.grad, maximize);
      if (weightDecay !== 0) dp = dp.add(p, weightDecay);
      if (momentum !== 0) {
        const s = this._stateOf(p);
        let buf = s.momentum_buffer;
        if (!isTensor(buf)) {
          buf = keep(dp.clone());
          s.momentum_buffer = buf;
        } else buf.mul_(momentum).add_(dp, 1 - dampening);
        dp = nesterov ? dp.add(buf, momentum) : buf;
      }
      p.add_(dp, -lr);
    }
  }
}
