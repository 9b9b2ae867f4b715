import { fmtShape } from '@kindling/ops';
import { dispatch } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { cast, resultTypeOf } from './scalars.js';
import { reshape, unsqueeze } from './shape.js';

function sameDtype(op: string, a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (a.dtype === b.dtype) return [a, b];
  const dt = resultTypeOf(a, b);
  return [cast(a, dt), cast(b, dt)];
}

/** torch.matmul with PyTorch's 1-D, 2-D and batched broadcasting rules. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(
      `matmul: both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`,
    );
  }
  const [x, y] = sameDtype('matmul', a, b);
  const ka = x.shape[x.ndim - 1];
  const kb = y.ndim === 1 ? y.shape[0] : y.shape[y.ndim - 2];
  if (ka !== kb && x.ndim === 1 && y.ndim === 1) {
    throw new RangeError(
      `matmul: inconsistent tensor size, expected tensor [${ka}] and src [${kb}] to have the same number of elements, but got ${ka} and ${kb} elements respectively`,
    );
  }
  if (ka !== kb && (x.ndim > 2 || y.ndim > 2)) {
    const m = x.ndim === 1 ? 1 : x.shape[x.ndim - 2];
    throw new RangeError(
      `matmul: Expected size for first two dimensions of batch2 tensor to be: [${x.shape.slice(0, -2).join(', ') || 1}, ${ka}] but got: [${y.shape.slice(0, -2).join(', ') || 1}, ${kb}] (shapes ${fmtShape(x.shape)} and ${fmtShape(y.shape)}, ${m}x${ka} and ${kb}x${y.shape[y.ndim - 1]})`,
    );
  }
  if (ka !== kb) {
    const s1 = x.ndim === 1 ? `[${x.shape[0]}]` : fmtShape(x.shape);
    throw new RangeError(
      `matmul: shapes ${s1} and ${fmtShape(y.shape)} cannot be multiplied (${x.ndim === 1 ? 1 : x.shape[x.ndim - 2]}x${ka} and ${kb}x${y.ndim === 1 ? 1 : y.shape[y.ndim - 1]})`,
    );
  }
  const x2 = x.ndim === 1 ? unsqueeze(x, 0) : x;
  const y2 = y.ndim === 1 ? unsqueeze(y, 1) : y;
  let out: Tensor;
  if (x2.ndim > 2 && y2.ndim === 2) {
    // [..., m, k] @ [k, n]: fold the batch into the rows, one large matmul (as PyTorch does)
    const lead = x2.shape.slice(0, -1);
    out = reshape(dispatch('matmul', [reshape(x2, [-1, ka]), y2], {}), [...lead, y2.shape[1]]);
  } else out = dispatch('matmul', [x2, y2], {});
  if (x.ndim === 1) out = reshape(out, [...out.shape.slice(0, -2), out.shape[out.ndim - 1]]);
  if (y.ndim === 1) out = reshape(out, out.shape.slice(0, -1));
  return out;
}

export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2) throw new RangeError(`mm: self must be a matrix (got shape ${fmtShape(a.shape)})`);
  if (b.ndim !== 2) throw new RangeError(`mm: mat2 must be a matrix (got shape ${fmtShape(b.shape)})`);
  return matmul(a, b);
}

export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) {
    throw new RangeError(
      `bmm: batch1 must be a 3D tensor and batch2 must be a 3D tensor (got ${fmtShape(a.shape)} and ${fmtShape(b.shape)})`,
    );
  }
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new RangeError(
      `bmm: Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`,
    );
  }
  return matmul(a, b);
}

export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.ndim !== 2 || v.ndim !== 1) {
    throw new RangeError(`mv: vector + matrix @ vector expected, got ${a.ndim}, ${a.ndim}, ${v.ndim}`);
  }
  if (a.shape[1] !== v.shape[0]) {
    throw new RangeError(
      `mv: size mismatch, got input (${a.shape[0]}), mat (${a.shape[0]}x${a.shape[1]}), vec (${v.shape[0]})`,
    );
  }
  return matmul(a, v);
}

export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new RangeError(`dot: 1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new RangeError(
      `dot: inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`,
    );
  }
  return matmul(a, b);
}

export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1)
    throw new RangeError(`outer: expected 1-D tensors, got ${a.ndim}D and ${b.ndim}D`);
  return unsqueeze(a, 1).mul(unsqueeze(b, 0));
}

export interface AddmmOptions {
  beta?: number;
  alpha?: number;
}

/** beta * input + alpha * (m1 @ m2) */
export function addmm(input: Tensor, m1: Tensor, m2: Tensor, opts: AddmmOptions = {}): Tensor {
  const beta = opts.beta ?? 1;
  const alpha = opts.alpha ?? 1;
  let prod = mm(m1, m2);
  if (alpha !== 1) prod = prod.mul(alpha);
  if (beta === 0) return prod; // PyTorch ignores input entirely (NaN included) when beta is 0
  return prod.add(beta === 1 ? input : input.mul(beta));
}

export function baddbmm(input: Tensor, b1: Tensor, b2: Tensor, opts: AddmmOptions = {}): Tensor {
  const beta = opts.beta ?? 1;
  const alpha = opts.alpha ?? 1;
  let prod = bmm(b1, b2);
  if (alpha !== 1) prod = prod.mul(alpha);
  return beta === 0 ? prod : prod.add(beta === 1 ? input : input.mul(beta));
}
