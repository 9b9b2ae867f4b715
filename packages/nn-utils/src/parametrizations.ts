/**
 * torch.nn.utils.parametrizations: orthogonal, weight_norm and spectral_norm as
 * parametrizations (state-dict keys `parametrizations.weight.original`, `...original0/1`,
 * `...0.base`, `...0._u`, `...0._v`, as in PyTorch).
 */
import { F, Module } from '@kindling/nn-layers';
import { cat, eye, noGrad, randn, type Tensor, zeros, zerosLike } from '@kindling/tensor';
import { getAttr } from './hook-tags.js';
import {
  diagonal,
  geqrf,
  householderProduct,
  isOrthogonal,
  makeOrthogonal,
  matrixExp,
  solve,
} from './linalg.js';
import { registerParametrization } from './parametrize.js';
import { weightToMatrix } from './spectral-norm.js';
import { normExceptDim, weightNormOf } from './weight-norm.js';

export type OrthogonalMap = 'matrix_exp' | 'cayley' | 'householder';

const mT = (t: Tensor) => t.transpose(-2, -1);

/** The orthogonal parametrization (PyTorch's _Orthogonal). */
export class Orthogonal extends Module {
  readonly orthogonalMap: OrthogonalMap;
  readonly weightShape: readonly number[];
  declare base: Tensor | null;

  constructor(weight: Tensor, orthogonalMap: OrthogonalMap, opts: { useTrivialization?: boolean } = {}) {
    super();
    this.weightShape = [...weight.shape];
    this.orthogonalMap = orthogonalMap;
    if (opts.useTrivialization ?? true) this.registerBuffer('base', null);
  }

  private get trivialized(): boolean {
    return this._buffers.has('base');
  }

  override forward(x0: Tensor): Tensor {
    let x = x0;
    let n = x.shape[x.ndim - 2];
    let k = x.shape[x.ndim - 1];
    const transposed = n < k;
    if (transposed) {
      x = mT(x);
      [n, k] = [k, n];
    }
    let q: Tensor;
    if (this.orthogonalMap === 'matrix_exp' || this.orthogonalMap === 'cayley') {
      x = x.tril();
      if (n !== k)
        x = cat([x, zeros([...x.shape.slice(0, -2), n, n - k], { dtype: x.dtype, device: x.device })], -1);
      const a = x.sub(mT(x));
      if (this.orthogonalMap === 'matrix_exp') q = matrixExp(a);
      else {
        const id = eye(n, { dtype: a.dtype, device: a.device });
        q = solve(id.add(a, -0.5), id.add(a, 0.5));
      }
      if (n !== k) q = q.narrow(-1, 0, k);
    } else {
      const a = x.tril(-1);
      const tau = a.mul(a).sum(-2).add(1).reciprocal().mul(2);
      q = householderProduct(a, tau);
      q = q.mul(diagonal(x).int().unsqueeze(-2));
    }
    if (this.trivialized) {
      const base = this._buffers.get('base');
      if (!base) throw new Error('orthogonal: base is not set (rightInverse was never called)');
      q = base.matmul(q);
    }
    return transposed ? mT(q) : q;
  }

  rightInverse(q0: Tensor): Tensor {
    return noGrad(() => {
      const fn = 'orthogonal.rightInverse';
      if (q0.ndim !== this.weightShape.length || q0.shape.some((d, i) => d !== this.weightShape[i])) {
        throw new RangeError(
          `${fn}: Expected a matrix or batch of matrices of shape [${this.weightShape.join(', ')}]. Got a tensor of shape [${q0.shape.join(', ')}].`,
        );
      }
      let q = q0;
      let n = q.shape[q.ndim - 2];
      let k = q.shape[q.ndim - 1];
      const transpose = n < k;
      if (transpose) {
        q = mT(q);
        [n, k] = [k, n];
      }
      if (!this.trivialized) {
        if (this.orthogonalMap !== 'householder') {
          throw new Error(
            `${fn}: It is not possible to assign to the matrix exponential or the Cayley parametrizations when useTrivialization=false.`,
          );
        }
        // geqrf's packed factor, with R's diagonal replaced by its signs (−1 where tau = 0 flips)
        const [a] = geqrfSigns(q);
        return transpose ? mT(a) : a;
      }
      if (n === k) q = isOrthogonal(q) ? q.clone() : makeOrthogonal(q);
      else
        q = makeOrthogonal(
          cat([q, randn([...q.shape.slice(0, -2), n, n - k], { dtype: q.dtype, device: q.device })], -1),
        );
      this.base = q;
      const negId = zerosLike(q0);
      const d = eye(q0.shape[q0.ndim - 2], q0.shape[q0.ndim - 1], { dtype: q0.dtype, device: q0.device });
      return negId.sub(d.expand(q0.shape));
    });
  }
}

/** geqrf(Q) with the diagonal set to sign(R_ii), negated where tau = 0 (PyTorch's right_inverse without trivialization). */
function geqrfSigns(q: Tensor): [Tensor, Tensor] {
  const [a, tau] = geqrf(q);
  const n = a.shape[a.ndim - 2];
  const k = a.shape[a.ndim - 1];
  const id = eye(n, k, { dtype: a.dtype, device: a.device });
  let s = diagonal(a).sign();
  s = s.where(tau.ne(0), s.neg());
  const diagPart = id.mul(s.unsqueeze(-2));
  return [a.mul(id.neg().add(1)).add(diagPart), tau];
}

export interface OrthogonalOptions {
  /** 'matrix_exp' (default for square matrices), 'cayley' or 'householder' (default otherwise). */
  orthogonalMap?: OrthogonalMap | null;
  /** Keep a base matrix and parametrize around it (default true). */
  useTrivialization?: boolean;
}

/**
 * Constrain `module[name]` (a matrix or batch of matrices) to be orthogonal, with orthonormal
 * columns (tall) or rows (wide) (torch.nn.utils.parametrizations.orthogonal). The initial value
 * is the current one if orthogonal, else the Q of its QR decomposition. Reads the weight on the
 * host at registration (and the matrix exponential reads a norm each forward), so use it on cpu.
 *
 * @example
 * const q = orthogonal(new Linear(20, 40));
 * q.weight.T.matmul(q.weight); // ≈ I (20×20)
 */
export function orthogonal<M extends Module>(module: M, name = 'weight', opts: OrthogonalOptions = {}): M {
  const fn = 'orthogonal';
  const weight = getAttr<Tensor | null>(module, name);
  if (!weight || typeof weight !== 'object' || !('shape' in weight))
    throw new Error(`${fn}: Module '${module._getName()}' has no parameter or buffer with name '${name}'`);
  if (weight.ndim < 2)
    throw new RangeError(
      `${fn}: Expected a matrix or batch of matrices. Got a tensor of ${weight.ndim} dimensions.`,
    );
  const map =
    opts.orthogonalMap ??
    (weight.shape[weight.ndim - 2] === weight.shape[weight.ndim - 1] ? 'matrix_exp' : 'householder');
  if (map !== 'matrix_exp' && map !== 'cayley' && map !== 'householder') {
    throw new RangeError(
      `${fn}: orthogonalMap has to be one of "matrix_exp", "cayley", "householder". Got: ${String(map)}`,
    );
  }
  registerParametrization(
    module,
    name,
    new Orthogonal(weight, map, { useTrivialization: opts.useTrivialization }),
    { unsafe: true },
  );
  return module;
}

/** g · v / ‖v‖ as a parametrization of two originals (PyTorch's _WeightNorm). */
export class WeightNorm extends Module {
  readonly dim: number;
  constructor(dim: number | null = 0) {
    super();
    this.dim = dim === null ? -1 : dim;
  }
  override forward(weightG: Tensor, weightV: Tensor): Tensor {
    return weightNormOf(weightV, weightG, this.dim);
  }
  rightInverse(weight: Tensor): Tensor[] {
    return [normExceptDim(weight, 2, this.dim), weight];
  }
}

/**
 * Weight normalisation as a parametrization (torch.nn.utils.parametrizations.weight_norm):
 * `parametrizations.weight.original0` holds g, `original1` holds v.
 *
 * @example
 * const m = parametrizations.weightNorm(new Linear(20, 40));
 */
export function weightNorm<M extends Module>(module: M, name = 'weight', dim: number | null = 0): M {
  registerParametrization(module, name, new WeightNorm(dim), { unsafe: true });
  return module;
}

/** Division by the spectral norm as a parametrization (PyTorch's _SpectralNorm). */
export class SpectralNorm extends Module {
  readonly dim: number;
  readonly eps: number;
  readonly nPowerIterations: number;
  declare _u: Tensor;
  declare _v: Tensor;

  constructor(weight: Tensor, nPowerIterations = 1, dim = 0, eps = 1e-12) {
    super();
    const ndim = weight.ndim;
    if (dim >= ndim || dim < -ndim)
      throw new RangeError(
        `spectralNorm: Dimension out of range (expected to be in range of [-${ndim}, ${ndim - 1}] but got ${dim})`,
      );
    if (nPowerIterations <= 0)
      throw new RangeError(
        `spectralNorm: Expected nPowerIterations to be positive, but got nPowerIterations=${nPowerIterations}`,
      );
    this.dim = dim >= 0 ? dim : dim + ndim;
    this.eps = eps;
    this.nPowerIterations = nPowerIterations;
    if (ndim > 1) {
      const mat = weightToMatrix(weight.detach(), this.dim);
      const [h, w] = mat.shape;
      const o = { dtype: weight.dtype, device: weight.device };
      this.registerBuffer('_u', F.normalize(randn([h], o), { dim: 0, eps }));
      this.registerBuffer('_v', F.normalize(randn([w], o), { dim: 0, eps }));
      this.powerMethod(mat, 15);
    }
  }

  private powerMethod(mat: Tensor, iters: number): void {
    noGrad(() => {
      const u = this._buffers.get('_u') as Tensor;
      const v = this._buffers.get('_v') as Tensor;
      for (let i = 0; i < iters; i++) {
        u.copy_(F.normalize(mat.mv(v), { dim: 0, eps: this.eps }));
        v.copy_(F.normalize(mat.t().mv(u), { dim: 0, eps: this.eps }));
      }
    });
  }

  override forward(weight: Tensor): Tensor {
    if (weight.ndim === 1) return F.normalize(weight, { dim: 0, eps: this.eps });
    const mat = weightToMatrix(weight, this.dim);
    if (this.training) this.powerMethod(mat.detach(), this.nPowerIterations);
    const u = (this._buffers.get('_u') as Tensor).clone();
    const v = (this._buffers.get('_v') as Tensor).clone();
    const sigma = u.dot(mat.mv(v));
    return weight.div(sigma);
  }

  rightInverse(value: Tensor): Tensor {
    return value;
  }
}

/**
 * Spectral normalisation as a parametrization (torch.nn.utils.parametrizations.spectral_norm):
 * the power-iteration vectors are buffers `parametrizations.weight.0._u` / `._v`.
 *
 * @example
 * const d = parametrizations.spectralNorm(new Linear(20, 40));
 */
export function spectralNorm<M extends Module>(
  module: M,
  name = 'weight',
  opts: { nPowerIterations?: number; eps?: number; dim?: number | null } = {},
): M {
  const weight = getAttr<Tensor | null>(module, name);
  if (!weight || typeof weight !== 'object' || !('shape' in weight))
    throw new Error(
      `spectralNorm: Module '${module._getName()}' has no parameter or buffer with name '${name}'`,
    );
  const dim = opts.dim ?? (/^ConvTranspose[123]d$/.test(module._getName()) ? 1 : 0);
  registerParametrization(
    module,
    name,
    new SpectralNorm(weight, opts.nPowerIterations ?? 1, dim, opts.eps ?? 1e-12),
  );
  return module;
}
