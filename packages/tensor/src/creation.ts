import { type Device, type DType, arrayTypeFor, fmtShape, type TypedArray } from '@kindling/ops';
import { fromTypedArray } from './creation-core.js';
import { allocTensor, runKernel } from './dispatch.js';
import { defaultGenerator, type Generator } from './random.js';
import { getBackend } from './registry.js';
import type { Tensor } from './tensor.js';

export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

export interface FromDataOptions extends TensorOptions {
  /** Required with TypedArray data. */
  shape?: readonly number[];
}

export type NestedData = number | boolean | readonly NestedData[];

function finish(t: Tensor, opts: TensorOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

function inferFromTyped(data: TypedArray): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'bool';
  if (data instanceof Uint16Array) return 'float16';
  return 'float32';
}

function flattenNested(data: NestedData): {
  flat: number[];
  shape: number[];
  kind: 'bool' | 'int' | 'float';
} {
  const shape: number[] = [];
  let probe: NestedData = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = (probe as readonly NestedData[])[0];
    if (probe === undefined) break;
  }
  const flat: number[] = [];
  let kind: 'bool' | 'int' | 'float' | null = null;
  const walk = (v: NestedData, d: number) => {
    if (d === shape.length) {
      if (Array.isArray(v))
        throw new RangeError(`tensor: ragged nested data (expected a number at depth ${d})`);
      if (typeof v === 'boolean') {
        kind = kind ?? 'bool';
        flat.push(v ? 1 : 0);
      } else if (typeof v === 'number') {
        // integers beyond int32 (PyTorch would use int64) become float32 rather than wrapping
        const int = Number.isInteger(v) && Math.abs(v) <= 2147483647;
        kind = !int ? 'float' : kind === 'float' ? 'float' : 'int';
        flat.push(v);
      } else throw new TypeError(`tensor: expected numbers or booleans, got ${typeof v}`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new RangeError(
        `tensor: expected sequence of length ${shape[d]} at dim ${d} (got ${Array.isArray(v) ? v.length : typeof v})`,
      );
    }
    for (const c of v) walk(c, d + 1);
  };
  walk(data, 0);
  return { flat, shape, kind: kind ?? 'float' };
}

/**
 * torch.tensor: from a number, a nested array of numbers/booleans, or a TypedArray with
 * `opts.shape`. Integer data gives int32, other numbers float32, booleans bool.
 */
export function tensor(data: NestedData | TypedArray, opts: FromDataOptions = {}): Tensor {
  const device = opts.device ?? 'cpu';
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    const shape = opts.shape ?? [typed.length];
    const dtype = opts.dtype ?? inferFromTyped(typed);
    return finish(fromTypedArray(typed, shape, dtype, device), opts);
  }
  const { flat, shape, kind } = flattenNested(data as NestedData);
  if (opts.shape && opts.shape.reduce((a, b) => a * b, 1) !== flat.length) {
    throw new RangeError(`tensor: ${flat.length} values cannot fill shape ${fmtShape(opts.shape)}`);
  }
  const dtype = opts.dtype ?? (kind === 'bool' ? 'bool' : kind === 'int' ? 'int32' : 'float32');
  const arr = dtype === 'float16' ? Float32Array.from(flat) : arrayTypeFor(dtype).from(flat);
  return finish(fromTypedArray(arr, opts.shape ?? shape, dtype, device), opts);
}

type SizeArgs = readonly [readonly number[], TensorOptions?] | readonly number[];

/** PyTorch accepts zeros(2, 3) and zeros([2, 3]); both work here, options last. */
function parseSize(args: readonly unknown[]): { shape: number[]; opts: TensorOptions } {
  if (Array.isArray(args[0]))
    return { shape: [...(args[0] as number[])], opts: (args[1] as TensorOptions) ?? {} };
  const nums: number[] = [];
  let opts: TensorOptions = {};
  for (const a of args) {
    if (typeof a === 'number') nums.push(a);
    else if (a && typeof a === 'object') opts = a as TensorOptions;
  }
  for (const n of nums) {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`Trying to create tensor with negative dimension ${n}: ${fmtShape(nums)}`);
  }
  return { shape: nums, opts };
}

export function full(shape: readonly number[], value: number | boolean, opts: TensorOptions = {}): Tensor {
  // like torch.full, the fill value picks the dtype: bool, integer (int32) or float32
  const dtype =
    opts.dtype ??
    (typeof value === 'boolean'
      ? 'bool'
      : Number.isInteger(value) && Math.abs(value) <= 2147483647
        ? 'int32'
        : 'float32');
  const backend = getBackend(opts.device ?? 'cpu');
  const t = allocTensor(backend, [...shape], dtype);
  runKernel(backend, 'fill', [t], [], { value: Number(value) });
  return finish(t, opts);
}

export function zeros(...args: SizeArgs | unknown[]): Tensor {
  const { shape, opts } = parseSize(args);
  return full(shape, 0, { ...opts, dtype: opts.dtype ?? 'float32' });
}

export function ones(...args: SizeArgs | unknown[]): Tensor {
  const { shape, opts } = parseSize(args);
  return full(shape, 1, { ...opts, dtype: opts.dtype ?? 'float32' });
}

/** Uninitialised memory in PyTorch; zero-filled here so results never depend on stale data. */
export function empty(...args: SizeArgs | unknown[]): Tensor {
  const { shape, opts } = parseSize(args);
  return full(shape, 0, { ...opts, dtype: opts.dtype ?? 'float32' });
}

function likeOpts(t: Tensor, opts: TensorOptions): TensorOptions {
  return { dtype: opts.dtype ?? t.dtype, device: opts.device ?? t.device, requiresGrad: opts.requiresGrad };
}

export const zerosLike = (t: Tensor, opts: TensorOptions = {}) => full(t.shape, 0, likeOpts(t, opts));
export const onesLike = (t: Tensor, opts: TensorOptions = {}) => full(t.shape, 1, likeOpts(t, opts));
export const emptyLike = zerosLike;
export const fullLike = (t: Tensor, value: number, opts: TensorOptions = {}) =>
  full(t.shape, value, likeOpts(t, opts));

/** torch.arange(end) / arange(start, end, step). Integer arguments give int32, as PyTorch gives int64. */
export function arange(
  start: number,
  end?: number | TensorOptions,
  step?: number | TensorOptions,
  opts?: TensorOptions,
): Tensor {
  let s = start;
  let e: number;
  let st = 1;
  let o: TensorOptions = {};
  if (typeof end !== 'number') {
    e = start;
    s = 0;
    o = (end as TensorOptions) ?? {};
  } else {
    e = end;
    if (typeof step === 'number') {
      st = step;
      o = opts ?? {};
    } else o = (step as TensorOptions) ?? {};
  }
  if (st === 0) throw new RangeError('arange: step must be nonzero');
  if ((e - s) / st < 0)
    throw new RangeError('arange: upper bound and larger bound inconsistent with step sign');
  const n = Math.max(0, Math.ceil((e - s) / st));
  const allInt = Number.isInteger(s) && Number.isInteger(e) && Number.isInteger(st);
  const dtype = o.dtype ?? (allInt ? 'int32' : 'float32');
  const data =
    dtype === 'float64' || dtype === 'float32' || dtype === 'float16'
      ? new Float64Array(n)
      : new Int32Array(n);
  for (let i = 0; i < n; i++) data[i] = s + i * st;
  return tensor(dtype === 'float64' || dtype === 'int32' ? data : Float32Array.from(data), {
    shape: [n],
    dtype,
    device: o.device,
    requiresGrad: o.requiresGrad,
  });
}

export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  if (steps < 0) throw new RangeError('linspace: number of steps must be non-negative');
  const data = new Float64Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the first half from start and the second half from end (symmetric rounding)
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++)
    data[i] = i < half || steps === 1 ? start + step * i : end - step * (steps - 1 - i);
  const dtype = opts.dtype ?? 'float32';
  return tensor(dtype === 'float64' ? data : Float32Array.from(data), { ...opts, shape: [steps], dtype });
}

export function eye(n: number, m?: number | TensorOptions, opts: TensorOptions = {}): Tensor {
  const cols = typeof m === 'number' ? m : n;
  if (n < 0) throw new RangeError(`eye: n must be greater or equal to 0, got ${n}`);
  if (cols < 0) throw new RangeError(`eye: m must be greater or equal to 0, got ${cols}`);
  const o = typeof m === 'object' ? m : opts;
  const dtype = o.dtype ?? 'float32';
  const data = new Float64Array(n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) data[i * cols + i] = 1;
  return tensor(arrayTypeFor(dtype === 'float16' ? 'float32' : dtype).from(data), {
    ...o,
    shape: [n, cols],
    dtype,
  });
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

function randomTensor(shape: readonly number[], opts: RandomOptions, draw: (g: Generator) => number): Tensor {
  const g = opts.generator ?? defaultGenerator;
  const n = shape.reduce((a, b) => a * b, 1);
  const dtype = opts.dtype ?? 'float32';
  const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = draw(g);
  return tensor(data, { shape, dtype, device: opts.device, requiresGrad: opts.requiresGrad });
}

/** Uniform in [0, 1). */
export function rand(...args: unknown[]): Tensor {
  const { shape, opts } = parseSize(args);
  return randomTensor(shape, opts as RandomOptions, (g) => g.random());
}

/** Standard normal. */
export function randn(...args: unknown[]): Tensor {
  const { shape, opts } = parseSize(args);
  return randomTensor(shape, opts as RandomOptions, (g) => g.normal());
}

/** torch.randint(low, high, size): int32 by default. */
export function randint(
  low: number,
  high: number | readonly number[],
  size?: readonly number[] | RandomOptions,
  opts: RandomOptions = {},
): Tensor {
  let lo = low;
  let hi: number;
  let shape: readonly number[];
  let o = opts;
  if (Array.isArray(high)) {
    lo = 0;
    hi = low;
    shape = high;
    o = (size as RandomOptions) ?? {};
  } else {
    hi = high as number;
    shape = size as readonly number[];
  }
  if (hi <= lo)
    throw new RangeError(`random_ expects 'from' to be less than 'to', but got from=${lo} >= to=${hi}`);
  const g = o.generator ?? defaultGenerator;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Int32Array(n);
  for (let i = 0; i < n; i++) data[i] = g.integer(lo, hi);
  const t = tensor(data, { shape, dtype: 'int32', device: o.device });
  return o.dtype && o.dtype !== 'int32' ? t.to(o.dtype) : t;
}

export const randLike = (t: Tensor, opts: RandomOptions = {}) =>
  rand(t.shape, { ...likeOpts(t, opts), generator: opts.generator });
export const randnLike = (t: Tensor, opts: RandomOptions = {}) =>
  randn(t.shape, { ...likeOpts(t, opts), generator: opts.generator });

/** torch.bernoulli(p) with a probability tensor: 1 with probability p. */
export function bernoulli(p: Tensor, generator?: Generator): Tensor {
  return rand(p.shape, { dtype: p.dtype, device: p.device, generator }).lt(p).to(p.dtype);
}
