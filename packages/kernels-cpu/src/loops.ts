import type { DType, TypedArray } from '@kindling/ops';
import { type Layout, RowCursor } from './strided.js';

/**
 * An elementwise loop: o[i] = f(x0[i], x1[i], ...) over a coalesced layout whose operand 0 is
 * the output. `p` goes to `f` as its last argument when the loop was built with params.
 */
export type MapLoop = (
  o: TypedArray,
  xs: readonly TypedArray[],
  layout: Layout,
  base: readonly number[],
  p: readonly number[],
) => void;

// biome-ignore lint/suspicious/noExplicitAny: scalar functions of any arity
type Scalar = (...args: any[]) => number;

/** An elementwise op: made once per op (kernels keep them in tables), used as a cache key. */
export interface LoopOp {
  /** For the generated source's comment (profilers show it). */
  readonly label: string;
  readonly arity: 1 | 2 | 3;
  readonly f: Scalar;
  /** Pass `p` to `f` (unary params). */
  readonly params: boolean;
}

/** A loop specialised for dtypes: a bool output stores `v !== 0 ? 1 : 0`. */
export interface LoopSpec extends LoopOp {
  readonly boolOut: boolean;
}

const CODE: Record<DType, number> = { float32: 0, float64: 1, float16: 2, int32: 3, bool: 4 };

/**
 * Builds one loop per (op, dtypes) with `new Function`, capturing the scalar function so every
 * call site in the loop is monomorphic and V8 inlines it; distinct dtypes get distinct loops, so
 * each also sees one typed-array type per operand. Where code generation is forbidden (a CSP
 * without unsafe-eval), falls back to a shared closure loop: correct, just slower. Lookups go by
 * op identity and a numeric dtype code: no string building per call.
 */
export class LoopCache {
  private readonly loops = new Map<LoopOp, MapLoop[]>();

  constructor(private codegen: boolean) {}

  get(op: LoopOp, out: DType, in0: DType, in1: DType = 'float32', in2: DType = 'float32'): MapLoop {
    let byCode = this.loops.get(op);
    if (!byCode) this.loops.set(op, (byCode = []));
    const code = ((CODE[out] * 5 + CODE[in0]) * 5 + CODE[in1]) * 5 + CODE[in2];
    let loop = byCode[code];
    if (!loop) {
      const dtypes = [in0, in1, in2].slice(0, op.arity).join(',');
      const spec: LoopSpec = { ...op, label: `${op.label}:${dtypes}>${out}`, boolOut: out === 'bool' };
      loop = (this.codegen ? this.compile(spec) : undefined) ?? genericLoop(spec);
      byCode[code] = loop;
    }
    return loop;
  }

  private compile(spec: LoopSpec): MapLoop | undefined {
    try {
      return new Function('f', loopSource(spec))(spec.f) as MapLoop;
    } catch {
      this.codegen = false;
      return undefined;
    }
  }
}

/**
 * The generated loop. Unit-stride rows (dense, or one binary operand broadcast along the row) are
 * unrolled by 8: V8 re-checks each typed array's map, length and data pointer on every iteration,
 * and unrolled, eight elements share one set of checks. Bool outputs store `+(v !== 0)`, which
 * compiles without a branch.
 */
export function loopSource(spec: LoopSpec): string {
  const ks = Array.from({ length: spec.arity }, (_, k) => k);
  const list = (g: (k: number) => string, sep = ', ') => ks.map(g).join(sep);
  // `arg(k)` is operand k's value expression
  const call = (arg: (k: number) => string) => `f(${list(arg)}${spec.params ? ', p' : ''})`;
  const store = (target: string, v: string) => `${target} = ${spec.boolOut ? `+((${v}) !== 0)` : v};`;
  // a unit-stride row: `arg(k, u)` is operand k's value at element j + u
  const row = (arg: (k: number, u: string) => string) => {
    const body = (u: string) =>
      store(
        `o[oo + j${u}]`,
        call((k) => arg(k, u)),
      );
    const eight = Array.from({ length: 8 }, (_, u) => body(u ? ` + ${u}` : '')).join(' ');
    return `let j = 0; for (; j + 8 <= n; j += 8) { ${eight} } for (; j < n; j++) ${body('')}`;
  };
  // a binary op with one operand broadcast along the row (x * scalar): hoist its load
  const hoisted =
    spec.arity === 2
      ? `else if (so === 1 && s0 === 1 && s1 === 0) { const b = x1[i1]; ${row((k, u) => (k ? 'b' : `x0[i0 + j${u}]`))} }
    else if (so === 1 && s0 === 0 && s1 === 1) { const a = x0[i0]; ${row((k, u) => (k ? `x1[i1 + j${u}]` : 'a'))} }`
      : '';
  return `// kindling cpu loop: ${spec.label.replace(/[^\w:>,.-]/g, '_')}
return function loop(o, xs, layout, base, p) {
  ${list((k) => `const x${k} = xs[${k}];`, ' ')}
  const shape = layout.shape, st = layout.strides, nd = shape.length, n = shape[nd - 1];
  const so = st[0][nd - 1]; ${list((k) => `const s${k} = st[${k + 1}][nd - 1];`, ' ')}
  let oo = base[0]; ${list((k) => `let i${k} = base[${k + 1}];`, ' ')}
  const dense = so === 1 && ${list((k) => `s${k} === 1`, ' && ')};
  let outer = 1;
  for (let d = 0; d < nd - 1; d++) outer *= shape[d];
  const idx = nd > 1 ? new Array(nd).fill(0) : null;
  for (let r = 0; r < outer; r++) {
    if (dense) { ${row((k, u) => `x${k}[i${k} + j${u}]`)} }
    ${hoisted}
    else {
      let a = oo; ${list((k) => `let b${k} = i${k};`, ' ')}
      for (let j = 0; j < n; j++) { ${store(
        'o[a]',
        call((k) => `x${k}[b${k}]`),
      )} a += so; ${list((k) => `b${k} += s${k};`, ' ')} }
    }
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d] < shape[d]) { oo += st[0][d]; ${list((k) => `i${k} += st[${k + 1}][d];`, ' ')} break; }
      idx[d] = 0;
      const back = shape[d] - 1;
      oo -= st[0][d] * back; ${list((k) => `i${k} -= st[${k + 1}][d] * back;`, ' ')}
    }
  }
};`;
}

/**
 * The no-codegen fallback: a row loop per arity, called per row of the layout. The call to `f`
 * inside is shared by every op (megamorphic), so it is slower than a compiled loop, but the
 * arrays arrive as arguments, which V8 compiles far better than arrays captured by a closure.
 */
export function genericLoop(spec: LoopSpec): MapLoop {
  const { f, boolOut, arity, params } = spec;
  return (o, xs, layout, base, p) => {
    const last = layout.shape.length - 1;
    const n = layout.shape[last];
    const st = layout.strides;
    const c = new RowCursor(layout, base);
    const off = c.off;
    const [x0, x1, x2] = xs;
    do {
      if (arity === 1)
        row1(f, boolOut, params ? p : null, n, o, off[0], st[0][last], x0, off[1], st[1][last]);
      else if (arity === 2)
        row2(f, boolOut, n, o, off[0], st[0][last], x0, off[1], st[1][last], x1, off[2], st[2][last]);
      else {
        const s = [st[1][last], st[2][last], st[3][last]];
        row3(f, boolOut, n, o, off[0], st[0][last], x0, x1, x2, off[1], off[2], off[3], s);
      }
    } while (c.next());
  };
}

function row1(
  f: Scalar,
  bool: boolean,
  p: readonly number[] | null,
  n: number,
  o: TypedArray,
  a: number,
  so: number,
  x: TypedArray,
  b: number,
  sx: number,
): void {
  for (let j = 0; j < n; j++, a += so, b += sx) {
    const v = p ? f(x[b], p) : f(x[b]);
    o[a] = bool ? +(v !== 0) : v;
  }
}

function row2(
  f: Scalar,
  bool: boolean,
  n: number,
  o: TypedArray,
  a: number,
  so: number,
  x0: TypedArray,
  b0: number,
  s0: number,
  x1: TypedArray,
  b1: number,
  s1: number,
): void {
  for (let j = 0; j < n; j++, a += so, b0 += s0, b1 += s1) {
    const v = f(x0[b0], x1[b1]);
    o[a] = bool ? +(v !== 0) : v;
  }
}

function row3(
  f: Scalar,
  bool: boolean,
  n: number,
  o: TypedArray,
  a: number,
  so: number,
  x0: TypedArray,
  x1: TypedArray,
  x2: TypedArray,
  b0: number,
  b1: number,
  b2: number,
  s: readonly number[],
): void {
  const [s0, s1, s2] = s;
  for (let j = 0; j < n; j++, a += so, b0 += s0, b1 += s1, b2 += s2) {
    const v = f(x0[b0], x1[b1], x2[b2]);
    o[a] = bool ? +(v !== 0) : v;
  }
}
