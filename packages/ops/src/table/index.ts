import { BINARY, UNARY } from './elementwise.js';
import { INDEXING } from './indexing.js';
import { NN_PRIMS } from './nn-prims.js';
import { REDUCE, SCAN } from './reduce.js';
import type { OpRow } from './row.js';
import { STRUCTURE, VIEWS } from './structure.js';

/**
 * The op table: every primitive op Kindling dispatches, one row each. Everything else in the
 * tensor API is a composite of these and needs no gradient of its own.
 */
export const OPS = {
  ...UNARY,
  ...BINARY,
  ...REDUCE,
  ...SCAN,
  ...VIEWS,
  ...STRUCTURE,
  ...INDEXING,
  ...NN_PRIMS,
};

export type OpName = keyof typeof OPS;

/** The attributes of each op, as its row declares them. */
export type OpAttrs = { [K in OpName]: (typeof OPS)[K] extends OpRow<infer A> ? A : never };

export const OP_NAMES = Object.keys(OPS) as OpName[];

export function opRow<K extends OpName>(name: K): OpRow<OpAttrs[K]> {
  return OPS[name] as unknown as OpRow<OpAttrs[K]>;
}
