// Checks of the op suite's own machinery (golden decoding, strided inputs, skips), so that a
// passing op suite means what it says.
import { cpuBackend } from '@kindling/kernels-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildInputs,
  buildStrided,
  decodeScalar,
  diffTensor,
  goldenIndex,
  loadGolden,
  OP_INFO,
  skipReason,
  type TensorSpec,
} from '../../testing/src/index.js';
import { hasBackend, registerBackend } from '../src/index.js';

beforeAll(() => {
  if (!hasBackend('cpu')) registerBackend(cpuBackend);
});

const spec = (
  shape: number[],
  data: TensorSpec['data'],
  dtype: TensorSpec['dtype'] = 'float32',
): TensorSpec => ({
  shape,
  dtype,
  data,
  requiresGrad: false,
});

describe('op suite helpers', () => {
  it('every golden op has an OP_INFO entry', () => {
    const { ops } = goldenIndex();
    expect(ops.length).toBeGreaterThan(100);
    expect(ops.filter((o) => !OP_INFO[o])).toEqual([]);
    for (const o of ops) expect(loadGolden(o).op).toBe(o);
  });

  it('decodes non-finite numbers and keeps strings', () => {
    expect(decodeScalar('inf')).toBe(Number.POSITIVE_INFINITY);
    expect(decodeScalar('-inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isNaN(decodeScalar('nan') as number)).toBe(true);
    expect(decodeScalar('fro')).toBe('fro');
    expect(decodeScalar([1, 'inf'])).toEqual([1, Number.POSITIVE_INFINITY]);
  });

  it('builds genuinely strided views with the spec values', async () => {
    for (const [shape, dtype] of [
      [[5], 'float32'],
      [[2, 3], 'float64'],
      [[2, 3, 4], 'int32'],
      [[3, 1], 'bool'],
      [[1, 4], 'float32'],
    ] as const) {
      const n = (shape as readonly number[]).reduce((a: number, b: number) => a * b, 1);
      const data = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : i - 2));
      const s = spec([...shape], data, dtype);
      const b = buildStrided(s, 'cpu', false);
      expect(b.value.isContiguous()).toBe(false);
      expect(b.value.offset).toBeGreaterThan(0);
      expect(await diffTensor(b.value, s, { rtol: 0, atol: 0 }, 'strided')).toBeNull();
    }
  });

  it('routes gradients of a strided input back through the same view', async () => {
    const s = { ...spec([2, 3], [1, 2, 3, 4, 5, 6]), requiresGrad: true };
    const b = buildStrided(s, 'cpu', true);
    b.value.mul(b.value).sum().backward();
    const g = b.gradOf(b.leaf.grad!);
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6, 8, 10, 12]);
  });

  it('builds tensor lists and scalars in input order', () => {
    const built = buildInputs([[spec([1], [1]), spec([2], [2, 3])], 0, 'inf', null], 'cpu', false, false);
    expect(built.tensors.map((t) => t.path)).toEqual(['inputs[0][0]', 'inputs[0][1]']);
    expect(built.args.slice(1)).toEqual([0, Number.POSITIVE_INFINITY, null]);
  });

  it('reports mismatches (nan, inf, dtype, shape)', async () => {
    const t = buildInputs([spec([3], [1, 'nan', 'inf'])], 'cpu', false, false).args[0];
    const tol = { rtol: 1e-5, atol: 1e-5 };
    expect(await diffTensor(t, spec([3], [1, 'nan', 'inf']), tol, 'x')).toBeNull();
    expect(await diffTensor(t, spec([3], [1, 0, 'inf']), tol, 'x')).toMatch(/1\/3 values differ/);
    expect(await diffTensor(t, spec([3], [1, 'nan', '-inf']), tol, 'x')).toMatch(/1\/3 values differ/);
    expect(await diffTensor(t, spec([3], [1, 'nan', 'inf'], 'float64'), tol, 'x')).toMatch(/dtype float32/);
    expect(await diffTensor(t, spec([1, 3], [1, 'nan', 'inf']), tol, 'x')).toMatch(/shape \[3\]/);
  });

  it('matches typed skips by device, dtype, check and sample', () => {
    const sample = { name: 'f64_x', inputs: [spec([1], [1], 'float64')], kwargs: {}, error: 'e' };
    const rules = [{ device: 'webgpu' as const, dtype: 'float64' as const, reason: 'no f64' }];
    expect(skipReason(rules, 'webgpu', 'error', sample)).toBe('no f64');
    expect(skipReason(rules, 'cpu', 'error', sample)).toBeNull();
    expect(
      skipReason([{ sample: /^f64/, check: 'gradcheck', reason: 'r' }], 'cpu', 'error', sample),
    ).toBeNull();
    expect(skipReason([{ sample: /^f64/, check: 'error', reason: 'r' }], 'cpu', 'error', sample)).toBe('r');
  });
});
