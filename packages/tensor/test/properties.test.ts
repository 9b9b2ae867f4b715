import { cpuBackend } from '@kindling/kernels-cpu';
import { category, type DType, promoteTypes, resultDType } from '@kindling/ops';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { arange, registerBackend, type Tensor, tensor } from '../src/index.js';

beforeAll(() => registerBackend(cpuBackend));

const vals = (t: Tensor) => Array.from(t.dataSync(), Number);
const DT: DType[] = ['bool', 'int32', 'float32', 'float64'];

/** A row-major reference: the value of `t` at multi-index `idx`, from its data and shape. */
function at(flat: number[], shape: readonly number[], idx: number[]): number {
  let off = 0;
  for (let i = 0; i < shape.length; i++) off = off * shape[i] + idx[i];
  return flat[off];
}

function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    yield [...idx];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 });

describe('broadcasting', () => {
  it('a + b equals the elementwise sum at broadcast positions', () => {
    fc.assert(
      fc.property(
        shapeArb,
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 2 }),
        (shape, ones, drop) => {
          const bShape = shape.map((s, i) => (ones[i] ? 1 : s)).slice(Math.min(drop, shape.length));
          const a = arange(
            0,
            shape.reduce((x, y) => x * y, 1),
          ).reshape(shape);
          const b = arange(
            0,
            bShape.reduce((x, y) => x * y, 1),
          )
            .mul(100)
            .reshape(bShape);
          const c = a.add(b);
          expect(c.shape).toEqual(shape);
          const av = vals(a);
          const bv = vals(b);
          const cv = vals(c);
          for (const idx of indices(shape)) {
            const bIdx = idx.slice(shape.length - bShape.length).map((v, i) => (bShape[i] === 1 ? 0 : v));
            expect(at(cv, shape, idx)).toBe(at(av, shape, idx) + at(bv, bShape, bIdx));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('incompatible shapes throw naming the op and leave inputs unchanged', () => {
    const a = tensor([[1, 2, 3]]);
    const b = tensor([[1, 2]]);
    expect(() => a.add(b)).toThrow(/add: The size of tensor a \(3\) must match the size of tensor b \(2\)/);
    expect(vals(a)).toEqual([1, 2, 3]);
  });
});

describe('views and strides', () => {
  it('permute then contiguous matches index arithmetic', () => {
    fc.assert(
      fc.property(
        shapeArb.filter((s) => s.length > 0),
        fc.integer(),
        (shape, seed) => {
          const perm = shape
            .map((_, i) => i)
            .sort((x, y) => ((x * 7919 + seed) % 13) - ((y * 7919 + seed) % 13));
          const n = shape.reduce((a, b) => a * b, 1);
          const x = arange(0, n).reshape(shape);
          const p = x.permute(perm);
          expect(p._storage).toBe(x._storage);
          const pv = vals(p.contiguous());
          const xv = vals(x);
          const pShape = perm.map((d) => shape[d]);
          for (const idx of indices(pShape)) {
            const src = new Array(shape.length);
            perm.forEach((d, i) => {
              src[d] = idx[i];
            });
            expect(at(pv, pShape, idx)).toBe(at(xv, shape, src));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('views share storage: a write through a view is seen by the base', () => {
    const x = arange(0, 12, { dtype: 'float32' }).reshape([3, 4]);
    const col = x.narrow(1, 1, 2).transpose(0, 1);
    col.mul_(10);
    expect(vals(x)).toEqual([0, 10, 20, 3, 4, 50, 60, 7, 8, 90, 100, 11]);
    expect(x._version).toBe(1);
  });

  it('reshape of a non-viewable layout copies, view refuses', () => {
    const x = arange(0, 6).reshape([2, 3]).t();
    expect(() => x.view([6])).toThrow(/view size is not compatible/);
    const r = x.reshape([6]);
    expect(r._storage).not.toBe(x._storage);
    expect(vals(r)).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('slicing with steps, expand with stride 0, squeeze/unsqueeze round trips', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        (n, s, step) => {
          const x = arange(0, n);
          const start = Math.min(s, n);
          const sl = x.slice(0, start, n, step);
          const expected: number[] = [];
          for (let i = start; i < n; i += step) expected.push(i);
          expect(vals(sl)).toEqual(expected);
          expect(vals(sl.unsqueeze(0).expand([2, sl.shape[0]]).squeeze(0).sum(0))).toEqual(
            expected.map((v) => 2 * v),
          );
        },
      ),
    );
  });
});

describe('type promotion', () => {
  it('promoteTypes is commutative, idempotent and never lowers the category', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DT), fc.constantFrom(...DT), (a, b) => {
        const p = promoteTypes(a, b);
        expect(promoteTypes(b, a)).toBe(p);
        expect(promoteTypes(p, p)).toBe(p);
        expect(category(p)).toBe(Math.max(category(a), category(b)));
      }),
    );
  });

  it('tensor ops follow torch.result_type for tensors and scalars', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DT), fc.constantFrom(...DT), fc.boolean(), (a, b, zeroDim) => {
        const x = tensor([1, 0], { dtype: a });
        const y = zeroDim ? tensor(1, { dtype: b }) : tensor([1, 1], { dtype: b });
        const expected = resultDType([
          { dtype: a, ndim: 1 },
          { dtype: b, ndim: zeroDim ? 0 : 1 },
        ]);
        expect(x.mul(y).dtype).toBe(expected);
      }),
    );
    expect(tensor([1, 2]).mul(2.5).dtype).toBe('float32');
    expect(tensor([1, 2], { dtype: 'float64' }).mul(2).dtype).toBe('float64');
    expect(tensor([1, 2], { dtype: 'float32' }).add(tensor(1, { dtype: 'float64' })).dtype).toBe('float32');
    expect(tensor([true, false]).add(1).dtype).toBe('int32');
    expect(tensor([1, 2]).div(2).dtype).toBe('float32');
  });
});
