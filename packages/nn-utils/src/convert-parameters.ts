import { cat, isTensor, noGrad, type Tensor } from '@kindling/tensor';
import { type TensorOrTensors, tensorList } from './params.js';

function sameDevice(fn: string, params: Tensor[]): void {
  const d = params[0]?.device;
  if (params.some((p) => p.device !== d))
    throw new Error(`${fn}: Found two parameters on different devices, this is currently not supported.`);
}

/**
 * Flatten `parameters` into one vector (torch.nn.utils.parameters_to_vector); differentiable.
 *
 * @example
 * const v = parametersToVector(model.parameters());
 */
export function parametersToVector(parameters: TensorOrTensors): Tensor {
  const fn = 'parametersToVector';
  const params = tensorList(fn, parameters);
  if (params.length === 0) throw new Error(`${fn}: parameters is empty`);
  sameDevice(fn, params);
  return cat(params.map((p) => p.reshape([-1])));
}

/**
 * Copy the slices of `vec` into `parameters`, in order (torch.nn.utils.vector_to_parameters).
 * The parameters keep their identity, dtype and device; the copy is not recorded by autograd.
 *
 * @example
 * vectorToParameters(v.mul(0.5), model.parameters());
 */
export function vectorToParameters(vec: Tensor, parameters: TensorOrTensors): void {
  const fn = 'vectorToParameters';
  if (!isTensor(vec))
    throw new TypeError(`${fn}: expected vec to be a Tensor, but got: ${vec === null ? 'null' : typeof vec}`);
  if (vec.ndim !== 1) throw new RangeError(`${fn}: vec must be 1-D, got shape [${vec.shape.join(', ')}]`);
  const params = tensorList(fn, parameters);
  sameDevice(fn, [vec, ...params]);
  const total = params.reduce((a, p) => a + p.numel(), 0);
  if (total !== vec.numel())
    throw new RangeError(`${fn}: vec has ${vec.numel()} elements, the parameters ${total}`);
  noGrad(() => {
    let at = 0;
    for (const p of params) {
      const n = p.numel();
      p.detach().copy_(vec.detach().narrow(0, at, n).reshape(p.shape));
      at += n;
    }
  });
}
