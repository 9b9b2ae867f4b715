import type { DType, TypedArray } from '@kindling/ops';
import { forEachRow, type Layout } from './strided.js';

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

/** The generated loop: dense and broadcast-scalar inner rows get their own tight loops. */
export function loopSource(spec: LoopSpec): string {
  const ks = Array.from({ length: spec.arity }, (_, k) => k);
  const list = (g: (k: number) => string, sep = ', ') => ks.map(g).join(sep);
  const call = (at: (k: number) => string) =>
    `f(${list((k) => `x${k}[${at(k)}]`)}${spec.params ? ', p' : ''})`;
  const store = (target: string, v: string) => `${target} = ${spec.boolOut ? `(${v}) !== 0 ? 1 : 0` : v};`;
  // a binary op with one operand broadcast along the row (x * scalar): hoist its load
  const hoisted =
    spec.arity === 2
      ? `else if (so === 1 && s0 === 1 && s1 === 0) { const b = x1[i1]; for (let j = 0; j < n; j++) ${store('o[oo + j]', `f(x0[i0 + j], b)`)} }
    else if (so === 1 && s0 === 0 && s1 === 1) { const a = x0[i0]; for (let j = 0; j < n; j++) ${store('o[oo + j]', `f(a, x1[i1 + j])`)} }`
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
    if (dense) { for (let j = 0; j < n; j++) ${store(
      'o[oo + j]',
      call((k) => `i${k} + j`),
    )} }
    ${hoisted}
    else {
      let a = oo; ${list((k) => `let b${k} = i${k};`, ' ')}
      for (let j = 0; j < n; j++) { ${store(
        'o[a]',
        call((k) => `b${k}`),
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

/** The no-codegen fallback: one closure per spec over the shared row iterator. */
export function genericLoop(spec: LoopSpec): MapLoop {
  const { f, boolOut, arity, params } = spec;
  return (o, xs, layout, base, p) => {
    const nd = layout.shape.length;
    const n = layout.shape[nd - 1];
    // missing operands (arity < 3) read as stride 0 at offset 0 and are never used
    const st = [0, 1, 2, 3].map((k) => layout.strides[k]?.[nd - 1] ?? 0);
    const [x0, x1, x2] = xs;
    forEachRow(layout, base, (off) => {
      let a = off[0];
      let b0 = off[1];
      let b1 = off[2] ?? 0;
      let b2 = off[3] ?? 0;
      for (let j = 0; j < n; j++) {
        const v =
          arity === 1
            ? params
              ? f(x0[b0], p)
              : f(x0[b0])
            : arity === 2
              ? f(x0[b0], x1[b1])
              : f(x0[b0], x1[b1], x2[b2]);
        o[a] = boolOut ? (v !== 0 ? 1 : 0) : v;
        a += st[0];
        b0 += st[1];
        b1 += st[2];
        b2 += st[3];
      }
    });
  };
}
