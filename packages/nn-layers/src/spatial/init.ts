/** The default initialisation of the spatial layers' parameters (PyTorch's reset_parameters). */
import { type Device, type DType, noGrad, rand, type Tensor } from '@kindling/tensor';

/** Tensor options of a layer's parameters. */
export interface FactoryOptions {
  device?: Device;
  dtype?: DType;
}

/** U(-bound, bound) of `shape` from the default generator (init.uniform_). */
export function uniform(shape: readonly number[], bound: number, opts: FactoryOptions = {}): Tensor {
  return noGrad(() => {
    const dtype = opts.dtype ?? 'float32';
    const u = rand([...shape], { dtype: dtype === 'float16' ? 'float32' : dtype, device: opts.device ?? 'cpu' });
    const t = u.mul(2 * bound).sub(bound);
    return dtype === 'float16' ? t.to('float16') : t;
  });
}

/** PyTorch's `_calculate_fan_in_and_fan_out(w)[0]`: size(1) × the receptive field. */
export function fanIn(shape: readonly number[]): number {
  if (shape.length < 2) throw new RangeError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  let r = 1;
  for (let i = 2; i < shape.length; i++) r *= shape[i];
  return shape[1] * r;
}

/**
 * The bound of kaiming_uniform_(w, a=√5) and of the bias init: 1/√fan_in (0 for an empty fan-in,
 * where PyTorch leaves the tensor as it is).
 */
export function convBound(weightShape: readonly number[]): number {
  const f = fanIn(weightShape);
  return f === 0 ? 0 : 1 / Math.sqrt(f);
}
