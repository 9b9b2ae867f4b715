/**
 * torch.nn.init: in-place initialisers (trailing underscore), run without recording gradients.
 * Random ones draw from the default generator, or from `generator` when given.
 *
 * @example
 * import { init } from '@kindling/nn-layers';
 * init.kaimingNormal_(conv.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 * init.zeros_(conv.bias);
 */
import { erf, erfinv } from '@kindling/ops';
import { defaultGenerator, Generator, noGrad, type Tensor, tensor } from '@kindling/tensor';

type Gen = Generator | { generator?: Generator } | undefined;

function pickGen(g: Gen): Generator {
  if (g instanceof Generator) return g;
  return g?.generator ?? defaultGenerator;
}

/** Write values (computed row-major in float64) into `t`, converting to its dtype and device. */
function write(t: Tensor, values: Float64Array): Tensor {
  noGrad(() => {
    t.copy_(tensor(values, { shape: t.shape, dtype: 'float64' }));
  });
  return t;
}

function draw(t: Tensor, f: () => number): Tensor {
  const n = t.numel();
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = f();
  return write(t, v);
}

const LINEAR = new Set([
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'convTranspose1d',
  'convTranspose2d',
  'convTranspose3d',
]);

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): linear/conv/sigmoid 1,
 * tanh 5/3, relu √2, leaky_relu √(2/(1+slope²)) (slope `param`, default 0.01), selu 3/4.
 */
export function calculateGain(nonlinearity: string, param?: number | null): number {
  if (LINEAR.has(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2);
  if (nonlinearity === 'leaky_relu' || nonlinearity === 'leakyRelu') {
    if (param === null || param === undefined) return Math.sqrt(2 / (1 + 0.01 ** 2));
    if (typeof param !== 'number') throw new TypeError(`negative_slope ${param} not a valid number`);
    return Math.sqrt(2 / (1 + param ** 2));
  }
  if (nonlinearity === 'selu') return 3 / 4;
  throw new Error(`Unsupported nonlinearity ${nonlinearity}`);
}

/** [fanIn, fanOut] of a weight: size(1)·receptive field and size(0)·receptive field. */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) {
    throw new Error('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  }
  let receptive = 1;
  for (let i = 2; i < t.ndim; i++) receptive *= t.shape[i];
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

type FanMode = 'fan_in' | 'fan_out' | 'fanIn' | 'fanOut';

function correctFan(t: Tensor, mode: FanMode): number {
  const m = mode === 'fanIn' ? 'fan_in' : mode === 'fanOut' ? 'fan_out' : String(mode).toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out')
    throw new Error(`Mode ${mode} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return m === 'fan_in' ? fanIn : fanOut;
}

/** Fill with U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, generator?: Gen): Tensor {
  const g = pickGen(generator);
  return draw(t, () => a + (b - a) * g.random());
}

/** Fill with N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, generator?: Gen): Tensor {
  const g = pickGen(generator);
  return draw(t, () => mean + std * g.normal());
}

export interface TruncNormalOptions {
  mean?: number;
  std?: number;
  a?: number;
  b?: number;
  generator?: Generator;
}

const normCdf = (x: number) => (1 + erf(x / Math.SQRT2)) / 2;

/**
 * Fill with N(mean, std²) truncated to [a, b] (torch.nn.init.trunc_normal_, by the inverse CDF).
 * Accepts PyTorch's positional (mean, std, a, b) or an options object.
 */
export function truncNormal_(
  t: Tensor,
  mean: number | TruncNormalOptions = 0,
  std = 1,
  a = -2,
  b = 2,
  generator?: Gen,
): Tensor {
  let o: TruncNormalOptions = { mean: mean as number, std, a, b };
  let gen = generator;
  if (typeof mean === 'object') {
    o = mean;
    gen = mean.generator;
  }
  const mu = o.mean ?? 0;
  const sd = o.std ?? 1;
  const lo = o.a ?? -2;
  const hi = o.b ?? 2;
  const g = pickGen(gen);
  const l = normCdf((lo - mu) / sd);
  const u = normCdf((hi - mu) / sd);
  return draw(t, () => {
    const x = 2 * l - 1 + (2 * u - 2 * l) * g.random();
    const v = erfinv(x) * sd * Math.SQRT2 + mu;
    return Math.min(Math.max(v, lo), hi);
  });
}

/** Fill with `val`. */
export function constant_(t: Tensor, val: number): Tensor {
  noGrad(() => t.fill_(val));
  return t;
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

/** The identity matrix (2-D tensors only). */
export function eye_(t: Tensor): Tensor {
  if (t.ndim !== 2) throw new Error('Only tensors with 2 dimensions are supported');
  const [r, c] = t.shape;
  const v = new Float64Array(r * c);
  for (let i = 0; i < Math.min(r, c); i++) v[i * c + i] = 1;
  return write(t, v);
}

/** The Dirac delta for 3-, 4- and 5-D convolution weights: convolution with it is the identity per group. */
export function dirac_(t: Tensor, groups = 1): Tensor {
  const nd = t.ndim;
  if (nd < 3 || nd > 5) throw new Error('Only tensors with 3, 4, or 5 dimensions are supported');
  const s = t.shape;
  if (s[0] % groups !== 0) throw new Error('dim 0 must be divisible by groups');
  const outPerGroup = s[0] / groups;
  const minDim = Math.min(outPerGroup, s[1]);
  const strides = s.map((_, i) => s.slice(i + 1).reduce((x, y) => x * y, 1));
  const v = new Float64Array(t.numel());
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < minDim; d++) {
      let at = (g * outPerGroup + d) * strides[0] + d * strides[1];
      for (let k = 2; k < nd; k++) at += Math.floor(s[k] / 2) * strides[k];
      v[at] = 1;
    }
  }
  return write(t, v);
}

type GainArg = number | { gain?: number; generator?: Generator };

function gainOf(gain: GainArg | undefined, generator: Gen): [number, Gen] {
  if (typeof gain === 'object') return [gain.gain ?? 1, gain.generator ?? generator];
  return [gain ?? 1, generator];
}

/** U(-a, a) with a = gain·√(6 / (fanIn + fanOut)) (Glorot). */
export function xavierUniform_(t: Tensor, gain: GainArg = 1, generator?: Gen): Tensor {
  const [gn, gen] = gainOf(gain, generator);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = Math.sqrt(3) * gn * Math.sqrt(2 / (fanIn + fanOut));
  return uniform_(t, -a, a, gen);
}

/** N(0, std²) with std = gain·√(2 / (fanIn + fanOut)) (Glorot). */
export function xavierNormal_(t: Tensor, gain: GainArg = 1, generator?: Gen): Tensor {
  const [gn, gen] = gainOf(gain, generator);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gn * Math.sqrt(2 / (fanIn + fanOut)), gen);
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). Default 0. */
  a?: number;
  mode?: FanMode;
  nonlinearity?: string;
  generator?: Generator;
}

function kaimingArgs(a: number | KaimingOptions, mode: FanMode, nonlinearity: string, generator: Gen) {
  if (typeof a === 'object') {
    return {
      a: a.a ?? 0,
      mode: a.mode ?? 'fan_in',
      nonlinearity: a.nonlinearity ?? 'leaky_relu',
      gen: a.generator as Gen,
    };
  }
  return { a, mode, nonlinearity, gen: generator };
}

/** U(-bound, bound) with bound = gain·√(3 / fan) (He). PyTorch's positional (a, mode, nonlinearity) or an options object. */
export function kaimingUniform_(
  t: Tensor,
  a: number | KaimingOptions = 0,
  mode: FanMode = 'fan_in',
  nonlinearity = 'leaky_relu',
  generator?: Gen,
): Tensor {
  if (t.shape.includes(0)) return t;
  const o = kaimingArgs(a, mode, nonlinearity, generator);
  const std = calculateGain(o.nonlinearity, o.a) / Math.sqrt(correctFan(t, o.mode));
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound, o.gen);
}

/** N(0, std²) with std = gain / √fan (He). */
export function kaimingNormal_(
  t: Tensor,
  a: number | KaimingOptions = 0,
  mode: FanMode = 'fan_in',
  nonlinearity = 'leaky_relu',
  generator?: Gen,
): Tensor {
  if (t.shape.includes(0)) return t;
  const o = kaimingArgs(a, mode, nonlinearity, generator);
  const std = calculateGain(o.nonlinearity, o.a) / Math.sqrt(correctFan(t, o.mode));
  return normal_(t, 0, std, o.gen);
}

/** A (semi-)orthogonal matrix times `gain`, over the tensor flattened to [size(0), rest]. */
export function orthogonal_(t: Tensor, gain: GainArg = 1, generator?: Gen): Tensor {
  if (t.ndim < 2) throw new Error('Only tensors with 2 or more dimensions are supported');
  if (t.numel() === 0) return t;
  const [gn, gen] = gainOf(gain, generator);
  const g = pickGen(gen);
  const rows = t.shape[0];
  const cols = t.numel() / rows;
  const flat = new Float64Array(rows * cols);
  for (let i = 0; i < flat.length; i++) flat[i] = g.normal();
  // QR of the tall orientation (m >= n), Q with a positive diagonal of R (= PyTorch's q * sign(diag r))
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const at = (i: number, j: number) => (tall ? flat[i * cols + j] : flat[j * cols + i]);
  const q: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = at(i, j);
    // modified Gram-Schmidt, twice for orthogonality to working precision
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let d = 0;
        for (let i = 0; i < m; i++) d += u[i] * v[i];
        for (let i = 0; i < m; i++) v[i] -= d * u[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) v[i] = norm > 0 ? v[i] / norm : 0;
    q.push(v);
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gn * (tall ? q[c][r] : q[r][c]);
  }
  return write(t, out);
}

/** Normal(0, std²) with a fraction `sparsity` of each column set to zero (2-D only). */
export function sparse_(t: Tensor, sparsity: number, std = 0.01, generator?: Gen): Tensor {
  if (t.ndim !== 2) throw new Error('Only tensors with 2 dimensions are supported');
  const g = pickGen(generator);
  const [rows, cols] = t.shape;
  const numZeros = Math.ceil(sparsity * rows);
  const v = new Float64Array(rows * cols);
  for (let i = 0; i < v.length; i++) v[i] = std * g.normal();
  for (let c = 0; c < cols; c++) {
    const perm = Array.from({ length: rows }, (_, i) => i);
    for (let i = rows - 1; i > 0; i--) {
      const j = Math.floor(g.random() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    for (let k = 0; k < numZeros; k++) v[perm[k] * cols + c] = 0;
  }
  return write(t, v);
}
