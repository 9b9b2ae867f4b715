import { BINARY, type BinaryOp, UNARY, type UnaryOp } from '@kindling/ops';
import { computeDTypes, type CpuKernel, runMap } from '../context.js';
import type { LoopOp } from '../loops.js';

/**
 * unary, binary and where: one compiled loop per (op, input dtypes, output dtype), calling the
 * op's `scalar` from the ops table so the CPU and the table can never disagree on meaning.
 * Outputs may have another dtype than inputs (comparisons write bool); typed-array stores do the
 * number conversion, and bool outputs store nonzero as 1.
 */

const UNARY_OPS = new Map<string, LoopOp>(
  Object.entries(UNARY).map(([op, row]) => [
    op,
    { label: `unary:${op}`, arity: 1, f: row.scalar, params: true },
  ]),
);
const BINARY_OPS = new Map<string, LoopOp>(
  Object.entries(BINARY).map(([op, row]) => [
    op,
    { label: `binary:${op}`, arity: 2, f: row.scalar, params: false },
  ]),
);

function lookup(kind: string, table: Map<string, LoopOp>, op: UnaryOp | BinaryOp): LoopOp {
  const found = table.get(op);
  if (!found) throw new RangeError(`cpu ${kind}: unknown op '${op}'`);
  return found;
}

export const unary: CpuKernel<'unary'> = (ctx, [out], [x], { op, params }) => {
  computeDTypes('unary', [out, x]);
  const loop = ctx.loops.get(lookup('unary', UNARY_OPS, op), out.dtype, x.dtype);
  runMap(loop, out, [x], params);
};

export const binary: CpuKernel<'binary'> = (ctx, [out], [a, b], { op }) => {
  computeDTypes('binary', [out, a, b]);
  const loop = ctx.loops.get(lookup('binary', BINARY_OPS, op), out.dtype, a.dtype, b.dtype);
  runMap(loop, out, [a, b]);
};

const SELECT: LoopOp = {
  label: 'where',
  arity: 3,
  f: (c: number, a: number, b: number) => (c !== 0 ? a : b),
  params: false,
};

export const where: CpuKernel<'where'> = (ctx, [out], [cond, a, b]) => {
  computeDTypes('where', [out, cond, a, b]);
  runMap(ctx.loops.get(SELECT, out.dtype, cond.dtype, a.dtype, b.dtype), out, [cond, a, b]);
};
