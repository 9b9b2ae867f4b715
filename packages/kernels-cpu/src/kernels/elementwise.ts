import { BINARY, type BinaryOp, type TypedArray, UNARY, type UnaryOp } from '@kindling/ops';
import { computeDTypes, type CpuKernel, runMap } from '../context.js';
import { addRow, divRow, mulRow, subRow } from '../hot/arith.js';
import { eqRow, geRow, gtRow, leRow, ltRow, neRow } from '../hot/compare.js';
import { type BinaryRow, binaryRows, int32View, unaryRows, unitRows } from '../hot/rows.js';
import { selectRows } from '../hot/select.js';
import { expRow, logicalNotRow, negRow, reluBitsRow, type UnaryRow } from '../hot/unary.js';
import type { LoopOp } from '../loops.js';

/**
 * unary, binary and where: one compiled loop per (op, input dtypes, output dtype), calling the
 * op's `scalar` from the ops table so the CPU and the table can never disagree on meaning.
 * Outputs may have another dtype than inputs (comparisons write bool); typed-array stores do the
 * number conversion, and bool outputs store nonzero as 1. The hottest float32 ops on unit-stride
 * rows first take hand-written loops (../hot), which compute the same values faster and need
 * no code generation.
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

/** Hand-written rows by (op, float32 inputs): arithmetic writes float32, comparisons bool. */
const HOT_ARITH: Partial<Record<BinaryOp, BinaryRow>> = {
  add: addRow,
  sub: subRow,
  mul: mulRow,
  div: divRow,
};
const HOT_COMPARE: Partial<Record<BinaryOp, BinaryRow>> = {
  lt: ltRow,
  le: leRow,
  gt: gtRow,
  ge: geRow,
  eq: eqRow,
  ne: neRow,
};
const HOT_UNARY: Partial<Record<UnaryOp, UnaryRow>> = { neg: negRow, exp: expRow };

function lookup(kind: string, table: Map<string, LoopOp>, op: UnaryOp | BinaryOp): LoopOp {
  const found = table.get(op);
  if (!found) throw new RangeError(`cpu ${kind}: unknown op '${op}'`);
  return found;
}

export const unary: CpuKernel<'unary'> = (ctx, [out], [x], { op, params }) => {
  computeDTypes('unary', [out, x]);
  const hot =
    x.dtype === 'float32' && out.dtype === 'float32'
      ? op === 'relu'
        ? reluBitsRow
        : HOT_UNARY[op]
      : x.dtype === 'bool' && out.dtype === 'bool' && op === 'logicalNot'
        ? logicalNotRow
        : undefined;
  const layout = hot && unitRows(out, [x]);
  if (hot && layout) {
    // relu works on the float32 bits
    const bits = hot === reluBitsRow;
    const o: TypedArray = bits ? int32View(out.buffer) : out.buffer;
    unaryRows(hot, layout, o, bits ? int32View(x.buffer) : x.buffer, [out.offset, x.offset]);
    return;
  }
  const loop = ctx.loops.get(lookup('unary', UNARY_OPS, op), out.dtype, x.dtype);
  runMap(loop, out, [x], params);
};

export const binary: CpuKernel<'binary'> = (ctx, [out], [a, b], { op }) => {
  computeDTypes('binary', [out, a, b]);
  const hot =
    a.dtype === 'float32' && b.dtype === 'float32'
      ? out.dtype === 'float32'
        ? HOT_ARITH[op]
        : out.dtype === 'bool'
          ? HOT_COMPARE[op]
          : undefined
      : undefined;
  const layout = hot && unitRows(out, [a, b]);
  if (hot && layout) {
    binaryRows(hot, layout, out.buffer, a.buffer, b.buffer, [out.offset, a.offset, b.offset]);
    return;
  }
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
  const dt = out.dtype;
  const bits =
    (dt === 'float32' || dt === 'int32') && a.dtype === dt && b.dtype === dt && cond.dtype === 'bool';
  const layout = bits && unitRows(out, [cond, a, b]);
  if (layout) {
    const base = [out.offset, cond.offset, a.offset, b.offset];
    selectRows(layout, int32View(out.buffer), cond.buffer, int32View(a.buffer), int32View(b.buffer), base);
    return;
  }
  runMap(ctx.loops.get(SELECT, out.dtype, cond.dtype, a.dtype, b.dtype), out, [cond, a, b]);
};
