import { isTensor, noGrad, stack, type Tensor, tensor } from '@kindling/tensor';
import { type TensorOrTensors, tensorList } from './params.js';

export interface ClipGradNormOptions {
  /** Order of the norm: a number, or Infinity for the max norm (default 2). */
  normType?: number;
  /** Throw when the total norm is NaN or infinite (default false). */
  errorIfNonfinite?: boolean;
  /** Accepted for compatibility; there is one code path. */
  foreach?: boolean | null;
}

function totalNorm(grads: Tensor[], normType: number): Tensor {
  const device = grads[0].device;
  if (normType === Number.POSITIVE_INFINITY) {
    const norms = grads.map((g) => g.detach().abs().max().to(device));
    return norms.length === 1 ? norms[0] : stack(norms).max();
  }
  return stack(grads.map((g) => g.detach().norm(normType).to(device))).norm(normType);
}

function checkArgs(fn: string, maxNorm: number, normType: number): void {
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm))
    throw new TypeError(`${fn}: maxNorm must be a number, got ${String(maxNorm)}`);
  if (typeof normType !== 'number' || Number.isNaN(normType))
    throw new TypeError(
      `${fn}: normType must be a number (Infinity for the max norm), got ${String(normType)}`,
    );
}

const nonfinite = (fn: string, normType: number) =>
  new Error(
    `${fn}: The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false`,
  );

function scale(grads: Tensor[], total: Tensor, maxNorm: number): void {
  // clip_coef = max_norm / (total_norm + 1e-6), clamped to at most 1, applied to every gradient
  const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
  for (const g of grads) g.detach().mul_(coef.to(g.device));
}

/**
 * Scale the gradients of `parameters` in place so that their total norm (over all gradients
 * together, as if concatenated) is at most `maxNorm` (torch.nn.utils.clip_grad_norm_). Returns
 * the total norm before clipping, as a 0-dim tensor. Parameters without a gradient are skipped.
 * Runs without reading back from the device, except with `errorIfNonfinite` (use
 * `clipGradNormAsync_` for that on webgpu).
 *
 * @example
 * loss.backward();
 * const norm = clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm_(
  parameters: TensorOrTensors,
  maxNorm: number,
  opts: ClipGradNormOptions = {},
): Tensor {
  const fn = 'clipGradNorm_';
  const normType = Number(opts.normType ?? 2);
  checkArgs(fn, maxNorm, normType);
  const grads = tensorList(fn, parameters)
    .map((p) => p.grad)
    .filter((g): g is Tensor => isTensor(g));
  if (grads.length === 0) return tensor(0, { dtype: 'float32' });
  return noGrad(() => {
    const total = totalNorm(grads, normType);
    if (opts.errorIfNonfinite) {
      if (!total._storage.backend.canReadSync) {
        throw new Error(
          `${fn}: errorIfNonfinite needs to read the norm, and '${total.device}' is read asynchronously; use await clipGradNormAsync_(...)`,
        );
      }
      if (!Number.isFinite(Number(total.dataSync()[0]))) throw nonfinite(fn, normType);
    }
    scale(grads, total, maxNorm);
    return total;
  });
}

/** clipGradNorm_ for any device: awaits the norm when `errorIfNonfinite` needs it. */
export async function clipGradNormAsync_(
  parameters: TensorOrTensors,
  maxNorm: number,
  opts: ClipGradNormOptions = {},
): Promise<Tensor> {
  const fn = 'clipGradNormAsync_';
  const normType = Number(opts.normType ?? 2);
  checkArgs(fn, maxNorm, normType);
  const grads = tensorList(fn, parameters)
    .map((p) => p.grad)
    .filter((g): g is Tensor => isTensor(g));
  if (grads.length === 0) return tensor(0, { dtype: 'float32' });
  const total = noGrad(() => totalNorm(grads, normType));
  if (opts.errorIfNonfinite && !Number.isFinite(await total.item())) throw nonfinite(fn, normType);
  noGrad(() => scale(grads, total, maxNorm));
  return total;
}

/**
 * Clamp the gradients of `parameters` in place to [-clipValue, clipValue]
 * (torch.nn.utils.clip_grad_value_).
 *
 * @example
 * clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(
  parameters: TensorOrTensors,
  clipValue: number,
  opts: { foreach?: boolean | null } = {},
): void {
  const fn = 'clipGradValue_';
  void opts;
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue))
    throw new TypeError(`${fn}: clipValue must be a number, got ${String(clipValue)}`);
  const params = tensorList(fn, parameters);
  noGrad(() => {
    for (const p of params) if (p.grad) p.grad.detach().clamp_(-clipValue, clipValue);
  });
}
