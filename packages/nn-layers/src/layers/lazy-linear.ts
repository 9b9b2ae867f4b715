import type { Tensor } from '@kindling/tensor';
import { isUninitialized, UninitializedParameter } from '../parameter.js';
import type { FactoryOptions } from './factory.js';
import { Linear, type LinearOptions } from './linear.js';

/**
 * A Linear whose inFeatures is taken from the first input (torch.nn.LazyLinear). Until then
 * its parameters are UninitializedParameters; afterwards (or after loading a state dict) it is
 * a Linear.
 *
 * Input: (*, H_in). Output: (*, outFeatures).
 *
 * @example
 * const fc = new LazyLinear(10);
 * fc.call(randn(2, 7));
 * fc.weight.shape; // [10, 7]
 */
export class LazyLinear extends Linear {
  private readonly factory: FactoryOptions;

  constructor(outFeatures: number, o: LinearOptions = {}) {
    super(0, outFeatures, o);
    this.factory = { device: o.device, dtype: o.dtype };
    this.weight = new UninitializedParameter(true, this.factory);
    if (this.bias) this.bias = new UninitializedParameter(true, this.factory);
  }

  /** Whether the parameters still wait for the first input. */
  hasUninitializedParams(): boolean {
    for (const p of this._parameters.values()) if (isUninitialized(p)) return true;
    return false;
  }

  /** Give the parameters their shapes for inputs with `inFeatures` features, initialise them, become a Linear. */
  initializeParameters(inFeatures: number): void {
    const w = this.weight as unknown as UninitializedParameter;
    if (isUninitialized(w)) w.materialize([this.outFeatures, inFeatures]);
    const b = this.bias as unknown as UninitializedParameter | null;
    if (isUninitialized(b)) b.materialize([this.outFeatures]);
    this.inFeatures = inFeatures;
    this.resetParameters();
    Object.setPrototypeOf(this, Linear.prototype);
  }

  override resetParameters(): void {
    if (this.inFeatures !== 0 && !this.hasUninitializedParams()) super.resetParameters();
  }

  override forward(input: Tensor): Tensor {
    if (this.hasUninitializedParams()) {
      if (input.ndim === 0) throw new RangeError('LazyLinear: expected an input with at least 1 dim');
      this.initializeParameters(input.shape[input.ndim - 1]);
    } else if (this.inFeatures === 0 && this.weight.ndim === 2) {
      // materialised by loadStateDict
      this.inFeatures = this.weight.shape[1];
      Object.setPrototypeOf(this, Linear.prototype);
    }
    return Linear.prototype.forward.call(this, input);
  }
}
