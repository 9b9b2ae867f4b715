/** Free functions mirroring torch.* for the ops that are also Tensor methods. */
import type { DType } from '@kindling/ops';
import * as E from './fns/elementwise.js';
import * as I from './fns/indexing.js';
import * as R from './fns/reduce.js';
import { resultTypeOf, type TensorLike } from './fns/scalars.js';
import type { Tensor } from './tensor.js';

export const add = (a: Tensor, b: TensorLike, opts?: { alpha?: number }) => E.add(a, b, opts?.alpha ?? 1);
export const sub = (a: Tensor, b: TensorLike, opts?: { alpha?: number }) => E.sub(a, b, opts?.alpha ?? 1);
export const mul = (a: Tensor, b: TensorLike) => a.mul(b);
export const div = (a: Tensor, b: TensorLike, opts?: { roundingMode?: E.RoundingMode }) =>
  E.div(a, b, opts?.roundingMode ?? null);
export const pow = (a: Tensor, b: TensorLike) => a.pow(b);
export const maximum = (a: Tensor, b: Tensor) => a.maximum(b);
export const minimum = (a: Tensor, b: Tensor) => a.minimum(b);
export const where = E.where;
export const clamp = E.clamp;
export const lerp = E.lerp;
export const exp = (x: Tensor) => x.exp();
export const log = (x: Tensor) => x.log();
export const sqrt = (x: Tensor) => x.sqrt();
export const abs = (x: Tensor) => x.abs();
export const tanh = (x: Tensor) => x.tanh();
export const sigmoid = (x: Tensor) => x.sigmoid();
export const relu = (x: Tensor) => x.relu();
export const sum = (x: Tensor, dim?: R.Dims, keepdim = false) => R.sum(x, dim, keepdim);
export const mean = (x: Tensor, dim?: R.Dims, keepdim = false) => R.mean(x, dim, keepdim);
export const amax = R.amax;
export const amin = R.amin;
export const logsumexp = R.logsumexp;
export const cumsum = R.cumsum;
export const norm = R.norm;
export const varMean = R.varMean;
export const softmax = (x: Tensor, dim: number) => x.softmax(dim);
export const logSoftmax = (x: Tensor, dim: number) => x.logSoftmax(dim);
export const gather = I.gather;
export const scatter = I.scatter;
export const scatterAdd = I.scatterAdd;
export const indexSelect = I.indexSelect;
export const indexAdd = (x: Tensor, dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }) =>
  I.indexAdd(x, dim, index, source, opts?.alpha ?? 1);
export const maskedFill = I.maskedFill;
export const maskedSelect = I.maskedSelect;
export const maskedSelectAsync = I.maskedSelectAsync;
export const oneHot = I.oneHot;
export const flip = I.flip;
export const roll = I.roll;
export const tril = I.tril;
export const triu = I.triu;
export const resultType = (a: TensorLike, b: TensorLike): DType => resultTypeOf(a, b);
export const isTensor = (x: unknown): x is Tensor =>
  !!x && typeof x === 'object' && (x as { _isTensor?: boolean })._isTensor === true;
