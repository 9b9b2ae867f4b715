import type { CpuKernel } from '../context.js';
import { halfBits } from '../half.js';
import { coalesce, numelOf, RowCursor } from '../strided.js';

/** out = value, converted once to the output's storage (half bits, bool 0/1, int32 truncation). */
export const fill: CpuKernel<'fill'> = (_ctx, [out], _inputs, { value }) => {
  if (numelOf(out.shape) === 0) return;
  const v = out.dtype === 'float16' ? halfBits(value) : out.dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  const layout = coalesce(out.shape, [out.strides]);
  const nd = layout.shape.length;
  const n = layout.shape[nd - 1];
  const s = layout.strides[0][nd - 1];
  const o = out.buffer;
  const c = new RowCursor(layout, [out.offset]);
  do {
    const start = c.off[0];
    if (s === 1) o.fill(v, start, start + n);
    else for (let j = 0, a = start; j < n; j++, a += s) o[a] = v;
  } while (c.next());
};
