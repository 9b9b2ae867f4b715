import { isGradEnabled } from '@kindling/autograd';
import {
  fmtShape,
  type KernelAttrs,
  type KernelName,
  OP_LABEL,
  sameShape,
  TORCH_NAME,
  type View,
} from '@kindling/ops';
import { allocTensor, castForKernel, computeIn, sameDevice, viewOf } from '../dispatch.js';
import type { Tensor } from '../tensor.js';

/** One output of a fused kernel: its shape, and optionally a tensor to write it into. */
export interface FusedOutput {
  readonly shape: readonly number[];
  /**
   * Write the result here (same shape, dtype and device; any strides) instead of into a new
   * tensor: hand-written autograd nodes put each step's results straight into rows of one
   * sequence buffer, which saves a copy per step.
   */
  readonly into?: Tensor | null;
}

/**
 * The path of fused kernels (several outputs, no op-table row): device check, one floating
 * dtype for every input, storage-only dtypes computed in float32, the kernel, and outputs that
 * may be caller-given views. Nothing is recorded for autograd: these kernels are the insides of
 * hand-written nodes (customOp), so calling one on tensors that require grad while recording
 * is refused rather than silently detached. `broadcast` optionally gives, per input, the shape
 * its kernel view is broadcast to (stride 0 on new and size-1 dims).
 */
export function runFused<K extends KernelName>(
  op: string,
  kernel: K,
  inputs: readonly Tensor[],
  outputs: readonly FusedOutput[],
  attrs: KernelAttrs[K],
  broadcast?: readonly (readonly number[] | null)[],
): Tensor[] {
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    throw new Error(
      `${op}: fused kernels record no gradient; call them inside a customOp's forward or backward, or under noGrad`,
    );
  }
  const backend = sameDevice(op, inputs);
  OP_LABEL.current = op;
  const dtype = inputs[0].dtype;
  for (const t of inputs) {
    if (!t.isFloatingPoint() || t.dtype !== dtype) {
      throw new TypeError(
        `${op}: expected floating-point inputs of one dtype, got ${inputs.map((x) => TORCH_NAME[x.dtype]).join(', ')}`,
      );
    }
  }
  const ct = computeIn(backend, dtype);
  const ins: View[] = inputs.map((t, i) => viewOf(castForKernel(t, ct), broadcast?.[i] ?? undefined));
  const results = outputs.map(({ shape, into }) => {
    if (!into) return { out: allocTensor(backend, shape, ct), into: null };
    into._checkAlive();
    if (into._storage.backend !== backend || into.dtype !== dtype || !sameShape(into.shape, shape)) {
      throw new RangeError(
        `${op}: output tensor must be ${TORCH_NAME[dtype]} ${fmtShape(shape)} on ${backend.device}, got ${TORCH_NAME[into.dtype]} ${fmtShape(into.shape)} on ${into.device}`,
      );
    }
    return { out: into.dtype === ct ? into : allocTensor(backend, shape, ct), into };
  });
  backend.run(
    kernel,
    results.map((r) => viewOf(r.out)),
    ins,
    attrs,
  );
  return results.map(({ out, into }) => {
    if (!into) return castForKernel(out, dtype);
    if (out !== into) backend.run('copy', [viewOf(into)], [viewOf(out)], {});
    into._storage.version++;
    return into;
  });
}
