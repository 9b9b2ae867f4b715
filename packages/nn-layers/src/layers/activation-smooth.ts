import type { Tensor } from '@kindling/tensor';
import { celu, elu, gelu, mish, selu, silu, softplus } from '../functional/activation.js';
import { Module } from '../module.js';
import { kw } from './factory.js';
import { pyFloat } from '../repr.js';

const inplaceOnly = (inplace: boolean) => (inplace ? 'inplace=True' : '');
const inplaceTail = (inplace: boolean) => (inplace ? ', inplace=True' : '');

/**
 * x for x > 0, alpha·(exp(x) − 1) otherwise (torch.nn.ELU, alpha 1).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new ELU({ alpha: 0.5 }).call(x);
 */
export class ELU extends Module {
  alpha: number;
  inplace: boolean;
  constructor(opts: { alpha?: number; inplace?: boolean } | number = {}) {
    super();
    const o = kw(opts, 'alpha');
    this.alpha = o.alpha ?? 1;
    this.inplace = o.inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return elu(input, { alpha: this.alpha, inplace: this.inplace });
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceTail(this.inplace)}`;
  }
}

/**
 * max(0, x) + min(0, alpha·(exp(x/alpha) − 1)) (torch.nn.CELU, alpha 1).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new CELU({ alpha: 2 }).call(x);
 */
export class CELU extends Module {
  alpha: number;
  inplace: boolean;
  constructor(opts: { alpha?: number; inplace?: boolean } | number = {}) {
    super();
    const o = kw(opts, 'alpha');
    this.alpha = o.alpha ?? 1;
    this.inplace = o.inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return celu(input, { alpha: this.alpha, inplace: this.inplace });
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceTail(this.inplace)}`;
  }
}

/**
 * scale·ELU(x, alpha) with scale ≈ 1.0507 and alpha ≈ 1.6733 (torch.nn.SELU).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new SELU().call(x);
 */
export class SELU extends Module {
  inplace: boolean;
  constructor(o: { inplace?: boolean } | boolean = {}) {
    super();
    this.inplace = kw(o, 'inplace').inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return selu(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return inplaceOnly(this.inplace);
  }
}

/**
 * x·Φ(x), Φ the standard normal CDF (torch.nn.GELU); approximate: 'tanh' uses
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new GELU({ approximate: 'tanh' }).call(x);
 */
export class GELU extends Module {
  approximate: 'none' | 'tanh';
  constructor(o: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    this.approximate = o.approximate ?? 'none';
    if (this.approximate !== 'none' && this.approximate !== 'tanh') {
      throw new RangeError(`GELU: approximate must be 'none' or 'tanh', got '${this.approximate}'`);
    }
  }
  override forward(input: Tensor): Tensor {
    return gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/**
 * x·sigmoid(x), a.k.a. swish (torch.nn.SiLU).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new SiLU().call(x);
 */
export class SiLU extends Module {
  inplace: boolean;
  constructor(o: { inplace?: boolean } | boolean = {}) {
    super();
    this.inplace = kw(o, 'inplace').inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return silu(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return inplaceOnly(this.inplace);
  }
}

/**
 * x·tanh(softplus(x)) (torch.nn.Mish).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Mish().call(x);
 */
export class Mish extends Module {
  inplace: boolean;
  constructor(o: { inplace?: boolean } | boolean = {}) {
    super();
    this.inplace = kw(o, 'inplace').inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return mish(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return inplaceOnly(this.inplace);
  }
}

/**
 * log(1 + exp(beta·x)) / beta, reverting to x where beta·x > threshold (torch.nn.Softplus,
 * beta 1, threshold 20).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Softplus({ beta: 2, threshold: 5 }).call(x);
 */
export class Softplus extends Module {
  beta: number;
  threshold: number;
  constructor(opts: { beta?: number; threshold?: number } | number = {}) {
    super();
    const o = kw(opts, 'beta');
    this.beta = o.beta ?? 1;
    this.threshold = o.threshold ?? 20;
  }
  override forward(input: Tensor): Tensor {
    return softplus(input, { beta: this.beta, threshold: this.threshold });
  }
  override extraRepr(): string {
    return `beta=${pyFloat(this.beta)}, threshold=${pyFloat(this.threshold)}`;
  }
}
