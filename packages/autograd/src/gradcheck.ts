import { grad } from './grad.js';
import { noGrad } from './grad-mode.js';
import type { AutogradTensor } from './types.js';

export interface GradcheckTensor extends AutogradTensor {
  data(): Promise<ArrayLike<number>>;
  numel(): number;
}

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

/**
 * torch.autograd.gradcheck: compares the analytic Jacobian (from backward) with central finite
 * differences. Inputs should be float64. Resolves to true, or rejects naming the worst entry.
 */
export async function gradcheck<T extends GradcheckTensor>(
  fn: (...inputs: T[]) => T,
  inputs: readonly T[],
  opts: GradcheckOptions = {},
): Promise<true> {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const diff = inputs.map((t, i) => (t.requiresGrad ? i : -1)).filter((i) => i >= 0);
  const out = fn(...inputs);
  const outN = out.numel();
  for (const i of diff) {
    const x = inputs[i];
    const n = x.numel();
    // numeric: column j of the Jacobian from f(x + eps e_j) - f(x - eps e_j)
    const numeric: Float64Array[] = [];
    for (let j = 0; j < n; j++) {
      const e = noGrad(() => (x.newOnes([1]) as T).constantPad([j, n - 1 - j], 0).reshape(x.shape) as T);
      const plus = noGrad(() =>
        fn(...inputs.map((t, k) => (k === i ? (t.detach().add(e.mul(eps)) as T) : t))),
      );
      const minus = noGrad(() =>
        fn(...inputs.map((t, k) => (k === i ? (t.detach().sub(e.mul(eps)) as T) : t))),
      );
      const p = await plus.data();
      const m = await minus.data();
      const col = new Float64Array(outN);
      for (let k = 0; k < outN; k++) col[k] = (Number(p[k]) - Number(m[k])) / (2 * eps);
      numeric.push(col);
    }
    // analytic: row k of the Jacobian from backward with a one-hot output gradient
    for (let k = 0; k < outN; k++) {
      const seed = noGrad(
        () => (out.newOnes([1]) as T).constantPad([k, outN - 1 - k], 0).reshape(out.shape) as T,
      );
      const [gi] = grad(out, [x], { gradOutputs: seed, retainGraph: true, allowUnused: true });
      const row = gi ? await (gi as T).data() : new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const a = Number(row[j]);
        const nu = numeric[j][k];
        if (!(Math.abs(a - nu) <= atol + rtol * Math.abs(nu))) {
          throw new Error(
            `gradcheck: Jacobian mismatch for output ${k} with respect to input ${i} element ${j}: numerical ${nu}, analytical ${a}`,
          );
        }
      }
    }
  }
  return true;
}
