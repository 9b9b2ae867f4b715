import type { DType, View } from '@kindling/ops';
import { describe, expect, it } from 'vitest';
import { type CpuBuffer, cpuBackend } from '../src/index.js';
import {
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

function rowMajor(shape: readonly number[], idx: readonly number[]): number {
  let o = 0;
  for (let d = 0; d < shape.length; d++) o = o * shape[d] + idx[d];
  return o;
}

describe('gather', () => {
  it('matches the reference along every dim, dtype and layout', () => {
    const xShape = [4, 5, 3];
    for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
      for (let dim = 0; dim < 3; dim++) {
        for (const layout of LAYOUTS) {
          const iShape = [3, 4, 2];
          iShape[dim] = 6; // the index may be longer than x along dim, shorter elsewhere
          const xv = randomValues(numel(xShape), dim, -9, 9, true).map((v) => storeAs(dtype, v));
          const iv = randomValues(numel(iShape), 3 + dim, 0, xShape[dim], true);
          const x = makeView(dtype, xShape, xv, layout);
          const index = makeView('int32', iShape, iv, layout === 'permuted' ? 'padded' : 'permuted');
          const out = outView(dtype, iShape, layout);
          be.run('gather', [out], [x, index], { dim });
          const want: number[] = [];
          let k = 0;
          forEachIndex(iShape, (idx) => {
            const src = idx.slice();
            src[dim] = iv[k++];
            want.push(xv[rowMajor(xShape, src)]);
          });
          expectSame(values(out), want, `${dtype} dim ${dim} ${layout}`);
        }
      }
    }
  });

  it('throws a RangeError for out-of-range and negative indices before writing', () => {
    const x = makeView('float32', [2, 3], [1, 2, 3, 4, 5, 6]);
    for (const [bad, msg] of [
      [5, 'gather(): index 5 is out of bounds for dimension 1 with size 3'],
      [-1, 'gather(): index -1 is out of bounds for dimension 1 with size 3'],
      [3, 'gather(): index 3 is out of bounds for dimension 1 with size 3'],
    ] as const) {
      const index = makeView('int32', [2, 2], [0, 1, 2, bad]);
      const out = outView('float32', [2, 2]);
      expect(() => be.run('gather', [out], [x, index], { dim: 1 })).toThrow(new RangeError(msg));
      expect(values(out)).toEqual([-7, -7, -7, -7]);
    }
  });

  it('gathers from a 0-dim input and a broadcast index', () => {
    const out = outView('float64', []);
    be.run('gather', [out], [makeView('float64', [], [4.5]), makeView('int32', [], [0])], { dim: 0 });
    expect(values(out)).toEqual([4.5]);
    const index: View<CpuBuffer> = {
      buffer: new Int32Array([2]),
      dtype: 'int32',
      shape: [2, 2],
      strides: [0, 0],
      offset: 0,
    };
    const o2 = outView('float32', [2, 2]);
    be.run('gather', [o2], [makeView('float32', [2, 3], [1, 2, 3, 4, 5, 6]), index], { dim: 1 });
    expect(values(o2)).toEqual([3, 3, 6, 6]);
  });
});

function referenceScatter(
  self: readonly number[],
  selfShape: readonly number[],
  src: readonly number[],
  srcShape: readonly number[],
  index: readonly number[],
  iShape: readonly number[],
  dim: number,
  accumulate: boolean,
  dtype: DType,
): number[] {
  const out = self.slice();
  let k = 0;
  forEachIndex(iShape, (idx) => {
    const dst = idx.slice();
    dst[dim] = index[k++];
    const o = rowMajor(selfShape, dst);
    const v = src[rowMajor(srcShape, idx)];
    out[o] = storeAs(dtype, accumulate ? out[o] + v : v);
  });
  return out;
}

describe('scatter', () => {
  it.each([
    false,
    true,
  ])('accumulate=%s matches the reference (duplicates, larger src, layouts)', (accumulate) => {
    const selfShape = [4, 5, 3];
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      for (let dim = 0; dim < 3; dim++) {
        for (const layout of LAYOUTS) {
          const iShape = [3, 4, 2];
          iShape[dim] = 7; // more positions than the dim: duplicates for sure
          const srcShape = [4, 5, 3];
          srcShape[dim] = 8;
          const self = randomValues(numel(selfShape), dim, -9, 9, true).map((v) => storeAs(dtype, v));
          const src = randomValues(numel(srcShape), 5 + dim, -9, 9, dtype === 'int32').map((v) =>
            storeAs(dtype, v),
          );
          const iv = randomValues(numel(iShape), 9 + dim, 0, selfShape[dim], true);
          const out = makeView(dtype, selfShape, self, layout);
          be.run(
            'scatter',
            [out],
            [makeView(dtype, srcShape, src, 'padded'), makeView('int32', iShape, iv, layout)],
            { dim, accumulate },
          );
          const want = referenceScatter(self, selfShape, src, srcShape, iv, iShape, dim, accumulate, dtype);
          // exact even for float32 sums: the same additions in the same (index) order, each rounded
          expectSame(values(out), want, `${dtype} dim ${dim} ${layout}`);
        }
      }
    }
  });

  it('throws before writing anything', () => {
    for (const [accumulate, name] of [
      [false, 'scatter'],
      [true, 'scatter_add'],
    ] as const) {
      const out = makeView('float32', [3], [1, 2, 3]);
      const index = makeView('int32', [3], [0, 2, 3]);
      expect(() =>
        be.run('scatter', [out], [makeView('float32', [3], [9, 9, 9]), index], { dim: 0, accumulate }),
      ).toThrow(new RangeError(`${name}(): index 3 is out of bounds for dimension 0 with size 3`));
      expect(values(out)).toEqual([1, 2, 3]);
      expect(() =>
        be.run('scatter', [out], [makeView('float32', [1], [9]), makeView('int32', [1], [-4])], {
          dim: 0,
          accumulate,
        }),
      ).toThrow(/index -4 is out of bounds for dimension 0 with size 3/);
      expect(values(out)).toEqual([1, 2, 3]);
    }
  });
});
