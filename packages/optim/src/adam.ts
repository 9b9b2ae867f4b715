import { keep, type Tensor, zerosLike } from '@kindling/tensor';
import {
  checkOption,
  directed,
  Optimizer,
  type ParamGroup,
  type ParamsInput,
  type ParamState,
} from './optimizer.js';

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Coefficients of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty (Adam: added to the gradient, default 0; AdamW: decoupled, default 1e-2). */
  weightDecay: number;
  /** Use the maximum of the second moments so far (AMSGrad, default false). */
  amsgrad: boolean;
  /** Maximize the objective (default false). */
  maximize: boolean;
  foreach?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
}

export function checkBetas(opt: string, betas: readonly number[]): void {
  if (!Array.isArray(betas) || betas.length !== 2)
    throw new TypeError(`${opt}: betas must be a pair [beta1, beta2], got ${String(betas)}`);
  checkOption(opt, 'betas', betas[0], betas[0] >= 0 && betas[0] < 1, 'beta parameter at index 0');
  checkOption(opt, 'betas', betas[1], betas[1] >= 0 && betas[1] < 1, 'beta parameter at index 1');
}

export function adamDefaults(opt: string, options: Partial<AdamOptions>, weightDecay: number): AdamOptions {
  const d: AdamOptions = {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay,
    amsgrad: false,
    maximize: false,
    foreach: null,
    capturable: false,
    differentiable: false,
    fused: null,
    ...options,
  };
  checkOption(opt, 'lr', d.lr, d.lr >= 0, 'learning rate');
  checkOption(opt, 'eps', d.eps, d.eps >= 0, 'epsilon value');
  checkBetas(opt, d.betas);
  checkOption(opt, 'weightDecay', d.weightDecay, d.weightDecay >= 0, 'weight_decay value');
  return d;
}

/** One Adam / AdamW update of `p` (PyTorch's _single_tensor_adam / _single_tensor_adamw). */
export function adamUpdate(p: Tensor, s: ParamState, g: ParamGroup<AdamOptions>, decoupled: boolean): void {
  const { lr, eps, weightDecay, amsgrad, maximize } = g;
  const [beta1, beta2] = g.betas;
  let grad = directed(p.grad as Tensor, maximize);
  const step = (s.step as number) + 1;
  s.step = step;
  if (weightDecay !== 0) {
    if (decoupled) p.mul_(1 - lr * weightDecay);
    else grad = grad.add(p, weightDecay);
  }
  const expAvg = s.exp_avg as Tensor;
  const expAvgSq = s.exp_avg_sq as Tensor;
  expAvg.mul_(beta1).add_(grad, 1 - beta1);
  expAvgSq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  const stepSize = lr / biasCorrection1;
  const bc2Sqrt = Math.sqrt(biasCorrection2);
  let second = expAvgSq;
  if (amsgrad) {
    let max = s.max_exp_avg_sq as Tensor | null | undefined;
    if (!max) {
      // amsgrad switched on after the state was created
      max = keep(zerosLike(p));
      s.max_exp_avg_sq = max;
    }
    second = max.copy_(max.maximum(expAvgSq));
  }
  const denom = second.sqrt().div(bc2Sqrt).add_(eps);
  p.addcdiv_(expAvg, denom, -stepSize);
}

export function adamState(p: Tensor, amsgrad: boolean): ParamState {
  const s: ParamState = { step: 0, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) };
  if (amsgrad) s.max_exp_avg_sq = zerosLike(p);
  return s;
}

/**
 * Adam (torch.optim.Adam): running averages m, v of the gradient and its square, bias-corrected,
 * θ ← θ − γ·m̂ / (√v̂ + ε); weight decay is added to the gradient (L2), AMSGrad optional.
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, adamDefaults('Adam', options, 0));
  }

  protected _updateGroup(g: ParamGroup<AdamOptions>): void {
    for (const p of g.params) {
      if (!p.grad) continue;
      adamUpdate(
        p,
        this._state(p, () => adamState(p, g.amsgrad)),
        g,
        false,
      );
    }
  }
}
