import type { BinaryOp, UnaryOp } from '@kindling/ops';

/**
 * i32 expressions for ops that run on int32 and bool operands (bools load as 0/1). The op
 * table's `wgsl` strings are written for f32 (float literals, float builtins), so an integer
 * kernel uses the expression here when there is one and otherwise evaluates the row's f32
 * expression on the converted operands (exact for |x| <= 2^24; a new op needs no entry here).
 */
export const INT_UNARY: Partial<Record<UnaryOp, string>> = {
  neg: '-x',
  abs: 'abs(x)',
  sign: 'sign(x)',
  floor: 'x',
  ceil: 'x',
  round: 'x',
  trunc: 'x',
  frac: '0',
  relu: 'max(x, 0)',
  logicalNot: 'select(0, 1, x == 0)',
  isnan: '0',
  isinf: '0',
};

export const INT_BINARY: Partial<Record<BinaryOp, string>> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  pow: 'kd_ipow(a, b)',
  maximum: 'max(a, b)',
  minimum: 'min(a, b)',
  remainder: 'kd_imod(a, b)',
  fmod: 'kd_ifmod(a, b)',
  eq: 'a == b',
  ne: 'a != b',
  lt: 'a < b',
  le: 'a <= b',
  gt: 'a > b',
  ge: 'a >= b',
  logicalAnd: '(a != 0) && (b != 0)',
  logicalOr: '(a != 0) || (b != 0)',
  logicalXor: '(a != 0) != (b != 0)',
};
