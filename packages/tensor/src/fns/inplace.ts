import { isGradEnabled } from '@kindling/autograd';
import { category, fmtShape, sameShape, type StridedLayout, TORCH_NAME } from '@kindling/ops';
import { viewOf } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { cast } from './scalars.js';

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
  const base = self._base;
  if (recording && base && base.requiresGrad && base.isLeaf) {
    throw new Error(
      `${name}: a view of a leaf Variable that requires grad is being used in an in-place operation.`,
    );
  }
  const source = recording && self.requiresGrad ? self.clone() : self;
  const result = compute(source);
  if (!sameShape(result.shape, self.shape)) {
    throw new RangeError(
      `${name}: output with shape ${fmtShape(self.shape)} doesn't match the broadcast shape ${fmtShape(result.shape)}`,
    );
  }
  if (category(result.dtype) > category(self.dtype)) {
    throw new TypeError(
      `${name}: result type ${TORCH_NAME[result.dtype]} can't be cast to the desired output type ${TORCH_NAME[self.dtype]}`,
    );
  }
  const rebase = recording && result.requiresGrad;
  // a view changed in place changes its base: record base_new = base with the view's region
  // replaced by the result (PyTorch's CopySlices), before the storage is overwritten
  const baseHistory = rebase && base ? replaceRegion(base, self, result) : null;
  if (result._storage !== self._storage || result.offset !== self.offset) {
    self._storage.backend.run('copy', [viewOf(self)], [viewOf(result)], {});
  }
  self._storage.version++;
  if (rebase) {
    if (base && baseHistory) {
      base.gradFn = baseHistory.gradFn;
      base.requiresGrad = true;
      const again = base.asStrided(layoutIn(base, self));
      self.gradFn = again.gradFn;
    } else {
      self.gradFn = result.gradFn;
    }
    self.requiresGrad = true;
  }
  return self;
}

/** The layout of `view` relative to its (contiguous) base. */
function layoutIn(base: Tensor, view: Tensor): StridedLayout {
  if (!base.isContiguous()) {
    throw new Error(
      'in-place modification of a view of a non-contiguous tensor is not supported while recording gradients',
    );
  }
  return { shape: view.shape, strides: view.strides, offset: view.offset - base.offset };
}

function replaceRegion(base: Tensor, view: Tensor, value: Tensor): Tensor {
  const layout = layoutIn(base, view);
  const old = base.asStrided(layout).stridedScatter(base.shape, layout);
  return base.sub(old).add(cast(value, base.dtype).stridedScatter(base.shape, layout));
}
