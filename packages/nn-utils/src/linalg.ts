/**
 * The bits of torch.linalg the parametrizations need, as differentiable compositions of tensor
 * ops (matrix exponential, Householder products, an unpivoted solve) plus a host-side QR used
 * only at registration time (no gradient).
 */
import { cat, eye, noGrad, type Tensor, tensor } from '@kindling/tensor';

/** Column `i` of the n×n identity (or a 0/1 mask of the rows below `i`), like `like`. */
function basis(n: number, i: number, like: Tensor, below = false, column = false): Tensor {
  const data = Array.from({ length: n }, (_, r) => ((below ? r > i : r === i) ? 1 : 0));
  return tensor(data, { dtype: like.dtype, device: like.device, shape: column ? [n, 1] : [n] });
}

const last2 = (t: Tensor) => [t.shape[t.ndim - 2], t.shape[t.ndim - 1]] as const;

function hostValues(fn: string, t: Tensor): Float64Array {
  if (!t._storage.backend.canReadSync) {
    throw new Error(
      `${fn}: needs to read the matrix on the host, and '${t.device}' is read asynchronously; run it on cpu`,
    );
  }
  return Float64Array.from(t.detach().dataSync(), Number);
}

/** The diagonal of the last two dims: [..., n, k] → [..., min(n, k)]. Differentiable. */
export function diagonal(x: Tensor): Tensor {
  const [n, k] = last2(x);
  const m = Math.min(n, k);
  const mask = eye(n, k, { dtype: x.dtype, device: x.device });
  return x.mul(mask).sum(-2).narrow(-1, 0, m);
}

/**
 * exp(A) of square matrices (torch.matrix_exp): scaling and squaring with a degree-12 Taylor
 * polynomial (‖A/2ˢ‖₁ ≤ 1/2, so the truncation error is below float64's); differentiable. Reads
 * the 1-norm of A on the host to pick s.
 */
export function matrixExp(a: Tensor): Tensor {
  const fn = 'matrixExp';
  const [n, k] = last2(a);
  if (n !== k) throw new RangeError(`${fn}: expected square matrices, got shape [${a.shape.join(', ')}]`);
  const v = hostValues(fn, a);
  let norm = 0;
  for (let b = 0; b < v.length; b += n * n) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.abs(v[b + i * n + j]);
      norm = Math.max(norm, s);
    }
  }
  if (!Number.isFinite(norm)) throw new RangeError(`${fn}: the matrix has non-finite entries`);
  const s = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
  const x = s ? a.div(2 ** s) : a;
  const id = eye(n, { dtype: a.dtype, device: a.device });
  let e = id;
  for (let d = 12; d >= 1; d--) e = id.add(x.matmul(e).div(d));
  for (let i = 0; i < s; i++) e = e.matmul(e);
  return e;
}

/**
 * The first k columns of H₁H₂…Hₖ, Hᵢ = I − τᵢvᵢvᵢᵀ with vᵢ the unit-leading column i of the strict
 * lower triangle of A (torch.linalg.householder_product); A [..., n, k], tau [..., k]; differentiable.
 */
export function householderProduct(a: Tensor, tau: Tensor): Tensor {
  const [n, k] = last2(a);
  if (k > n)
    throw new RangeError(
      `householderProduct: A must have at least as many rows as columns, got shape [${a.shape.join(', ')}]`,
    );
  const o = { dtype: a.dtype, device: a.device };
  let m = eye(n, k, o);
  if (a.ndim > 2) m = m.expand([...a.shape.slice(0, -2), n, k]);
  for (let i = k - 1; i >= 0; i--) {
    const vi = a
      .select(-1, i)
      .mul(basis(n, i, a, true))
      .add(basis(n, i, a)); // [..., n]
    const t = tau.select(-1, i).unsqueeze(-1).unsqueeze(-1); // [..., 1, 1]
    const vtm = vi.unsqueeze(-2).matmul(m); // [..., 1, k]
    m = m.sub(vi.unsqueeze(-1).matmul(vtm).mul(t));
  }
  return m;
}

/**
 * Solve A X = B for square A by Gauss–Jordan elimination without pivoting, differentiable
 * (torch.linalg.solve, for the well-conditioned systems of the Cayley map: I − A/2 with A
 * skew-symmetric has a positive definite symmetric part, so no pivot is needed).
 */
export function solve(a: Tensor, b: Tensor): Tensor {
  const [n, k] = last2(a);
  if (n !== k) throw new RangeError(`solve: A must be square, got shape [${a.shape.join(', ')}]`);
  const m = b.shape[b.ndim - 1];
  let aug = cat([a, b], -1); // [..., n, n + m]
  for (let j = 0; j < n; j++) {
    const row = aug.narrow(-2, j, 1); // [..., 1, n + m]
    const pivot = row.narrow(-1, j, 1); // [..., 1, 1]
    const rowN = row.div(pivot);
    const col = aug.narrow(-1, j, 1).sub(basis(n, j, a, false, true)); // [..., n, 1]
    aug = aug.sub(col.matmul(rowN));
  }
  return aug.narrow(-1, n, m);
}

/** LAPACK-style Householder QR of one n×k (n ≥ k) row-major float64 matrix, in place: returns tau and R's diagonal. */
function geqrf1(a: Float64Array, n: number, k: number): { tau: Float64Array; beta: Float64Array } {
  const tau = new Float64Array(k);
  const beta = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const alpha = a[j * k + j];
    let xnorm = 0;
    for (let i = j + 1; i < n; i++) xnorm = Math.hypot(xnorm, a[i * k + j]);
    if (xnorm === 0) {
      tau[j] = 0;
      beta[j] = alpha;
      continue;
    }
    const bt = -Math.sign(alpha || 1) * Math.hypot(alpha, xnorm);
    tau[j] = (bt - alpha) / bt;
    const scale = 1 / (alpha - bt);
    for (let i = j + 1; i < n; i++) a[i * k + j] *= scale;
    a[j * k + j] = bt;
    beta[j] = bt;
    // apply H = I − τ v vᵀ (v = [1, a[j+1.., j]]) to the remaining columns
    for (let c = j + 1; c < k; c++) {
      let dot = a[j * k + c];
      for (let i = j + 1; i < n; i++) dot += a[i * k + j] * a[i * k + c];
      dot *= tau[j];
      a[j * k + c] -= dot;
      for (let i = j + 1; i < n; i++) a[i * k + c] -= dot * a[i * k + j];
    }
  }
  return { tau, beta };
}

/** torch.geqrf on the host (no gradient): the packed QR factor and tau, as tensors like `x`. */
export function geqrf(x: Tensor): [Tensor, Tensor] {
  const [n, k] = last2(x);
  if (k > n) throw new RangeError(`geqrf: expected n >= k, got shape [${x.shape.join(', ')}]`);
  const v = hostValues('geqrf', x);
  const batch = v.length / (n * k);
  const taus = new Float64Array(batch * k);
  for (let b = 0; b < batch; b++) {
    const sub = v.subarray(b * n * k, (b + 1) * n * k);
    taus.set(geqrf1(sub, n, k).tau, b * k);
  }
  const o = { dtype: x.dtype, device: x.device };
  const F = x.dtype === 'float64' ? Float64Array : Float32Array;
  return [
    tensor(F.from(v), { ...o, shape: [...x.shape] }),
    tensor(F.from(taus), { ...o, shape: [...x.shape.slice(0, -2), k] }),
  ];
}

/** The Q of A = QR with diag(R) ≥ 0, for tall A (PyTorch's _make_orthogonal); host-side, no gradient. */
export function makeOrthogonal(x: Tensor): Tensor {
  return noGrad(() => {
    const [qr, tau] = geqrf(x);
    const q = householderProduct(qr, tau);
    return q.mul(diagonal(qr).sign().unsqueeze(-2));
  });
}

/** Whether Qᵀ Q ≈ I (PyTorch's _is_orthogonal, atol 10·n·eps of the dtype); host-side. */
export function isOrthogonal(q: Tensor): boolean {
  const [n, k] = last2(q);
  const eps =
    q.dtype === 'float64'
      ? 2.220446049250313e-16
      : q.dtype === 'float16'
        ? 0.0009765625
        : 1.1920928955078125e-7;
  const atol = 10 * n * eps;
  const p = noGrad(() => q.transpose(-2, -1).matmul(q));
  const v = hostValues('isOrthogonal', p);
  for (let i = 0; i < v.length; i++) {
    const r = Math.floor(i / k) % k;
    const c = i % k;
    const want = r === c ? 1 : 0;
    if (!(Math.abs(v[i] - want) <= atol + 1e-5 * Math.abs(want))) return false;
  }
  return true;
}
