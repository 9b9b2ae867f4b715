import type { GpuView } from '../buffer.js';
import { atLeast1d, coalesce, type Layout, withDim } from '../layout.js';
import { decompose, type Params, pi } from '../wgsl/program.js';

/**
 * The lines of x and out along `dim` (scan, softmax): `layout` walks every other dim (operand 0
 * x, operand 1 out); each line has `len` elements at strides `sx` / `so`.
 */
export interface Lines {
  readonly layout: Layout;
  readonly count: number;
  readonly len: number;
  readonly x: GpuView;
  readonly out: GpuView;
  readonly dim: number;
}

export function linesAlong(kernel: string, out: GpuView, x: GpuView, dim: number): Lines {
  const xv = atLeast1d(x);
  const ov = atLeast1d(out);
  const d = dim < 0 ? dim + xv.shape.length : dim;
  if (d < 0 || d >= xv.shape.length)
    throw new RangeError(`webgpu ${kernel}: dim ${dim} out of range for shape [${x.shape}]`);
  const other = withDim(xv.shape, d, 1);
  const layout = coalesce(other, [xv.strides, ov.strides]);
  let count = 1;
  for (const s of other) count *= s;
  return { layout, count, len: xv.shape[d], x: xv, out: ov, dim: d };
}

/** Parameter words for a Lines walk and the WGSL that sets kd_o_x / kd_o_out for line `lin`. */
export function lineParams(
  p: Params,
  l: Lines,
): { count: number; len: number; sx: number; so: number; head: (lin: string) => string } {
  const count = p.u32(l.count);
  const len = p.i32(l.len);
  const sx = p.i32(l.x.strides[l.dim]);
  const so = p.i32(l.out.strides[l.dim]);
  const xOff = p.i32(l.x.offset);
  const oOff = p.i32(l.out.offset);
  const shape = l.layout.shape.map((s) => p.i32(s));
  const xs = l.layout.strides[0].map((s) => p.i32(s));
  const os = l.layout.strides[1].map((s) => p.i32(s));
  const head = (lin: string) =>
    [
      `  var kd_o_x = ${pi(xOff)};`,
      `  var kd_o_out = ${pi(oOff)};`,
      decompose(lin, shape, ['kd_o_x', 'kd_o_out'], [xs, os]),
    ].join('\n');
  return { count, len, sx, so, head };
}
