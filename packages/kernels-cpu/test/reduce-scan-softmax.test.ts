import type { DType, ReduceOp } from '@kindling/ops';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../src/index.js';
import {
  expectClose,
  expectSame,
  forEachIndex,
  LAYOUTS,
  makeView,
  numel,
  outView,
  randomValues,
  storeAs,
  values,
} from './helpers.js';

const be = cpuBackend;

/** Reference reduction: groups by the kept coordinates, visits each group in row-major order. */
function referenceReduce(
  op: ReduceOp,
  vals: readonly number[],
  shape: readonly number[],
  dims: readonly number[],
): number[] {
  const outShape = shape.map((s, d) => (dims.includes(d) ? 1 : s));
  const groups: number[][] = Array.from({ length: numel(outShape) }, () => []);
  let k = 0;
  forEachIndex(shape, (idx) => {
    let o = 0;
    for (let d = 0; d < shape.length; d++) o = o * outShape[d] + (dims.includes(d) ? 0 : idx[d]);
    groups[o].push(vals[k++]);
  });
  return groups.map((g) => {
    switch (op) {
      case 'sum':
        return g.reduce((a, b) => a + b, 0);
      case 'prod':
        return g.reduce((a, b) => a * b, 1);
      case 'amax':
        return g.some(Number.isNaN) ? Number.NaN : Math.max(...g);
      case 'amin':
        return g.some(Number.isNaN) ? Number.NaN : Math.min(...g);
      case 'argmax': {
        const nan = g.findIndex(Number.isNaN);
        return nan >= 0 ? nan : g.indexOf(Math.max(...g));
      }
      case 'argmin': {
        const nan = g.findIndex(Number.isNaN);
        return nan >= 0 ? nan : g.indexOf(Math.min(...g));
      }
      default:
        return op satisfies never;
    }
  });
}

const SHAPE = [3, 4, 5];
const DIM_SETS = [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2], []];

describe('reduce', () => {
  const ops: ReduceOp[] = ['sum', 'prod', 'amax', 'amin', 'argmax', 'argmin'];
  it.each(ops)('%s over every dim set, dtype and layout', (op) => {
    const arg = op === 'argmax' || op === 'argmin';
    for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
      const int = dtype === 'int32' || dtype === 'bool';
      if (dtype === 'bool' && !['amax', 'amin', 'argmax', 'argmin'].includes(op)) continue;
      for (const dims of DIM_SETS) {
        if (arg && dims.length > 1 && dims.length < 3) continue; // one dim or all of them
        for (const layout of LAYOUTS) {
          const lo = dtype === 'bool' ? 0 : op === 'prod' ? 0.5 : -5;
          const hi = dtype === 'bool' ? 2 : op === 'prod' ? 1.6 : 5;
          const vals = randomValues(numel(SHAPE), 7 + dims.length, lo, hi, int).map((v) => storeAs(dtype, v));
          const x = makeView(dtype, SHAPE, vals, layout);
          const outShape = SHAPE.map((s, d) => (dims.includes(d) ? 1 : s));
          const od: DType = arg ? 'int32' : dtype;
          const out = outView(od, outShape, layout === 'padded' ? 'permuted' : 'padded');
          be.run('reduce', [out], [x], { op, dims });
          const want = referenceReduce(op, vals, SHAPE, dims).map((v) => storeAs(od, v));
          if (op === 'sum' || op === 'prod')
            expectClose(values(out), want, dtype === 'float32' ? 1e-6 : 1e-12, `${op} ${dtype} [${dims}]`);
          else expectSame(values(out), want, `${op} ${dtype} [${dims}] ${layout}`);
        }
      }
    }
  });

  it('float32 sums accumulate in float64', () => {
    // 1 + 2^-24 * many: a float32 accumulator would stay at 1
    const n = 4096;
    const vals = [1, ...new Array(n - 1).fill(2 ** -24)];
    const out = outView('float32', [1]);
    be.run('reduce', [out], [makeView('float32', [n], vals)], { op: 'sum', dims: [0] });
    expect(values(out)[0]).toBe(Math.fround(1 + (n - 1) * 2 ** -24));
  });

  it('NaN: amax/amin propagate it, argmax/argmin point at the first one', () => {
    const x = makeView(
      'float32',
      [2, 4],
      [1, Number.NaN, 5, Number.NaN, -Infinity, -Infinity, -Infinity, -Infinity],
    );
    const out = outView('float32', [2, 1]);
    const idx = outView('int32', [2, 1]);
    for (const op of ['amax', 'amin'] as const) {
      be.run('reduce', [out], [x], { op, dims: [1] });
      expectSame(values(out), [Number.NaN, -Infinity]);
    }
    for (const op of ['argmax', 'argmin'] as const) {
      be.run('reduce', [idx], [x], { op, dims: [1] });
      expect(values(idx)).toEqual([1, 0]);
    }
  });

  it('argmax/argmin: ties pick the first; all dims give the row-major flat index', () => {
    const x = makeView('float64', [2, 3], [4, 9, 9, 9, 0, 0], 'permuted');
    const one = outView('int32', [1, 1]);
    be.run('reduce', [one], [x], { op: 'argmax', dims: [0, 1] });
    expect(values(one)).toEqual([1]);
    be.run('reduce', [one], [x], { op: 'argmin', dims: [0, 1] });
    expect(values(one)).toEqual([4]);
    const rows = outView('int32', [1, 3]);
    be.run('reduce', [rows], [x], { op: 'argmax', dims: [0] });
    expect(values(rows)).toEqual([1, 0, 0]);
  });

  it('empty reductions give the identity; 0-dim inputs reduce to themselves', () => {
    const x = makeView('float32', [2, 0], []);
    const out = outView('float32', [2, 1]);
    be.run('reduce', [out], [x], { op: 'sum', dims: [1] });
    expect(values(out)).toEqual([0, 0]);
    be.run('reduce', [out], [x], { op: 'prod', dims: [1] });
    expect(values(out)).toEqual([1, 1]);
    const s = outView('float64', []);
    be.run('reduce', [s], [makeView('float64', [], [3.5])], { op: 'sum', dims: [] });
    expect(values(s)).toEqual([3.5]);
    const i = outView('int32', []);
    be.run('reduce', [i], [makeView('float64', [], [3.5])], { op: 'argmax', dims: [] });
    expect(values(i)).toEqual([0]);
  });

  it('reads stride-0 (expanded) inputs', () => {
    const x = {
      buffer: new Float32Array([1, 2, 3]),
      dtype: 'float32' as const,
      shape: [4, 3],
      strides: [0, 1],
      offset: 0,
    };
    const out = outView('float32', [1, 3]);
    be.run('reduce', [out], [x], { op: 'sum', dims: [0] });
    expect(values(out)).toEqual([4, 8, 12]);
  });
});

function referenceScan(
  op: 'cumsum' | 'cumprod',
  vals: readonly number[],
  shape: readonly number[],
  dim: number,
): number[] {
  const out = vals.slice();
  const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < vals.length; i++) {
    const t = Math.floor(i / stride) % shape[dim];
    if (t > 0) out[i] = op === 'cumsum' ? out[i - stride] + vals[i] : out[i - stride] * vals[i];
  }
  return out;
}

describe('scan', () => {
  it.each(['cumsum', 'cumprod'] as const)('%s along every dim, dtype and layout', (op) => {
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      for (let dim = 0; dim < SHAPE.length; dim++) {
        for (const layout of LAYOUTS) {
          const int = dtype === 'int32';
          const vals = randomValues(
            numel(SHAPE),
            dim,
            op === 'cumprod' ? 0.6 : -4,
            op === 'cumprod' ? 1.5 : 4,
            int,
          ).map((v) => storeAs(dtype, int && op === 'cumprod' ? v + 1 : v));
          const x = makeView(dtype, SHAPE, vals, layout);
          const out = outView(dtype, SHAPE, layout === 'contiguous' ? 'permuted' : 'contiguous');
          be.run('scan', [out], [x], { op, dim });
          const want = referenceScan(op, vals, SHAPE, dim).map((v) => storeAs(dtype, v));
          expectClose(
            values(out),
            want,
            dtype === 'float32' ? 1e-6 : 1e-12,
            `${op} ${dtype} dim ${dim} ${layout}`,
          );
        }
      }
    }
  });

  it('works in place and on 0-dim views', () => {
    const x = makeView('float64', [2, 3], [1, 2, 3, 4, 5, 6], 'permuted');
    be.run('scan', [x], [x], { op: 'cumsum', dim: 0 });
    expect(values(x)).toEqual([1, 2, 3, 5, 7, 9]);
    be.run('scan', [x], [x], { op: 'cumsum', dim: 1 });
    expect(values(x)).toEqual([1, 3, 6, 5, 12, 21]);
    const s = outView('float32', []);
    be.run('scan', [s], [makeView('float32', [], [2])], { op: 'cumprod', dim: 0 });
    expect(values(s)).toEqual([2]);
  });
});

function referenceSoftmax(
  vals: readonly number[],
  shape: readonly number[],
  dim: number,
  log: boolean,
): number[] {
  const out = new Array<number>(vals.length);
  const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const len = shape[dim];
  for (let i = 0; i < vals.length; i++) {
    if (Math.floor(i / stride) % len !== 0) continue;
    const line = Array.from({ length: len }, (_, t) => vals[i + t * stride]);
    const max = line.some(Number.isNaN) ? Number.NaN : Math.max(...line);
    const sum = line.reduce((s, v) => s + Math.exp(v - max), 0);
    line.forEach((v, t) => {
      out[i + t * stride] = log ? v - max - Math.log(sum) : Math.exp(v - max) / sum;
    });
  }
  return out;
}

describe('softmax', () => {
  it.each([false, true])('log=%s along every dim, dtype and layout', (log) => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (let dim = 0; dim < SHAPE.length; dim++) {
        for (const layout of LAYOUTS) {
          const vals = randomValues(numel(SHAPE), 11 + dim, -30, 30).map((v) => storeAs(dtype, v));
          const x = makeView(dtype, SHAPE, vals, layout);
          const out = outView(dtype, SHAPE, layout === 'contiguous' ? 'padded' : 'contiguous');
          be.run('softmax', [out], [x], { dim, log });
          const want = referenceSoftmax(vals, SHAPE, dim, log).map((v) => storeAs(dtype, v));
          expectClose(values(out), want, dtype === 'float32' ? 2e-6 : 1e-12, `dim ${dim} ${dtype} ${layout}`);
        }
      }
    }
  });

  it('is stable for large inputs, NaN for all -inf or NaN lines', () => {
    const x = makeView(
      'float32',
      [3, 3],
      [1000, 1000, -Infinity, -Infinity, -Infinity, -Infinity, 1, Number.NaN, 2],
    );
    const out = outView('float32', [3, 3]);
    be.run('softmax', [out], [x], { dim: 1, log: false });
    expectSame(values(out), [
      0.5,
      0.5,
      0,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
    be.run('softmax', [out], [x], { dim: 1, log: true });
    expectSame(values(out), [
      Math.fround(-Math.LN2),
      Math.fround(-Math.LN2),
      -Infinity,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
    // the same lines taken across (dim 0 of the transpose) use the column path
    const t = { ...x, shape: [3, 3], strides: [1, 3] };
    const outT = outView('float32', [3, 3]);
    be.run('softmax', [outT], [t], { dim: 0, log: false });
    expectSame(values(outT), [
      0.5,
      Number.NaN,
      Number.NaN,
      0.5,
      Number.NaN,
      Number.NaN,
      0,
      Number.NaN,
      Number.NaN,
    ]);
  });

  it('works in place', () => {
    const x = makeView('float64', [2, 2], [0, 0, 1, 1], 'permuted');
    be.run('softmax', [x], [x], { dim: 0, log: false });
    expectClose(
      values(x),
      [1 / (1 + Math.E), 1 / (1 + Math.E), Math.E / (1 + Math.E), Math.E / (1 + Math.E)],
      1e-15,
    );
  });
});
