/** batchNorm, instanceNorm, layerNorm, groupNorm, rmsNorm, localResponseNorm, normalize. */
import { cat, noGrad, type Tensor, zeros } from '@kindling/tensor';
import { shapeStr } from './shape-str.js';

/** [1, C, 1, ...] for broadcasting a per-channel vector over an input of rank `ndim`. */
const channelShape = (c: number, ndim: number) => Array.from({ length: ndim }, (_, i) => (i === 1 ? c : 1));

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Use the batch statistics (and update the running ones when given). Default false. */
  training?: boolean;
  /** Weight of the new statistics in the running update: a number, or a 0-dim tensor. Default 0.1. */
  momentum?: number | Tensor;
  eps?: number;
}

function updateRunning(running: Tensor, stat: Tensor, momentum: number | Tensor): void {
  noGrad(() => {
    const s = stat.detach().to(running.dtype);
    const m = typeof momentum === 'number' ? momentum : momentum.to(running.dtype);
    running.copy_(running.mul(typeof m === 'number' ? 1 - m : m.neg().add(1)).add(s.mul(m)));
  });
}

/**
 * Batch normalisation over dim 1 of [N, C, *]: (x − mean) / √(var + eps) · weight + bias, with
 * the batch statistics (training) or the running ones. In training the running statistics are
 * updated in place with the unbiased variance.
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null | undefined,
  runningVar: Tensor | null | undefined,
  o: BatchNormOptions = {},
): Tensor {
  const { weight, bias, training = false, momentum = 0.1, eps = 1e-5 } = o;
  if (input.ndim < 2)
    throw new RangeError(
      `batch_norm: expected an input of at least 2 dims [N, C, *], got ${shapeStr(input)}`,
    );
  const c = input.shape[1];
  for (const [name, t] of [
    ['running_mean', runningMean],
    ['running_var', runningVar],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && t.numel() !== c) {
      throw new RangeError(
        `batch_norm: ${name} should contain ${c} elements not ${t.numel()} (input ${shapeStr(input)})`,
      );
    }
  }
  const view = channelShape(c, input.ndim);
  const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
  let out: Tensor;
  if (training) {
    const n = input.numel() / Math.max(c, 1);
    if (n <= 1) {
      throw new RangeError(
        `Expected more than 1 value per channel when training, got input size ${shapeStr(input)}`,
      );
    }
    const mean = input.mean(dims, true);
    const centered = input.sub(mean);
    const variance = centered.mul(centered).mean(dims, true);
    out = centered.mul(variance.add(eps).rsqrt());
    if (runningMean) updateRunning(runningMean, mean.reshape([c]), momentum);
    if (runningVar) updateRunning(runningVar, variance.reshape([c]).mul(n / (n - 1)), momentum);
  } else {
    if (!runningMean || !runningVar) {
      throw new Error('batch_norm: running_mean and running_var must be defined in evaluation mode');
    }
    out = input.sub(runningMean.reshape(view)).mul(runningVar.reshape(view).add(eps).rsqrt());
  }
  if (weight) out = out.mul(weight.reshape(view));
  if (bias) out = out.add(bias.reshape(view));
  return out;
}

export interface InstanceNormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with each instance's statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * Instance normalisation: each [n, c] plane of [N, C, *] normalised by its own mean and
 * variance. With running statistics and useInputStats, they are updated with the mean over the
 * batch of the per-instance statistics.
 */
export function instanceNorm(input: Tensor, o: InstanceNormOptions = {}): Tensor {
  const { runningMean, runningVar, weight, bias, useInputStats = true, momentum = 0.1, eps = 1e-5 } = o;
  if (input.ndim < 3)
    throw new RangeError(
      `instance_norm: expected an input of at least 3 dims [N, C, *], got ${shapeStr(input)}`,
    );
  const [n, c] = input.shape;
  const view = channelShape(c, input.ndim);
  const spatial = input.shape.map((_, i) => i).slice(2);
  let out: Tensor;
  if (useInputStats) {
    const count = input.numel() / Math.max(n * c, 1);
    if (count <= 1) {
      throw new RangeError(
        `Expected more than 1 spatial element when training, got input size ${shapeStr(input)}`,
      );
    }
    const mean = input.mean(spatial, true);
    const centered = input.sub(mean);
    const variance = centered.mul(centered).mean(spatial, true);
    out = centered.mul(variance.add(eps).rsqrt());
    if (runningMean) updateRunning(runningMean, mean.reshape([n, c]).mean(0), momentum);
    if (runningVar)
      updateRunning(
        runningVar,
        variance
          .reshape([n, c])
          .mul(count / (count - 1))
          .mean(0),
        momentum,
      );
  } else {
    if (!runningMean || !runningVar)
      throw new Error('instance_norm: expected running_mean and running_var when not using input stats');
    out = input.sub(runningMean.reshape(view)).mul(runningVar.reshape(view).add(eps).rsqrt());
  }
  if (weight) out = out.mul(weight.reshape(view));
  if (bias) out = out.add(bias.reshape(view));
  return out;
}

function checkTrailing(where: string, input: Tensor, normalizedShape: readonly number[]): number[] {
  const k = normalizedShape.length;
  const tail = input.shape.slice(input.ndim - k);
  if (input.ndim < k || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new RangeError(
      `${where}: Given normalized_shape=${shapeStr(normalizedShape)}, expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size${shapeStr(input)}`,
    );
  }
  return normalizedShape.map((_, i) => input.ndim - k + i);
}

/** Normalise over the trailing `normalizedShape` dims: (x − mean) / √(var + eps) · weight + bias. */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  o: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {},
): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const dims = checkTrailing('layer_norm', input, shape);
  const mean = input.mean(dims, true);
  const centered = input.sub(mean);
  const variance = centered.mul(centered).mean(dims, true);
  let out = centered.mul(variance.add(o.eps ?? 1e-5).rsqrt());
  if (o.weight) out = out.mul(o.weight);
  if (o.bias) out = out.add(o.bias);
  return out;
}

/** Normalise each group of C / numGroups channels of [N, C, *] over the group and the spatial dims. */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  o: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {},
): Tensor {
  if (input.ndim < 2)
    throw new RangeError(
      `group_norm: expected an input of at least 2 dims [N, C, *], got ${shapeStr(input)}`,
    );
  const [n, c] = input.shape;
  if (c % numGroups !== 0) {
    throw new RangeError(
      `group_norm: Expected number of channels in input to be divisible by num_groups, but got input of shape ${shapeStr(input)} and num_groups=${numGroups}`,
    );
  }
  // the group size spelled out: a -1 cannot be inferred when the batch is empty
  const grouped = input.reshape([
    n,
    numGroups,
    (c / numGroups) * input.shape.slice(2).reduce((u, v) => u * v, 1),
  ]);
  const mean = grouped.mean(-1, true);
  const centered = grouped.sub(mean);
  const variance = centered.mul(centered).mean(-1, true);
  let out = centered.mul(variance.add(o.eps ?? 1e-5).rsqrt()).reshape(input.shape);
  const view = channelShape(c, input.ndim);
  if (o.weight) out = out.mul(o.weight.reshape(view));
  if (o.bias) out = out.add(o.bias.reshape(view));
  return out;
}

/** Machine epsilon of a dtype (torch.finfo(dtype).eps). */
export function finfoEps(dtype: Tensor['dtype']): number {
  return dtype === 'float64'
    ? 2.220446049250313e-16
    : dtype === 'float16'
      ? 0.0009765625
      : 1.1920928955078125e-7;
}

/** x / √(mean(x²) + eps) · weight over the trailing `normalizedShape` dims (eps null: the dtype's machine epsilon). */
export function rmsNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  o: { weight?: Tensor | null; eps?: number | null } = {},
): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const dims = checkTrailing('rms_norm', input, shape);
  const eps = o.eps ?? finfoEps(input.dtype);
  let out = input.mul(input.mul(input).mean(dims, true).add(eps).rsqrt());
  if (o.weight) out = out.mul(o.weight);
  return out;
}

/**
 * Local response normalisation across channels: x / (k + alpha/size · Σ x²)^beta, the sum over
 * `size` neighbouring channels (zero-padded).
 */
export function localResponseNorm(
  input: Tensor,
  size: number,
  o: { alpha?: number; beta?: number; k?: number } = {},
): Tensor {
  const { alpha = 1e-4, beta = 0.75, k = 1 } = o;
  if (input.ndim < 3) {
    throw new RangeError(`Expected 3D or higher dimensionality input (got ${input.ndim} dimensions)`);
  }
  if (input.numel() === 0) return input;
  const c = input.shape[1];
  const sq = input.mul(input);
  const before = Math.floor(size / 2);
  const after = Math.floor((size - 1) / 2);
  const padShape = (p: number) => input.shape.map((s, i) => (i === 1 ? p : s));
  const parts: Tensor[] = [];
  if (before) parts.push(zeros(padShape(before), { dtype: input.dtype, device: input.device }));
  parts.push(sq);
  if (after) parts.push(zeros(padShape(after), { dtype: input.dtype, device: input.device }));
  const padded = parts.length > 1 ? cat(parts, 1) : sq;
  let sum = padded.narrow(1, 0, c);
  for (let j = 1; j < size; j++) sum = sum.add(padded.narrow(1, j, c));
  const div = sum
    .mul(alpha / size)
    .add(k)
    .pow(beta);
  return input.div(div);
}

/** x / max(‖x‖_p, eps) along `dim` (torch.nn.functional.normalize). */
export function normalize(input: Tensor, o: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = o;
  const norm = input.norm(p, dim, true);
  return input.div(norm.clamp(eps).expandAs(input));
}
