import type { Col2imAttrs, Im2colAttrs } from '@kindling/ops';
import type { GpuView } from '../buffer.js';
import { numelOf } from '../layout.js';
import { entry1d, kindOf, natTo, Params, pi, Program, pu, toNat } from '../wgsl/program.js';
import { fillBits } from './elementwise.js';
import type { GpuKernel } from './context.js';

/**
 * im2col: [N, C, *spatial] -> [N, C*K, L] (row c*K + kernel offset, column the output grid
 * position; input position o*stride - padding + k*dilation, `padValue` outside). col2im is its
 * adjoint, computed as a gather per image element (no atomics, deterministic): each element
 * sums the column entries whose window covers it. 1-D and 2-D run as 3-D with leading 1s.
 */
interface Geometry {
  /** Parameter indices: batch, channels, then per spatial dim (z, y, x) k, s, p, d, o, i. */
  readonly idx: Record<string, number>;
}

function geometry(
  kernel: string,
  a: Im2colAttrs | Col2imAttrs,
  img: GpuView,
  col: GpuView,
  p: Params,
): Geometry {
  const sd = a.kernel.length;
  if (sd < 1 || sd > 3 || img.shape.length !== sd + 2 || col.shape.length !== 3) {
    throw new RangeError(
      `webgpu ${kernel}: expected [N, C, *spatial] with 1-3 spatial dims, got [${img.shape}] and [${col.shape}]`,
    );
  }
  const pad = <T>(v: readonly T[], fillv: T): T[] => [...new Array<T>(3 - sd).fill(fillv), ...v];
  const idx: Record<string, number> = {};
  idx.N = p.i32(img.shape[0]);
  idx.C = p.i32(img.shape[1]);
  const groups: [string, number[]][] = [
    ['k', pad(a.kernel, 1)],
    ['s', pad(a.stride, 1)],
    ['p', pad(a.padding, 0)],
    ['d', pad(a.dilation, 1)],
    ['o', pad(a.outSize, 1)],
    ['i', pad(img.shape.slice(2), 1)],
    ['is', pad(img.strides.slice(2), 0)],
  ];
  for (const [name, v] of groups) {
    v.forEach((x, j) => {
      idx[`${name}${'zyx'[j]}`] = p.i32(x);
    });
  }
  idx.isn = p.i32(img.strides[0]);
  idx.isc = p.i32(img.strides[1]);
  idx.ioff = p.i32(img.offset);
  idx.csn = p.i32(col.strides[0]);
  idx.csr = p.i32(col.strides[1]);
  idx.csl = p.i32(col.strides[2]);
  idx.coff = p.i32(col.offset);
  return { idx };
}

/** WGSL `let` bindings for every geometry value. */
function lets(g: Geometry): string {
  return Object.entries(g.idx)
    .map(([k, i]) => `  let g_${k} = ${pi(i)};`)
    .join('\n');
}

export const im2col: GpuKernel<'im2col'> = (ctx, [out], [x], attrs) => {
  const n = numelOf(out.shape);
  if (n === 0) return;
  const p = new Params();
  const total = p.u32(n);
  const padIdx = p.u32(fillBits(out.dtype, attrs.padValue));
  const g = geometry('im2col', attrs, x, out, p);
  const program = new Program([
    { name: 'out', buffer: out.buffer, dtype: out.dtype, write: true },
    { name: 'x', buffer: x.buffer, dtype: x.dtype },
  ]);
  const same = x.dtype === out.dtype;
  const value = same
    ? 'ldb_x(kd_src)'
    : toNat(natTo('ld_x(kd_src)', x.dtype, kindOf(x.dtype)), kindOf(x.dtype), out.dtype);
  const body = [
    `  if (kd_id >= ${pu(total)}) { return; }`,
    lets(g),
    '  let kd_K = g_kz * g_ky * g_kx;',
    '  let kd_L = g_oz * g_oy * g_ox;',
    '  var kd_r = i32(kd_id);',
    '  let kd_l = kd_r % kd_L;',
    '  kd_r = kd_r / kd_L;',
    '  let kd_row = kd_r % (g_C * kd_K);',
    '  let kd_n = kd_r / (g_C * kd_K);',
    '  let kd_c = kd_row / kd_K;',
    '  let kd_k = kd_row % kd_K;',
    '  let kd_kx = kd_k % g_kx;',
    '  let kd_ky = (kd_k / g_kx) % g_ky;',
    '  let kd_kz = kd_k / (g_kx * g_ky);',
    '  let kd_ox = kd_l % g_ox;',
    '  let kd_oy = (kd_l / g_ox) % g_oy;',
    '  let kd_oz = kd_l / (g_ox * g_oy);',
    '  let kd_iz = kd_oz * g_sz - g_pz + kd_kz * g_dz;',
    '  let kd_iy = kd_oy * g_sy - g_py + kd_ky * g_dy;',
    '  let kd_ix = kd_ox * g_sx - g_px + kd_kx * g_dx;',
    '  let kd_o = g_coff + kd_n * g_csn + kd_row * g_csr + kd_l * g_csl;',
    '  if (kd_iz >= 0 && kd_iz < g_iz && kd_iy >= 0 && kd_iy < g_iy && kd_ix >= 0 && kd_ix < g_ix) {',
    '    let kd_src = g_ioff + kd_n * g_isn + kd_c * g_isc + kd_iz * g_isz + kd_iy * g_isy + kd_ix * g_isx;',
    same ? `    stb_out(kd_o, ${value});` : `    st_out(kd_o, ${value});`,
    '  } else {',
    `    stb_out(kd_o, ${pu(padIdx)});`,
    '  }',
  ].join('\n');
  ctx.rt.dispatch({
    kernel: 'im2col',
    key: `im2col:${x.dtype}>${out.dtype}`,
    program,
    params: p,
    groups: Math.ceil(n / ctx.wg),
    source: () => `${program.declarations(p.length)}\n${entry1d(ctx.wg, body)}`,
  });
};

export const col2im: GpuKernel<'col2im'> = (ctx, [out], [col], attrs) => {
  const n = numelOf(out.shape);
  if (n === 0) return;
  const p = new Params();
  const total = p.u32(n);
  const g = geometry('col2im', attrs, out, col, p);
  const program = new Program([
    { name: 'out', buffer: out.buffer, dtype: out.dtype, write: true },
    { name: 'col', buffer: col.buffer, dtype: col.dtype },
  ]);
  const kind = kindOf(out.dtype);
  const T = kind === 'f32' ? 'f32' : 'i32';
  const empty = numelOf(col.shape) === 0;
  const body = [
    `  if (kd_id >= ${pu(total)}) { return; }`,
    lets(g),
    '  let kd_K = g_kz * g_ky * g_kx;',
    '  var kd_r = i32(kd_id);',
    '  let kd_x = kd_r % g_ix;',
    '  kd_r = kd_r / g_ix;',
    '  let kd_y = kd_r % g_iy;',
    '  kd_r = kd_r / g_iy;',
    '  let kd_z = kd_r % g_iz;',
    '  kd_r = kd_r / g_iz;',
    '  let kd_c = kd_r % g_C;',
    '  let kd_n = kd_r / g_C;',
    `  var kd_acc: ${T} = ${T}(0);`,
    `  for (var kd_kz = 0; kd_kz < g_kz && ${empty ? 'false' : 'true'}; kd_kz++) {`,
    '    let kd_tz = kd_z + g_pz - kd_kz * g_dz;',
    '    if (kd_tz < 0 || kd_tz % g_sz != 0 || kd_tz / g_sz >= g_oz) { continue; }',
    '    for (var kd_ky = 0; kd_ky < g_ky; kd_ky++) {',
    '      let kd_ty = kd_y + g_py - kd_ky * g_dy;',
    '      if (kd_ty < 0 || kd_ty % g_sy != 0 || kd_ty / g_sy >= g_oy) { continue; }',
    '      for (var kd_kx = 0; kd_kx < g_kx; kd_kx++) {',
    '        let kd_tx = kd_x + g_px - kd_kx * g_dx;',
    '        if (kd_tx < 0 || kd_tx % g_sx != 0 || kd_tx / g_sx >= g_ox) { continue; }',
    '        let kd_l = ((kd_tz / g_sz) * g_oy + kd_ty / g_sy) * g_ox + kd_tx / g_sx;',
    '        let kd_row = kd_c * kd_K + (kd_kz * g_ky + kd_ky) * g_kx + kd_kx;',
    `        kd_acc = kd_acc + ${natTo('ld_col(g_coff + kd_n * g_csn + kd_row * g_csr + kd_l * g_csl)', col.dtype, kind)};`,
    '      }',
    '    }',
    '  }',
    `  st_out(g_ioff + kd_n * g_isn + kd_c * g_isc + kd_z * g_isz + kd_y * g_isy + kd_x * g_isx, ${toNat('kd_acc', kind, out.dtype)});`,
  ].join('\n');
  ctx.rt.dispatch({
    kernel: 'col2im',
    key: `col2im:${empty ? 'empty' : 'full'}:${col.dtype}>${out.dtype}`,
    program,
    params: p,
    groups: Math.ceil(n / ctx.wg),
    source: () => `${program.declarations(p.length)}\n${entry1d(ctx.wg, body)}`,
  });
};
