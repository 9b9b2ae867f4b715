import type { GpuView } from '../buffer.js';
import { contiguous, numelOf } from '../layout.js';
import type { GpuContext } from './context.js';
import { copy } from './elementwise.js';

/**
 * Fused kernels (recurrent cells, attention) read many tensors at once, and a step's operands
 * can live in more buffers than a shader stage may bind (WebGPU's default is 8 storage buffers,
 * compatibility mode's 4; a GRU backward step touches up to 10). When they do, read-only
 * operands are packed (one copy dispatch each) into a single scratch buffer until they fit: the
 * kernel stays correct on any device and costs extra dispatches only where the limit bites.
 *
 * Returns the views to bind (same order) and a release for the scratch buffer, to call once the
 * kernel has been recorded.
 */
export function fitBindings(
  ctx: GpuContext,
  views: readonly GpuView[],
  written: readonly boolean[],
): { views: GpuView[]; release: () => void } {
  const limit = ctx.rt.device.limits.maxStorageBuffersPerShaderStage;
  const buffers = new Set(views.map((v) => v.buffer));
  const none = { views: [...views], release: () => {} };
  if (buffers.size <= limit) return none;
  // buffers only read, grouped by dtype (one scratch buffer holds one dtype), with the elements
  // their views would copy (broadcast dims copied once)
  const compact = (v: GpuView) => v.shape.map((n, d) => (v.strides[d] === 0 ? 1 : n));
  const writtenBufs = new Set(views.filter((_, i) => written[i]).map((v) => v.buffer));
  const byDtype = new Map<string, Map<GpuView['buffer'], number>>();
  for (const v of views) {
    if (writtenBufs.has(v.buffer)) continue;
    let m = byDtype.get(v.dtype);
    if (!m) byDtype.set(v.dtype, (m = new Map()));
    m.set(v.buffer, (m.get(v.buffer) ?? 0) + numelOf(compact(v)));
  }
  // merging m buffers into one saves m - 1 bindings (and the scratch buffer takes one)
  const need = buffers.size - limit + 1;
  const group = [...byDtype.values()].sort((a, b) => b.size - a.size)[0];
  if (!group || group.size < need) {
    throw new RangeError(
      `webgpu: a fused kernel needs ${buffers.size} storage buffers and only ${limit} can be bound (device limit)`,
    );
  }
  // the cheapest to copy
  const packed = new Set(
    [...group]
      .sort((a, b) => a[1] - b[1])
      .slice(0, need)
      .map(([b]) => b),
  );
  const moved = views.map((v) => packed.has(v.buffer));
  const total = views.reduce((n, v, i) => n + (moved[i] ? numelOf(compact(v)) : 0), 0);
  const scratch = ctx.rt.alloc(views[moved.indexOf(true)].dtype, Math.max(1, total));
  let at = 0;
  const out = views.map((v, i) => {
    if (!moved[i]) return v;
    const shape = compact(v);
    const strides = contiguous(shape);
    copy(ctx, [{ buffer: scratch, dtype: v.dtype, shape, strides, offset: at }], [{ ...v, shape }], {});
    const dst: GpuView = {
      buffer: scratch,
      dtype: v.dtype,
      shape: v.shape,
      strides: strides.map((st, d) => (v.strides[d] === 0 ? 0 : st)),
      offset: at,
    };
    at += numelOf(shape);
    return dst;
  });
  return { views: out, release: () => ctx.rt.pool.free(scratch) };
}
