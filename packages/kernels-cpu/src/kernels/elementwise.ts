import { BINARY, UNARY } from '@kindling/ops';
import { computeDTypes, type CpuKernel, runMap } from '../context.js';

/**
 * unary, binary and where: one compiled loop per (op, input dtypes, output dtype), calling the
 * op's `scalar` from the ops table so the CPU and the table can never disagree on meaning.
 * Outputs may have another dtype than inputs (comparisons write bool); typed-array stores do the
 * number conversion, and bool outputs store nonzero as 1.
 */

export const unary: CpuKernel<'unary'> = (ctx, [out], [x], { op, params }) => {
  computeDTypes('unary', [out, x]);
  const row = UNARY[op];
  if (!row) throw new RangeError(`cpu unary: unknown op '${op}'`);
  const loop = ctx.loops.get({
    key: `unary:${op}:${x.dtype}>${out.dtype}`,
    arity: 1,
    f: row.scalar,
    boolOut: out.dtype === 'bool',
    params: true,
  });
  runMap(loop, out, [x], params);
};

export const binary: CpuKernel<'binary'> = (ctx, [out], [a, b], { op }) => {
  computeDTypes('binary', [out, a, b]);
  const row = BINARY[op];
  if (!row) throw new RangeError(`cpu binary: unknown op '${op}'`);
  const loop = ctx.loops.get({
    key: `binary:${op}:${a.dtype},${b.dtype}>${out.dtype}`,
    arity: 2,
    f: row.scalar,
    boolOut: out.dtype === 'bool',
    params: false,
  });
  runMap(loop, out, [a, b]);
};

const select = (c: number, a: number, b: number) => (c !== 0 ? a : b);

export const where: CpuKernel<'where'> = (ctx, [out], [cond, a, b]) => {
  computeDTypes('where', [out, cond, a, b]);
  const loop = ctx.loops.get({
    key: `where:${cond.dtype},${a.dtype},${b.dtype}>${out.dtype}`,
    arity: 3,
    f: select,
    boolOut: out.dtype === 'bool',
    params: false,
  });
  runMap(loop, out, [cond, a, b]);
};
