import { BINARY, type BinaryOp, UNARY, type UnaryOp, type View } from '@kindling/ops';
import { describe, expect, it } from 'vitest';
import { type CpuBuffer, createCpuBackend } from '../src/index.js';
import { layoutOf, makeView, numel, outView, randomValues, storeAs, values } from './helpers.js';

// The hand-written float32 loops (src/hot) must give exactly the table scalar's values, -0 and
// NaN included, for every row length (unrolled bodies and their tails), broadcast side, offset
// and multi-row layout. Both backends take them; the fallback one shows they need no codegen.
const BACKENDS = [
  ['codegen', createCpuBackend()],
  ['closure fallback', createCpuBackend({ codegen: false })],
] as const;

const SPECIAL = [0, -0, 1, -1, 0.5, -2.5, 3, Number.NaN, Infinity, -Infinity, 1e-40, -1e-40, 7, -7].map(
  Math.fround,
);

function f32(n: number, seed: number): number[] {
  return randomValues(n, seed).map((v, i) =>
    Math.fround(i % 5 === 0 ? SPECIAL[(i / 5) % SPECIAL.length] : v),
  );
}

function same(actual: readonly number[], expected: readonly number[], label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i]) && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i])))
      throw new Error(`${label}: element ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

/** A view of `shape` whose values broadcast from a single element (all strides 0). */
function scalarView(shape: readonly number[], v: number): View<CpuBuffer> {
  return {
    buffer: new Float32Array([77, v]),
    dtype: 'float32',
    shape: [...shape],
    strides: shape.map(() => 0),
    offset: 1,
  };
}

/** [rows, cols] with each row of `row` (stride [0, 1]): a bias added to every row. */
function rowBroadcast(rows: number, row: readonly number[]): View<CpuBuffer> {
  return {
    buffer: Float32Array.from([77, ...row]),
    dtype: 'float32',
    shape: [rows, row.length],
    strides: [0, 1],
    offset: 1,
  };
}

const ARITH: BinaryOp[] = ['add', 'sub', 'mul', 'div'];
const COMPARE: BinaryOp[] = ['lt', 'le', 'gt', 'ge', 'eq', 'ne'];

describe.each(BACKENDS)('hot binary rows (%s)', (_name, be) => {
  it.each([...ARITH, ...COMPARE])('%s: dense and broadcast either side, any length', (op) => {
    const od = COMPARE.includes(op) ? 'bool' : 'float32';
    const scalar = BINARY[op].scalar;
    for (const n of [1, 2, 7, 8, 9, 16, 17, 33, 100]) {
      const av = f32(n, n);
      const bv = f32(n, n + 1000);
      for (const s of SPECIAL) {
        const cases: [string, View<CpuBuffer>, View<CpuBuffer>, number[]][] = [
          [
            'dense',
            makeView('float32', [n], av),
            makeView('float32', [n], bv),
            av.map((a, i) => scalar(a, bv[i])),
          ],
          ['right scalar', makeView('float32', [n], av), scalarView([n], s), av.map((a) => scalar(a, s))],
          ['left scalar', scalarView([n], s), makeView('float32', [n], bv), bv.map((b) => scalar(s, b))],
        ];
        for (const [mode, a, b, want] of cases) {
          const out = outView(od, [n]);
          be.run('binary', [out], [a, b], { op });
          same(
            values(out),
            want.map((v) => storeAs(od, v)),
            `${op} n=${n} ${mode} s=${s}`,
          );
        }
        if (n < 100) break; // every special scalar once, on the longest row
      }
    }
  });

  it.each([...ARITH, ...COMPARE])('%s: offsets, padded rows and a row broadcast (bias)', (op) => {
    const od = COMPARE.includes(op) ? 'bool' : 'float32';
    const scalar = BINARY[op].scalar;
    const shape = [3, 37];
    const av = f32(numel(shape), 5);
    const row = f32(37, 6);
    const want = av.map((a, i) => storeAs(od, scalar(a, row[i % 37])));
    for (const outL of ['contiguous', 'padded'] as const) {
      const out = outView(od, shape, outL);
      be.run('binary', [out], [makeView('float32', shape, av, 'padded'), rowBroadcast(3, row)], { op });
      same(values(out), want, `${op} bias -> ${outL}`);
      // padded output rows (stride 2) are not unit-stride: the generic loop must take them
      expect(layoutOf(shape, outL).strides[1]).toBe(outL === 'padded' ? 2 : 1);
    }
    const out = outView(od, shape);
    be.run('binary', [out], [rowBroadcast(3, row), makeView('float32', shape, av)], { op });
    same(
      values(out),
      av.map((a, i) => storeAs(od, scalar(row[i % 37], a))),
      `${op} bias left`,
    );
  });
});

describe.each(BACKENDS)('hot unary rows (%s)', (_name, be) => {
  it.each(['relu', 'neg', 'exp'] as UnaryOp[])('%s matches its scalar bit for bit', (op) => {
    for (const n of [1, 3, 4, 5, 8, 31, 64]) {
      const xv = f32(n, 40 + n);
      for (const layout of ['contiguous', 'padded'] as const) {
        const out = outView('float32', [2, n]);
        const x = makeView('float32', [2, n], [...xv, ...xv.map((v) => -v)], layout);
        be.run('unary', [out], [x], { op, params: [] });
        const want = [...xv, ...xv.map((v) => -v)].map((v) => Math.fround(UNARY[op].scalar(v, [])));
        same(values(out), want, `${op} n=${n} ${layout}`);
      }
    }
  });

  it('relu keeps NaN of either sign and turns -0, -inf and negative NaN-free values into +0', () => {
    const bits = new Int32Array([
      0x7fc00000,
      0xffc00000 | 0,
      0x7f800001,
      0x80000000 | 0,
      0xff800000 | 0,
      0x7f800000,
    ]);
    const x: View<CpuBuffer> = {
      buffer: new Float32Array(bits.buffer),
      dtype: 'float32',
      shape: [6],
      strides: [1],
      offset: 0,
    };
    const out = outView('float32', [6]);
    be.run('unary', [out], [x], { op: 'relu', params: [] });
    same(values(out), [Number.NaN, Number.NaN, Number.NaN, 0, 0, Infinity], 'relu bits');
  });

  it('logicalNot on bool rows', () => {
    const v = Array.from({ length: 40 }, (_, i) => (i * 7) % 3 === 0);
    const out = outView('bool', [40]);
    be.run('unary', [out], [makeView('bool', [40], v.map(Number))], { op: 'logicalNot', params: [] });
    expect(values(out)).toEqual(v.map((b) => (b ? 0 : 1)));
  });
});

describe.each(BACKENDS)('hot where rows (%s)', (_name, be) => {
  it.each(['float32', 'int32'] as const)('%s: copies the chosen bits, any side broadcast', (dt) => {
    const n = 45;
    const cv = Array.from({ length: n }, (_, i) => ((i * 5) % 7 < 3 ? 1 : 0));
    const av = dt === 'float32' ? f32(n, 1) : randomValues(n, 1, -1e6, 1e6, true);
    const bv = dt === 'float32' ? f32(n, 2) : randomValues(n, 2, -1e6, 1e6, true);
    const s = dt === 'float32' ? -0 : -3;
    const scalar: View<CpuBuffer> = { ...makeView(dt, [1], [s]), shape: [n], strides: [0] };
    const cases: [string, View<CpuBuffer>, View<CpuBuffer>, (i: number) => number, (i: number) => number][] =
      [
        ['dense', makeView(dt, [n], av, 'padded'), makeView(dt, [n], bv), (i) => av[i], (i) => bv[i]],
        ['b scalar', makeView(dt, [n], av), scalar, (i) => av[i], () => s],
        ['a scalar', scalar, makeView(dt, [n], bv), () => s, (i) => bv[i]],
      ];
    for (const [mode, a, b, ai, bi] of cases) {
      const out = outView(dt, [n]);
      // a condition byte other than 1 still counts as true
      const cond = makeView('bool', [n], cv);
      (cond.buffer as Uint8Array).forEach((c, i, arr) => {
        if (c === 1 && i % 2) arr[i] = 9;
      });
      be.run('where', [out], [cond, a, b], {});
      same(
        values(out),
        cv.map((c, i) => (c ? ai(i) : bi(i))),
        `${dt} ${mode}`,
      );
    }
  });
});
