import { BINARY, type BinaryOp, type DType, UNARY, type UnaryOp, type View } from '@kindling/ops';
import { describe, expect, it } from 'vitest';
import { type CpuBuffer, cpuBackend, createCpuBackend } from '../src/index.js';
import { expectSame, LAYOUTS, makeView, numel, outView, randomValues, storeAs, values } from './helpers.js';

const fallback = createCpuBackend({ codegen: false });
const BACKENDS = [
  ['codegen', cpuBackend],
  ['closure fallback', fallback],
] as const;

// values that exercise every branch: signs, zero, fractions, halves, extremes, NaN, infinities
const SPECIAL = [-2.5, -1, -0.5, 0, 0.25, 0.5, 1, 1.5, 2.5, 3, -3.7, 100, Number.NaN, Infinity, -Infinity];

function unaryOut(op: UnaryOp, x: DType): DType {
  const out = UNARY[op].out;
  return out === 'bool' ? 'bool' : out === 'float' && (x === 'int32' || x === 'bool') ? 'float32' : x;
}

describe.each(BACKENDS)('unary (%s)', (_name, be) => {
  const ops = Object.keys(UNARY) as UnaryOp[];
  it.each(ops)('%s matches its scalar in float32 and float64, any layout', (op) => {
    const params = op === 'clamp' ? [-1, 2] : [];
    for (const dtype of ['float32', 'float64'] as const) {
      const od = unaryOut(op, dtype);
      for (const inL of LAYOUTS) {
        for (const outL of LAYOUTS) {
          const shape = [3, 5];
          const vals = SPECIAL.map((v) => storeAs(dtype, v));
          const x = makeView(dtype, shape, vals, inL);
          const out = outView(od, shape, outL);
          be.run('unary', [out], [x], { op, params });
          const want = vals.map((v) => storeAs(od, UNARY[op].scalar(v, params)));
          expectSame(values(out), want, `${op} ${dtype} ${inL}->${outL}`);
        }
      }
    }
  });

  it('int32 and bool inputs keep integer semantics for same-dtype ops', () => {
    const vals = [-5, -1, 0, 1, 7, 2147483647];
    for (const op of ['neg', 'abs', 'sign', 'relu', 'floor', 'clamp'] as const) {
      const x = makeView('int32', [6], vals, 'padded');
      const out = outView('int32', [6]);
      be.run('unary', [out], [x], { op, params: [-2, 3] });
      expectSame(
        values(out),
        vals.map((v) => UNARY[op].scalar(v, [-2, 3]) | 0),
        op,
      );
    }
    const b = makeView('bool', [4], [0, 1, 1, 0]);
    const out = outView('bool', [4]);
    be.run('unary', [out], [b], { op: 'logicalNot', params: [] });
    expect(values(out)).toEqual([1, 0, 0, 1]);
    // int32 -> float32 (a 'float' op on an integer input)
    const f = outView('float32', [6]);
    be.run('unary', [f], [makeView('int32', [6], vals)], { op: 'sqrt', params: [] });
    expectSame(
      values(f),
      vals.map((v) => Math.fround(Math.sqrt(v))),
      'sqrt int32',
    );
  });

  it('reads a stride-0 broadcast input and writes into a strided output with an offset', () => {
    const x: View<CpuBuffer> = {
      buffer: new Float32Array([9, 2]),
      dtype: 'float32',
      shape: [3, 4],
      strides: [0, 0],
      offset: 1,
    };
    const out = outView('float32', [3, 4], 'padded');
    cpuBackend.run('unary', [out], [x], { op: 'exp', params: [] });
    expect(values(out)).toEqual(new Array(12).fill(Math.fround(Math.exp(2))));
  });

  it('handles 0-dim and empty views', () => {
    const x = makeView('float64', [], [4]);
    const out = outView('float64', []);
    be.run('unary', [out], [x], { op: 'sqrt', params: [] });
    expect(values(out)).toEqual([2]);
    const e = outView('float64', [0, 3]);
    be.run('unary', [e], [makeView('float64', [0, 3], [])], { op: 'sqrt', params: [] });
  });

  it('in place (output aliases the input)', () => {
    const x = makeView('float32', [2, 3], [1, 4, 9, 16, 25, 36], 'permuted');
    be.run('unary', [x], [x], { op: 'sqrt', params: [] });
    expect(values(x)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

function binaryOut(op: BinaryOp, d: DType): DType {
  const out = BINARY[op].out;
  if (out === 'compare' || out === 'logical') return 'bool';
  return out === 'float' && (d === 'int32' || d === 'bool') ? 'float32' : d;
}

/** a and b views broadcast to `shape` from their own shapes (stride 0 on broadcast dims). */
function broadcastTo(v: View<CpuBuffer>, shape: readonly number[]): View<CpuBuffer> {
  const off = shape.length - v.shape.length;
  const strides = shape.map((d, i) => (i < off || v.shape[i - off] === 1 ? 0 : v.strides[i - off]));
  return { ...v, shape: [...shape], strides };
}

function logicalBroadcast(vals: readonly number[], from: readonly number[], to: readonly number[]): number[] {
  const out: number[] = [];
  const off = to.length - from.length;
  const total = numel(to);
  for (let k = 0; k < total; k++) {
    let rem = k;
    let src = 0;
    let mul = 1;
    const idx: number[] = [];
    for (let d = to.length - 1; d >= 0; d--) {
      idx[d] = rem % to[d];
      rem = Math.floor(rem / to[d]);
    }
    for (let d = to.length - 1; d >= off; d--) {
      const sd = from[d - off];
      src += (sd === 1 ? 0 : idx[d]) * mul;
      mul *= sd;
    }
    out.push(vals[src]);
  }
  return out;
}

describe.each(BACKENDS)('binary (%s)', (_name, be) => {
  const ops = Object.keys(BINARY) as BinaryOp[];
  const CASES: [number[], number[], number[]][] = [
    [
      [4, 5],
      [4, 5],
      [4, 5],
    ],
    [
      [3, 1, 4],
      [5, 4],
      [3, 5, 4],
    ], // both broadcast
    [[2, 6], [], [2, 6]], // scalar b (hoisted load)
    [[], [7], [7]], // scalar a
    [
      [6, 1],
      [1, 5],
      [6, 5],
    ],
  ];
  it.each(ops)('%s matches its scalar for every dtype, broadcast and layout', (op) => {
    for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
      if (
        dtype === 'bool' &&
        !['eq', 'ne', 'logicalAnd', 'logicalOr', 'logicalXor', 'maximum', 'minimum', 'mul'].includes(op)
      )
        continue;
      const od = binaryOut(op, dtype);
      const int = dtype !== 'float32' && dtype !== 'float64';
      for (const [sa, sb, so] of CASES) {
        for (const [layout, outL] of LAYOUTS.flatMap((l) => LAYOUTS.map((o) => [l, o] as const))) {
          let av = randomValues(numel(sa), 1, -4, 4, int).map((v) => storeAs(dtype, v));
          let bv = randomValues(numel(sb), 2, -4, 4, int).map((v) => storeAs(dtype, v));
          if (!int && av.length > 3) av = [...av.slice(0, -3), Number.NaN, 0, 2];
          if (!int && bv.length > 3) bv = [...bv.slice(0, -3), 1, 0, Number.NaN];
          if (int && (op === 'remainder' || op === 'fmod' || op === 'div'))
            bv = bv.map((v) => (v === 0 ? 3 : v));
          const a = broadcastTo(makeView(dtype, sa, av, layout), so);
          const b = broadcastTo(makeView(dtype, sb, bv, 'padded'), so);
          const out = outView(od, so, outL);
          be.run('binary', [out], [a, b], { op });
          const la = logicalBroadcast(av, sa, so);
          const lb = logicalBroadcast(bv, sb, so);
          const want = la.map((x, i) => storeAs(od, BINARY[op].scalar(x, lb[i])));
          expectSame(values(out), want, `${op} ${dtype} [${sa}]x[${sb}] ${layout}->${outL}`);
        }
      }
    }
  });

  it('comparisons with NaN write 0 (ne writes 1) into bool outputs', () => {
    const a = makeView('float32', [3], [Number.NaN, 1, 2]);
    const b = makeView('float32', [3], [Number.NaN, Number.NaN, 2]);
    const out = outView('bool', [3]);
    for (const [op, want] of [
      ['eq', [0, 0, 1]],
      ['ne', [1, 1, 0]],
      ['lt', [0, 0, 0]],
      ['ge', [0, 0, 1]],
    ] as const) {
      be.run('binary', [out], [a, b], { op });
      expect(values(out)).toEqual(want);
    }
  });

  it('bool add stores nonzero as 1', () => {
    const a = makeView('bool', [4], [0, 1, 0, 1]);
    const b = makeView('bool', [4], [0, 0, 1, 1]);
    const out = outView('bool', [4]);
    be.run('binary', [out], [a, b], { op: 'add' });
    expect(values(out)).toEqual([0, 1, 1, 1]);
  });
});

describe.each(BACKENDS)('where (%s)', (_name, be) => {
  it('selects with a broadcast bool condition for every dtype and layout', () => {
    for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
      for (const layout of LAYOUTS) {
        const shape = [3, 4];
        const cv = [1, 0, 0, 1];
        const cond = broadcastTo(makeView('bool', [4], cv, layout), shape);
        const av = randomValues(12, 3, -5, 5, true).map((v) => storeAs(dtype, v));
        const a = makeView(dtype, shape, av, layout);
        const b = broadcastTo(makeView(dtype, [], [storeAs(dtype, 9)]), shape);
        const out = outView(dtype, shape, layout === 'permuted' ? 'padded' : 'permuted');
        be.run('where', [out], [cond, a, b], {});
        expectSame(
          values(out),
          av.map((v, i) => (cv[i % 4] ? v : storeAs(dtype, 9))),
          `${dtype} ${layout}`,
        );
      }
    }
  });
});
