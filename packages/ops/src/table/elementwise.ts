import { type DType, isFloating, promoteTypes } from '../dtype.js';
import type { GT } from '../gt.js';
import { erf, erfc, erfinv, pyMod, roundHalfEven } from '../scalar-math.js';
import { broadcastShapes } from '../shape.js';
import type { GradCtx, OpRow } from './row.js';

/**
 * Elementwise rows. `scalar` is the op's meaning on one value (the CPU kernels compile it into a
 * loop); `wgsl` is the same meaning as a WGSL expression over `x` (unary, with params `p0`, `p1`)
 * or `a`, `b` (binary), from which the GPU backend generates its kernels. WGSL may assume floats
 * are finite, so NaN tests use the backend's bit-level helpers (kd_isnan, kd_isinf, kd_nz: x != 0).
 */
interface UnarySpec {
  /** same: keep the input dtype; float: integers and bools become float32; bool: the output is bool. */
  readonly out: 'same' | 'float' | 'bool';
  readonly scalar: (x: number, p: readonly number[]) => number;
  readonly wgsl: string;
  readonly saves?: 'x' | 'out' | 'none';
  readonly grad?: (g: GT, x: GT | null, out: GT | null, p: readonly number[]) => GT;
}

export interface UnaryRow extends OpRow<UnaryAttrs> {
  readonly kind: 'unary';
  readonly out: UnarySpec['out'];
  readonly scalar: UnarySpec['scalar'];
  readonly wgsl: string;
}

export interface UnaryAttrs {
  /** Numeric attributes (clamp's bounds). */
  readonly params?: readonly number[];
}

function unaryDType(out: UnarySpec['out'], d: DType): DType {
  if (out === 'bool') return 'bool';
  if (out === 'float') return isFloating(d) ? d : 'float32';
  return d;
}

function unary(spec: UnarySpec): UnaryRow {
  const saves = spec.saves ?? 'none';
  const g = spec.grad;
  return {
    kind: 'unary',
    out: spec.out,
    scalar: spec.scalar,
    wgsl: spec.wgsl,
    shape: (s) => [...s[0]],
    dtype: (d) => unaryDType(spec.out, d[0]),
    saves: { inputs: saves === 'x' ? [0] : [], out: saves === 'out' },
    grad: g
      ? (grad: GT, ctx: GradCtx<UnaryAttrs>) => [g(grad, ctx.inputs[0], ctx.out, ctx.attrs.params ?? [])]
      : null,
  };
}

const zeros = (g: GT) => g.mul(0);
const X = (x: GT | null) => x as GT;

export const UNARY = {
  neg: unary({ out: 'same', scalar: (x) => -x, wgsl: '-x', grad: (g) => g.neg() }),
  abs: unary({
    out: 'same',
    scalar: Math.abs,
    wgsl: 'abs(x)',
    saves: 'x',
    grad: (g, x) => g.mul(X(x).sign()),
  }),
  sign: unary({
    out: 'same',
    scalar: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
    wgsl: 'select(sign(x), 0.0, kd_isnan(x))',
    grad: zeros,
  }),
  exp: unary({
    out: 'float',
    scalar: Math.exp,
    wgsl: 'exp(x)',
    saves: 'out',
    grad: (g, _x, o) => g.mul(X(o)),
  }),
  exp2: unary({
    out: 'float',
    scalar: (x) => 2 ** x,
    wgsl: 'exp2(x)',
    saves: 'out',
    grad: (g, _x, o) => g.mul(X(o)).mul(Math.LN2),
  }),
  log: unary({ out: 'float', scalar: Math.log, wgsl: 'kd_log(x)', saves: 'x', grad: (g, x) => g.div(X(x)) }),
  log2: unary({
    out: 'float',
    scalar: Math.log2,
    wgsl: 'kd_log2(x)',
    saves: 'x',
    grad: (g, x) => g.div(X(x).mul(Math.LN2)),
  }),
  log10: unary({
    out: 'float',
    scalar: Math.log10,
    wgsl: 'kd_log(x) * 0.4342944819032518',
    saves: 'x',
    grad: (g, x) => g.div(X(x).mul(Math.LN10)),
  }),
  log1p: unary({
    out: 'float',
    scalar: Math.log1p,
    wgsl: 'kd_log1p(x)',
    saves: 'x',
    grad: (g, x) => g.div(X(x).add(1)),
  }),
  expm1: unary({
    out: 'float',
    scalar: Math.expm1,
    wgsl: 'kd_expm1(x)',
    saves: 'out',
    grad: (g, _x, o) => g.mul(X(o).add(1)),
  }),
  sqrt: unary({
    out: 'float',
    scalar: Math.sqrt,
    wgsl: 'sqrt(x)',
    saves: 'out',
    grad: (g, _x, o) => g.div(X(o).mul(2)),
  }),
  rsqrt: unary({
    out: 'float',
    scalar: (x) => 1 / Math.sqrt(x),
    wgsl: 'inverseSqrt(x)',
    saves: 'out',
    grad: (g, _x, o) => g.mul(X(o).pow(3)).mul(-0.5),
  }),
  sin: unary({
    out: 'float',
    scalar: Math.sin,
    wgsl: 'kd_sin(x)',
    saves: 'x',
    grad: (g, x) => g.mul(X(x).cos()),
  }),
  cos: unary({
    out: 'float',
    scalar: Math.cos,
    wgsl: 'kd_cos(x)',
    saves: 'x',
    grad: (g, x) => g.mul(X(x).sin()).neg(),
  }),
  tan: unary({
    out: 'float',
    scalar: Math.tan,
    wgsl: 'kd_tan(x)',
    saves: 'out',
    grad: (g, _x, o) => g.mul(X(o).mul(X(o)).add(1)),
  }),
  asin: unary({
    out: 'float',
    scalar: Math.asin,
    wgsl: 'kd_asin(x)',
    saves: 'x',
    grad: (g, x) => g.div(X(x).mul(X(x)).neg().add(1).sqrt()),
  }),
  acos: unary({
    out: 'float',
    scalar: Math.acos,
    wgsl: 'kd_acos(x)',
    saves: 'x',
    grad: (g, x) => g.div(X(x).mul(X(x)).neg().add(1).sqrt()).neg(),
  }),
  atan: unary({
    out: 'float',
    scalar: Math.atan,
    wgsl: 'atan(x)',
    saves: 'x',
    grad: (g, x) => g.div(X(x).mul(X(x)).add(1)),
  }),
  sinh: unary({
    out: 'float',
    scalar: Math.sinh,
    wgsl: 'sinh(x)',
    saves: 'x',
    grad: (g, x) => g.mul(X(x).exp().add(X(x).neg().exp()).mul(0.5)),
  }),
  cosh: unary({
    out: 'float',
    scalar: Math.cosh,
    wgsl: 'cosh(x)',
    saves: 'x',
    grad: (g, x) => g.mul(X(x).exp().sub(X(x).neg().exp()).mul(0.5)),
  }),
  tanh: unary({
    out: 'float',
    scalar: Math.tanh,
    wgsl: 'tanh(clamp(x, -20.0, 20.0))',
    saves: 'out',
    grad: (g, _x, o) => g.mul(X(o).mul(X(o)).neg().add(1)),
  }),
  asinh: unary({
    out: 'float',
    scalar: Math.asinh,
    wgsl: 'kd_asinh(x)',
    saves: 'x',
    grad: (g, x) => g.div(X(x).mul(X(x)).add(1).sqrt()),
  }),
  acosh: unary({
    out: 'float',
    scalar: Math.acosh,
    wgsl: 'kd_acosh(x)',
    saves: 'x',
    grad: (g, x) => g.div(X(x).mul(X(x)).sub(1).sqrt()),
  }),
  atanh: unary({
    out: 'float',
    scalar: Math.atanh,
    wgsl: 'kd_atanh(x)',
    saves: 'x',
    grad: (g, x) => g.div(X(x).mul(X(x)).neg().add(1)),
  }),
  sigmoid: unary({
    out: 'float',
    scalar: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
    wgsl: 'kd_sigmoid(x)',
    saves: 'out',
    grad: (g, _x, o) => g.mul(X(o).mul(X(o).neg().add(1))),
  }),
  erf: unary({
    out: 'float',
    scalar: erf,
    wgsl: 'kd_erf(x)',
    saves: 'x',
    grad: (g, x) => g.mul(X(x).mul(X(x)).neg().exp().mul(1.1283791670955126)),
  }),
  erfc: unary({
    out: 'float',
    scalar: erfc,
    wgsl: 'kd_erfc(x)',
    saves: 'x',
    grad: (g, x) => g.mul(X(x).mul(X(x)).neg().exp().mul(-1.1283791670955126)),
  }),
  erfinv: unary({
    out: 'float',
    scalar: erfinv,
    wgsl: 'kd_erfinv(x)',
    saves: 'out',
    grad: (g, _x, o) => g.mul(X(o).mul(X(o)).exp().mul(0.886226925452758)),
  }),
  floor: unary({ out: 'same', scalar: Math.floor, wgsl: 'floor(x)', grad: zeros }),
  ceil: unary({ out: 'same', scalar: Math.ceil, wgsl: 'ceil(x)', grad: zeros }),
  round: unary({ out: 'same', scalar: roundHalfEven, wgsl: 'round(x)', grad: zeros }),
  trunc: unary({ out: 'same', scalar: Math.trunc, wgsl: 'trunc(x)', grad: zeros }),
  frac: unary({ out: 'same', scalar: (x) => x - Math.trunc(x), wgsl: 'x - trunc(x)', grad: (g) => g }),
  reciprocal: unary({
    out: 'float',
    scalar: (x) => 1 / x,
    wgsl: '1.0 / x',
    saves: 'out',
    grad: (g, _x, o) => g.mul(X(o).mul(X(o))).neg(),
  }),
  relu: unary({
    out: 'same',
    scalar: (x) => (x > 0 ? x : x === 0 || x < 0 ? 0 : x),
    wgsl: 'select(x, 0.0, x <= 0.0)',
    saves: 'out',
    grad: (g, _x, o) => g.where(X(o).le(0).logicalNot(), 0),
  }),
  /** clamp(x, p0, p1); a missing bound is -inf / +inf. NaN stays NaN, as in PyTorch. */
  clamp: unary({
    out: 'same',
    scalar: (x, p) => {
      const lo = x < p[0] ? p[0] : x;
      return lo > p[1] ? p[1] : lo;
    },
    wgsl: 'kd_clamp(x, p0, p1)',
    saves: 'x',
    grad: (g, x, _o, p) => g.where(X(x).ge(p[0]).logicalAnd(X(x).le(p[1])), 0),
  }),
  logicalNot: unary({ out: 'bool', scalar: (x) => (x === 0 ? 1 : 0), wgsl: 'select(0.0, 1.0, x == 0.0)' }),
  isnan: unary({
    out: 'bool',
    scalar: (x) => (Number.isNaN(x) ? 1 : 0),
    wgsl: 'select(0.0, 1.0, kd_isnan(x))',
  }),
  isinf: unary({
    out: 'bool',
    scalar: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
    wgsl: 'select(0.0, 1.0, kd_isinf(x))',
  }),
} satisfies Record<string, UnaryRow>;

export type UnaryOp = keyof typeof UNARY;

// ------------------------------------------------------------------------------------------

interface BinarySpec {
  /** promote: torch.result_type; float: as promote, integers become float32; compare/logical: bool out. */
  readonly out: 'promote' | 'float' | 'compare' | 'logical';
  readonly scalar: (a: number, b: number) => number;
  readonly wgsl: string;
  readonly saves?: { a?: boolean; b?: boolean; out?: boolean };
  readonly grad?: (
    g: GT,
    a: GT | null,
    b: GT | null,
    out: GT | null,
    needs: readonly boolean[],
  ) => readonly (GT | null)[];
}

export interface BinaryRow extends OpRow<Record<string, never>> {
  readonly kind: 'binary';
  readonly out: BinarySpec['out'];
  readonly scalar: BinarySpec['scalar'];
  readonly wgsl: string;
  /** The dtype both inputs are converted to before the kernel runs. */
  computeDType(a: DType, b: DType): DType;
}

function binary(spec: BinarySpec): BinaryRow {
  const s = spec.saves ?? {};
  const compute = (a: DType, b: DType): DType => {
    const p = promoteTypes(a, b);
    if (spec.out === 'float' && !isFloating(p)) return 'float32';
    if (spec.out === 'logical') return p;
    return p;
  };
  const g = spec.grad;
  return {
    kind: 'binary',
    out: spec.out,
    scalar: spec.scalar,
    wgsl: spec.wgsl,
    computeDType: compute,
    shape: (sh) => broadcastShapes(OP_LABEL.current, sh[0], sh[1]),
    dtype: (d) => (spec.out === 'compare' || spec.out === 'logical' ? 'bool' : compute(d[0], d[1])),
    saves: { inputs: [...(s.a ? [0] : []), ...(s.b ? [1] : [])], out: !!s.out },
    grad: g ? (grad, ctx) => g(grad, ctx.inputs[0], ctx.inputs[1], ctx.out, ctx.needs) : null,
  };
}

/** The op name used by broadcast errors (set by the dispatcher before running a shape rule). */
export const OP_LABEL = { current: '' };

const A = (t: GT | null) => t as GT;

export const BINARY = {
  add: binary({ out: 'promote', scalar: (a, b) => a + b, wgsl: 'a + b', grad: (g) => [g, g] }),
  sub: binary({ out: 'promote', scalar: (a, b) => a - b, wgsl: 'a - b', grad: (g) => [g, g.neg()] }),
  mul: binary({
    out: 'promote',
    scalar: (a, b) => a * b,
    wgsl: 'a * b',
    saves: { a: true, b: true },
    grad: (g, a, b, _o, n) => [n[0] ? g.mul(A(b)) : null, n[1] ? g.mul(A(a)) : null],
  }),
  div: binary({
    out: 'float',
    scalar: (a, b) => a / b,
    wgsl: 'a / b',
    saves: { a: true, b: true },
    grad: (g, a, b, _o, n) => [
      n[0] ? g.div(A(b)) : null,
      n[1]
        ? g
            .neg()
            .mul(A(a))
            .div(A(b).mul(A(b)))
        : null,
    ],
  }),
  pow: binary({
    out: 'promote',
    scalar: (a, b) => (a === 1 || b === 0 ? 1 : a ** b),
    wgsl: 'kd_pow(a, b)',
    saves: { a: true, b: true, out: true },
    grad: (g, a, b, out, n) => [
      n[0]
        ? g
            .mul(A(b))
            .mul(A(a).pow(A(b).sub(1)))
            .where(A(b).ne(0), 0)
        : null,
      n[1]
        ? g.mul(
            A(out)
              .mul(A(a).log())
              .where(A(a).eq(0).logicalAnd(A(b).ge(0)).logicalNot(), 0),
          )
        : null,
    ],
  }),
  maximum: binary({
    out: 'promote',
    scalar: (a, b) => (a !== a || b !== b ? Number.NaN : a > b ? a : b),
    wgsl: 'kd_maximum(a, b)',
    saves: { a: true, b: true },
    grad: (g, a, b) => {
      const half = g.where(A(a).ne(A(b)), g.mul(0.5));
      return [half.where(A(a).lt(A(b)).logicalNot(), 0), half.where(A(b).lt(A(a)).logicalNot(), 0)];
    },
  }),
  minimum: binary({
    out: 'promote',
    scalar: (a, b) => (a !== a || b !== b ? Number.NaN : a < b ? a : b),
    wgsl: 'kd_minimum(a, b)',
    saves: { a: true, b: true },
    grad: (g, a, b) => {
      const half = g.where(A(a).ne(A(b)), g.mul(0.5));
      return [half.where(A(a).gt(A(b)).logicalNot(), 0), half.where(A(b).gt(A(a)).logicalNot(), 0)];
    },
  }),
  atan2: binary({
    out: 'float',
    scalar: Math.atan2,
    wgsl: 'kd_atan2(a, b)',
    saves: { a: true, b: true },
    grad: (g, a, b) => {
      const r = A(a)
        .mul(A(a))
        .add(A(b).mul(A(b)));
      return [g.mul(A(b)).div(r), g.mul(A(a)).neg().div(r)];
    },
  }),
  remainder: binary({
    out: 'promote',
    scalar: pyMod,
    wgsl: 'a - b * floor(a / b)',
    saves: { a: true, b: true },
    grad: (g, a, b) => [g, g.neg().mul(A(a).div(A(b)).floor())],
  }),
  fmod: binary({
    out: 'promote',
    scalar: (a, b) => a % b,
    wgsl: 'a - b * trunc(a / b)',
    saves: { a: true, b: true },
    grad: (g, a, b) => [g, g.neg().mul(A(a).div(A(b)).trunc())],
  }),
  eq: binary({ out: 'compare', scalar: (a, b) => (a === b ? 1 : 0), wgsl: 'a == b' }),
  ne: binary({
    out: 'compare',
    scalar: (a, b) => (a !== b ? 1 : 0),
    wgsl: '(a != b) || kd_isnan(a) || kd_isnan(b)',
  }),
  lt: binary({ out: 'compare', scalar: (a, b) => (a < b ? 1 : 0), wgsl: 'a < b' }),
  le: binary({ out: 'compare', scalar: (a, b) => (a <= b ? 1 : 0), wgsl: 'a <= b' }),
  gt: binary({ out: 'compare', scalar: (a, b) => (a > b ? 1 : 0), wgsl: 'a > b' }),
  ge: binary({ out: 'compare', scalar: (a, b) => (a >= b ? 1 : 0), wgsl: 'a >= b' }),
  logicalAnd: binary({
    out: 'logical',
    scalar: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
    wgsl: 'kd_nz(a) && kd_nz(b)',
  }),
  logicalOr: binary({
    out: 'logical',
    scalar: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
    wgsl: 'kd_nz(a) || kd_nz(b)',
  }),
  logicalXor: binary({
    out: 'logical',
    scalar: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0),
    wgsl: 'kd_nz(a) != kd_nz(b)',
  }),
} satisfies Record<string, BinaryRow>;

export type BinaryOp = keyof typeof BINARY;
