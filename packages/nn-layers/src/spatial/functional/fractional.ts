/** Fractional max pooling (Graham, 2014) with PyTorch's pseudo-random interval sequences. */
import { fmtShape, numel } from '@kindling/ops';
import { defaultGenerator, type Generator, type Tensor } from '@kindling/tensor';
import { checkAtLeast, spatialRank } from '../arg-checks.js';
import { ntuple, type Size } from '../ntuple.js';
import { windowMax } from './pool.js';

/** Options of the fractional max pools: exactly one of `outputSize` and `outputRatio`. */
export interface FractionalMaxPoolOptions {
  /** The output size (a number for every spatial dim, or one per dim). */
  outputSize?: Size | null;
  /** The output size as a fraction of the input size, in (0, 1). */
  outputRatio?: number | readonly number[] | null;
  /** Also return the flat per-plane index of each maximum. Default false. */
  returnIndices?: boolean;
  /**
   * The samples u ∈ [0, 1) that place the windows, shape (N, C, sd) (PyTorch's `_random_samples`;
   * per plane, 2-D uses [u_W, u_H] and 3-D [u_T, u_H, u_W]). Drawn from the default generator when absent.
   */
  randomSamples?: Tensor | null;
  /** The generator to draw samples from when `randomSamples` is absent. */
  generator?: Generator;
}

/**
 * PyTorch's `generate_intervals`: window starts for one dim, computed in the input's precision
 * (float32 arithmetic for float32 inputs).
 */
export function fractionalIntervals(
  sample: number,
  inputSize: number,
  outputSize: number,
  poolSize: number,
  f32: boolean,
): Int32Array {
  const r = f32 ? Math.fround : (v: number) => v;
  const seq = new Int32Array(outputSize);
  if (outputSize > 1) {
    const u = r(sample);
    const alpha = r(r(inputSize - poolSize) / r(outputSize - 1));
    const base = Math.trunc(r(u * alpha));
    for (let i = 0; i < outputSize - 1; i++) seq[i] = Math.trunc(r(r(i + u) * alpha)) - base;
  }
  if (outputSize > 0) seq[outputSize - 1] = inputSize - poolSize;
  return seq;
}

export function fractionalMaxPoolNd(
  where: string,
  sd: number,
  x: Tensor,
  kernelSize: Size,
  opts: FractionalMaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  const batched = spatialRank(where, x, sd);
  const kernel = ntuple(where, 'kernel_size', kernelSize, sd);
  checkAtLeast(where, 'kernel_size', kernel, 1);
  const spatial = x.shape.slice(x.ndim - sd);
  if (numel(spatial) === 0)
    throw new RangeError(
      `${where}: expected input with non-zero spatial sizes, but got input of shape ${fmtShape(x.shape)}`,
    );
  const hasSize = opts.outputSize !== undefined && opts.outputSize !== null;
  const hasRatio = opts.outputRatio !== undefined && opts.outputRatio !== null;
  if (!hasSize && !hasRatio)
    throw new RangeError(`${where}: requires specifying either an output size, or a pooling ratio`);
  if (hasSize && hasRatio)
    throw new RangeError(`${where}: only one of output_size and output_ratio may be specified`);
  let out: number[];
  if (hasSize) out = ntuple(where, 'output_size', opts.outputSize as Size, sd);
  else {
    const r = opts.outputRatio as number | readonly number[];
    const ratio = typeof r === 'number' ? new Array<number>(sd).fill(r) : [...r];
    if (ratio.length !== sd || ratio.some((v) => !(v > 0 && v < 1))) {
      throw new RangeError(
        `${where}: output_ratio must be ${sd} numbers between 0 and 1 (exclusive), got ${typeof r === 'number' ? r : `[${r.join(', ')}]`}`,
      );
    }
    out = spatial.map((s, d) => Math.trunc(s * ratio[d]));
  }
  out.forEach((o, d) => {
    if (o + kernel[d] - 1 > spatial[d]) {
      throw new RangeError(
        `${where}: kernel_size ${kernel[d]} too large relative to input size ${spatial[d]} at spatial dim ${d} for output size ${o} (input ${fmtShape(x.shape)}, output size [${out.join(', ')}])`,
      );
    }
  });
  const n = batched ? x.shape[0] : 1;
  const c = x.shape[x.ndim - sd - 1];
  const samples = readSamples(where, x, sd, n, c, opts);
  const f32 = x.dtype !== 'float64';
  const L = numel(out);
  const K = numel(kernel);
  const cells = new Int32Array(n * c * L * K);
  // sample slot per dim: 2-D [W, H]; 3-D [T, H, W]
  const slot = sd === 2 ? [1, 0] : sd === 3 ? [0, 1, 2] : [0];
  const o = new Array(sd).fill(0);
  const k = new Array(sd).fill(0);
  for (let p = 0; p < n * c; p++) {
    const seqs = out.map((m, d) =>
      fractionalIntervals(samples[p * sd + slot[d]], spatial[d], m, kernel[d], f32),
    );
    o.fill(0);
    for (let l = 0; l < L; l++) {
      k.fill(0);
      for (let j = 0; j < K; j++) {
        let flat = 0;
        for (let d = 0; d < sd; d++) flat = flat * spatial[d] + seqs[d][o[d]] + k[d];
        cells[(p * L + l) * K + j] = flat;
        for (let d = sd - 1; d >= 0; d--) {
          if (++k[d] < kernel[d]) break;
          k[d] = 0;
        }
      }
      for (let d = sd - 1; d >= 0; d--) {
        if (++o[d] < out[d]) break;
        o[d] = 0;
      }
    }
  }
  const [values, indices] = windowMax(x, sd, cells, out, true);
  return opts.returnIndices ? [values, indices] : values;
}

function readSamples(
  where: string,
  x: Tensor,
  sd: number,
  n: number,
  c: number,
  opts: FractionalMaxPoolOptions,
): Float64Array {
  const rs = opts.randomSamples;
  if (rs === undefined || rs === null) {
    // torch.rand(N, C, sd, dtype=input.dtype): drawn in row-major order
    const g = opts.generator ?? defaultGenerator;
    const f32 = x.dtype !== 'float64';
    const s = new Float64Array(n * c * sd);
    for (let i = 0; i < s.length; i++) s[i] = f32 ? Math.fround(g.random()) : g.random();
    return s;
  }
  if (rs.ndim !== 3 || rs.shape[0] !== n || rs.shape[1] !== c || rs.shape[2] !== sd) {
    throw new RangeError(
      `${where}: expected random samples of shape [${n}, ${c}, ${sd}] for input ${fmtShape(x.shape)}, but got ${fmtShape(rs.shape)}`,
    );
  }
  return Float64Array.from(rs.dataSync(), Number);
}

/**
 * F.fractional_max_pool2d: max over pseudo-randomly placed kernel windows, reaching `outputSize`
 * (or input size × `outputRatio`). (N, C, H_in, W_in) or (C, H_in, W_in) → (N, C, H_out, W_out).
 * @example fractionalMaxPool2d(x, 3, { outputRatio: 0.5 })
 */
export function fractionalMaxPool2d(
  x: Tensor,
  kernelSize: Size,
  opts: FractionalMaxPoolOptions & { returnIndices: true },
): [Tensor, Tensor];
export function fractionalMaxPool2d(x: Tensor, kernelSize: Size, opts: FractionalMaxPoolOptions): Tensor;
export function fractionalMaxPool2d(
  x: Tensor,
  kernelSize: Size,
  opts: FractionalMaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  return fractionalMaxPoolNd('fractional_max_pool2d', 2, x, kernelSize, opts);
}

/**
 * F.fractional_max_pool3d: (N, C, T_in, H_in, W_in) or (C, T_in, H_in, W_in) → (N, C, T_out, H_out, W_out).
 * @example fractionalMaxPool3d(x, 2, { outputSize: [4, 4, 4] })
 */
export function fractionalMaxPool3d(
  x: Tensor,
  kernelSize: Size,
  opts: FractionalMaxPoolOptions & { returnIndices: true },
): [Tensor, Tensor];
export function fractionalMaxPool3d(x: Tensor, kernelSize: Size, opts: FractionalMaxPoolOptions): Tensor;
export function fractionalMaxPool3d(
  x: Tensor,
  kernelSize: Size,
  opts: FractionalMaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  return fractionalMaxPoolNd('fractional_max_pool3d', 3, x, kernelSize, opts);
}
