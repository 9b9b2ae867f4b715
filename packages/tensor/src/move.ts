import type { Device } from '@kindling/ops';
import { fromTypedArray } from './creation-core.js';
import { viewOf } from './dispatch.js';
import type { Tensor } from './tensor.js';

/**
 * Copy to another device. The copy is a new leaf (requiring grad when the source is a leaf that
 * does): modules move their parameters this way. Reading from a device without synchronous
 * readback (webgpu) needs `toAsync`.
 */
export function moveTo(t: Tensor, device: Device): Tensor {
  if (t.device === device) return t;
  const src = t._storage.backend;
  if (!src.canReadSync) {
    throw new Error(
      `to('${device}'): tensors on '${t.device}' are read asynchronously; use await tensor.toAsync('${device}')`,
    );
  }
  return finish(t, fromTypedArray(src.readSync(viewOf(t)), t.shape, t.dtype, device));
}

export async function moveToAsync(t: Tensor, device: Device): Promise<Tensor> {
  if (t.device === device) return t;
  return finish(t, fromTypedArray(await t._storage.backend.read(viewOf(t)), t.shape, t.dtype, device));
}

function finish(src: Tensor, out: Tensor): Tensor {
  if (src.requiresGrad && src.isLeaf) out.requiresGrad = true;
  return out;
}
