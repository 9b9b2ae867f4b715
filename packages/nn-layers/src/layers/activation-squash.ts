import type { Tensor } from '@kindling/tensor';
import {
  hardshrink,
  hardsigmoid,
  hardswish,
  logsigmoid,
  softshrink,
  softsign,
  tanhshrink,
} from '../functional/activation.js';
import { Module } from '../module.js';
import { kw } from './factory.js';
import { pyFloat } from '../repr.js';

/**
 * 1 / (1 + exp(−x)) (torch.nn.Sigmoid).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Sigmoid().call(x);
 */
export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}

/**
 * tanh(x) (torch.nn.Tanh).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Tanh().call(x);
 */
export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return input.tanh();
  }
}

/**
 * 0 for x ≤ −3, 1 for x ≥ 3, x/6 + 1/2 between (torch.nn.Hardsigmoid).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Hardsigmoid().call(x);
 */
export class Hardsigmoid extends Module {
  inplace: boolean;
  constructor(o: { inplace?: boolean } | boolean = {}) {
    super();
    this.inplace = kw(o, 'inplace').inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return hardsigmoid(input, { inplace: this.inplace });
  }
}

/**
 * x·hardsigmoid(x) (torch.nn.Hardswish).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Hardswish().call(x);
 */
export class Hardswish extends Module {
  inplace: boolean;
  constructor(o: { inplace?: boolean } | boolean = {}) {
    super();
    this.inplace = kw(o, 'inplace').inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return hardswish(input, { inplace: this.inplace });
  }
}

/**
 * x / (1 + |x|) (torch.nn.Softsign).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Softsign().call(x);
 */
export class Softsign extends Module {
  override forward(input: Tensor): Tensor {
    return softsign(input);
  }
}

/**
 * log(sigmoid(x)), computed stably (torch.nn.LogSigmoid).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new LogSigmoid().call(x);
 */
export class LogSigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return logsigmoid(input);
  }
}

/**
 * x − tanh(x) (torch.nn.Tanhshrink).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Tanhshrink().call(x);
 */
export class Tanhshrink extends Module {
  override forward(input: Tensor): Tensor {
    return tanhshrink(input);
  }
}

/**
 * x − lambd above lambd, x + lambd below −lambd, 0 between (torch.nn.Softshrink, lambd 0.5).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Softshrink({ lambd: 1 }).call(x);
 */
export class Softshrink extends Module {
  lambd: number;
  constructor(o: { lambd?: number } | number = {}) {
    super();
    this.lambd = kw(o, 'lambd').lambd ?? 0.5;
  }
  override forward(input: Tensor): Tensor {
    return softshrink(input, { lambd: this.lambd });
  }
  override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

/**
 * 0 for −lambd ≤ x ≤ lambd, x elsewhere (torch.nn.Hardshrink, lambd 0.5).
 *
 * Input: (*). Output: (*), same shape.
 *
 * @example
 * new Hardshrink({ lambd: 1.2 }).call(x);
 */
export class Hardshrink extends Module {
  lambd: number;
  constructor(o: { lambd?: number } | number = {}) {
    super();
    this.lambd = kw(o, 'lambd').lambd ?? 0.5;
  }
  override forward(input: Tensor): Tensor {
    return hardshrink(input, { lambd: this.lambd });
  }
  override extraRepr(): string {
    return pyFloat(this.lambd);
  }
}
