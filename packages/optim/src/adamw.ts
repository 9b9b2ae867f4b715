import { type AdamOptions, adamDefaults, adamState, adamUpdate } from './adam.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

/**
 * AdamW (torch.optim.AdamW): Adam with decoupled weight decay, θ ← θ·(1 − γλ) before the Adam
 * update; weightDecay defaults to 1e-2.
 *
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05, amsgrad: true });
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, adamDefaults('AdamW', options, 1e-2));
  }

  protected _updateGroup(g: ParamGroup<AdamOptions>): void {
    for (const p of g.params) {
      if (!p.grad) continue;
      adamUpdate(
        p,
        this._state(p, () => adamState(p, g.amsgrad)),
        g,
        true,
      );
    }
  }
}
