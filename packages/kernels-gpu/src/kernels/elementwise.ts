import { BINARY, type DType, toHalfBits, UNARY } from '@kindling/ops';
import { INT_BINARY, INT_UNARY } from '../wgsl/int-ops.js';
import { type Kind, kindOf, natTo, pf, pu, toNat } from '../wgsl/program.js';
import { elementwise, type GpuKernel } from './context.js';

/**
 * unary and binary are generated from the op table: a row's `wgsl` expression (over `x`, `p0`,
 * `p1` or `a`, `b`) becomes the body of an elementwise shader, one pipeline per (op, dims after
 * coalescing, dtypes). Float operands compute in f32; int32/bool operands use the i32
 * expression of int-ops.ts when there is one, else the row's f32 expression. Where the row's
 * scalar maps NaN to NaN, the shader does too (WGSL builtins need not).
 */
export const unary: GpuKernel<'unary'> = (ctx, [out], [x], { op, params }) => {
  const row = UNARY[op];
  if (!row) throw new RangeError(`webgpu unary: unknown op '${op}'`);
  let expr = row.wgsl;
  let kind: Kind = 'f32';
  if (kindOf(x.dtype) === 'i32' && INT_UNARY[op] !== undefined) {
    expr = INT_UNARY[op] as string;
    kind = 'i32';
  } else if (kindOf(x.dtype) === 'f32' && Number.isNaN(row.scalar(Number.NaN, params))) {
    // the row maps NaN to NaN: make sure builtins that may not (exp on SwiftShader) do
    expr = `select(${expr}, x, kd_isnan(x))`;
  }
  elementwise(
    ctx,
    `unary(${op})`,
    `${op}:${kind}:${expr.length}`,
    [
      { name: 'out', view: out, write: true },
      { name: 'x', view: x },
    ],
    (p) => [p.f32(params[0] ?? 0), p.f32(params[1] ?? 0)],
    ([i0, i1]) => `  let x = ${natTo('ld_x(kd_o_x)', x.dtype, kind)};
  let p0 = ${pf(i0)};
  let p1 = ${pf(i1)};
  let kd_r = ${expr};
  st_out(kd_o_out, ${toNat('kd_r', kind, out.dtype)});`,
  );
};

export const binary: GpuKernel<'binary'> = (ctx, [out], [a, b], { op }) => {
  const row = BINARY[op];
  if (!row) throw new RangeError(`webgpu binary: unknown op '${op}'`);
  const compare = row.out === 'compare' || row.out === 'logical';
  let expr = row.wgsl;
  let kind: Kind = 'f32';
  if (kindOf(a.dtype) === 'i32' && kindOf(b.dtype) === 'i32' && INT_BINARY[op] !== undefined) {
    expr = INT_BINARY[op] as string;
    kind = 'i32';
  }
  if (
    kind === 'f32' &&
    !compare &&
    Number.isNaN(row.scalar(Number.NaN, 1)) &&
    Number.isNaN(row.scalar(1, Number.NaN))
  ) {
    expr = `select(${expr}, a + b, kd_isnan(a) || kd_isnan(b))`;
  }
  const rkind: Kind = compare ? 'bool' : kind;
  elementwise(
    ctx,
    `binary(${op})`,
    `${op}:${kind}`,
    [
      { name: 'out', view: out, write: true },
      { name: 'a', view: a },
      { name: 'b', view: b },
    ],
    () => [],
    () => `  let a = ${natTo('ld_a(kd_o_a)', a.dtype, kind)};
  let b = ${natTo('ld_b(kd_o_b)', b.dtype, kind)};
  let kd_r = ${expr};
  st_out(kd_o_out, ${toNat('kd_r', rkind, out.dtype)});`,
  );
};

export const where: GpuKernel<'where'> = (ctx, [out], [cond, a, b]) => {
  const same = a.dtype === out.dtype && b.dtype === out.dtype;
  const kind = kindOf(out.dtype);
  elementwise(
    ctx,
    'where',
    same ? 'bits' : kind,
    [
      { name: 'out', view: out, write: true },
      { name: 'c', view: cond },
      { name: 'a', view: a },
      { name: 'b', view: b },
    ],
    () => [],
    () => {
      const c = natTo('ld_c(kd_o_c)', cond.dtype, 'bool');
      if (same) return `  stb_out(kd_o_out, select(ldb_b(kd_o_b), ldb_a(kd_o_a), ${c}));`;
      const va = natTo('ld_a(kd_o_a)', a.dtype, kind);
      const vb = natTo('ld_b(kd_o_b)', b.dtype, kind);
      return `  st_out(kd_o_out, ${toNat(`select(${vb}, ${va}, ${c})`, kind, out.dtype)});`;
    },
  );
};

/**
 * out = x with a dtype conversion, matching the CPU backend: float -> int32 truncates (NaN and
 * inf -> 0, wrapping like an Int32Array store), anything -> bool is `!= 0` (NaN -> true), float16
 * rounds to nearest even; the same dtype copies raw bits.
 */
export const copy: GpuKernel<'copy'> = (ctx, [out], [x]) => {
  let body: string;
  let key: string;
  if (x.dtype === out.dtype) {
    key = 'bits';
    body = '  stb_out(kd_o_out, ldb_x(kd_o_x));';
  } else {
    const kind: Kind = out.dtype === 'bool' || x.dtype === 'bool' ? 'bool' : kindOf(x.dtype);
    key = kind;
    body = `  st_out(kd_o_out, ${toNat(natTo('ld_x(kd_o_x)', x.dtype, kind), kind, out.dtype)});`;
  }
  elementwise(
    ctx,
    'copy',
    key,
    [
      { name: 'out', view: out, write: true },
      { name: 'x', view: x },
    ],
    () => [],
    () => body,
  );
};

/** The bits `value` is stored as in `dtype` (CPU semantics: int32 wraps, bool is != 0). */
export function fillBits(dtype: DType, value: number): number {
  switch (dtype) {
    case 'float32': {
      const f = new Float32Array([value]);
      return new Uint32Array(f.buffer)[0];
    }
    case 'int32':
      return value | 0;
    case 'bool':
      return value !== 0 ? 1 : 0;
    case 'float16':
      return toHalfBits(value);
    default:
      throw new TypeError(`webgpu does not support ${dtype}; convert with .float() first`);
  }
}

export const fill: GpuKernel<'fill'> = (ctx, [out], _inputs, { value }) => {
  elementwise(
    ctx,
    'fill',
    'bits',
    [{ name: 'out', view: out, write: true }],
    (p) => [p.u32(fillBits(out.dtype, value))],
    ([v]) => `  stb_out(kd_o_out, ${pu(v)});`,
  );
};
