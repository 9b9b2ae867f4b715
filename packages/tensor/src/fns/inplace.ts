import { isGradEnabled } from '@kindling/autograd';
import { category, fmtShape, sameShape, TORCH_NAME } from '@kindling/ops';
import { viewOf } from '../dispatch.js';
import type { Tensor } from '../tensor.js';

/**
 * Run an op in place: compute it out of place, check PyTorch's in-place rules (same shape as
 * self, result castable to self's dtype), write into self's storage and bump its version.
 * While recording, self takes over the result's grad_fn; the op then sees a clone of self, so
 * a formula that needs the original value still has it.
 */
export function inplace(self: Tensor, name: string, compute: (s: Tensor) => Tensor): Tensor {
  self._checkAlive();
  const recording = isGradEnabled();
  if (recording && self.requiresGrad && self.isLeaf) {
    throw new Error(`${name}: a leaf Variable that requires grad is being used in an in-place operation.`);
  }
  if (recording && self._base && self._base.requiresGrad) {
    throw new Error(
      `${name}: in-place modification of a view of a tensor that requires grad is not supported; use the out-of-place op instead`,
    );
  }
  const source = recording && self.requiresGrad ? self.clone() : self;
  const result = compute(source);
  if (!sameShape(result.shape, self.shape)) {
    throw new RangeError(`${name}: output with shape ${fmtShape(self.shape)} doesn't match the broadcast shape ${fmtShape(result.shape)}`);
  }
  if (category(result.dtype) > category(self.dtype)) {
    throw new TypeError(`${name}: result type ${TORCH_NAME[result.dtype]} can't be cast to the desired output type ${TORCH_NAME[self.dtype]}`);
  }
  if (result._storage !== self._storage || result.offset !== self.offset) {
    self._storage.backend.run('copy', [viewOf(self)], [viewOf(result)], {});
  }
  self._storage.version++;
  if (recording && result.requiresGrad) {
    self.gradFn = result.gradFn;
    self.requiresGrad = true;
  }
  return self;
}
