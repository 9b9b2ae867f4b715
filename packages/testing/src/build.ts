/** Tensors from golden specs: contiguous, or as a genuinely strided view with the same values. */
import { type Device, type Tensor, type TypedArray, tensor } from '@kindling/tensor';
import { decodeNumber, decodeScalar, type GoldenValue, isTensorSpec, type TensorSpec } from './goldens.js';

export function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The spec's values in the TypedArray Kindling uses for its dtype. */
export function typedData(spec: TensorSpec): TypedArray {
  const vals = spec.data.map(decodeNumber);
  switch (spec.dtype) {
    case 'float32':
      return Float32Array.from(vals);
    case 'float64':
      return Float64Array.from(vals);
    case 'int32':
      return Int32Array.from(vals);
    case 'bool':
      return Uint8Array.from(vals, (v) => (v ? 1 : 0));
  }
}

type TypedArrayCtor = new (length: number) => TypedArray;

/** A built tensor input: `value` goes to the op, `leaf` receives `.grad`, `gradOf` maps leaf grad to value-shaped grad. */
export interface BuiltTensor {
  value: Tensor;
  leaf: Tensor;
  gradOf: (g: Tensor) => Tensor;
}

export function specToTensor(spec: TensorSpec, device: Device, requiresGrad = false): Tensor {
  return tensor(typedData(spec), { shape: spec.shape, dtype: spec.dtype, device, requiresGrad });
}

export function buildContiguous(spec: TensorSpec, device: Device, requiresGrad: boolean): BuiltTensor {
  const t = specToTensor(spec, device, requiresGrad);
  return { value: t, leaf: t, gradOf: (g) => g };
}

/**
 * The same values as a non-contiguous view with a non-zero offset: a bigger buffer holding the
 * values transposed (all dims reversed) at odd positions of its last dim, then
 * `slice(-1, 1, end, 2).permute(reversed)`. The unused slots hold NaN / sentinels, so a kernel
 * that ignores strides or offset reads garbage. 0-dim and empty tensors stay contiguous.
 */
export function buildStrided(spec: TensorSpec, device: Device, requiresGrad: boolean): BuiltTensor {
  const shape = spec.shape;
  const n = shape.length;
  const count = numelOf(shape);
  if (n === 0 || count === 0) return buildContiguous(spec, device, requiresGrad);
  const src = typedData(spec);
  const p = [...shape].reverse(); // the permuted (storage-order) shape
  const q = [...p];
  q[n - 1] = 2 * p[n - 1] + 1;
  const Ctor = src.constructor as TypedArrayCtor;
  const base = new Ctor(numelOf(q));
  const sentinel = spec.dtype === 'int32' ? -123456 : spec.dtype === 'bool' ? 1 : Number.NaN;
  base.fill(sentinel as never);
  // row-major strides of the source shape and of q
  const sStr = rowMajorStrides(shape);
  const qStr = rowMajorStrides(q);
  const idx = new Array<number>(n).fill(0);
  for (let k = 0; k < count; k++) {
    // idx is a multi-index into p; the source element is idx reversed
    let srcOff = 0;
    let dstOff = 0;
    for (let d = 0; d < n; d++) {
      srcOff += idx[d] * sStr[n - 1 - d];
      dstOff += (d === n - 1 ? 2 * idx[d] + 1 : idx[d]) * qStr[d];
    }
    base[dstOff] = src[srcOff];
    for (let d = n - 1; d >= 0; d--) {
      if (++idx[d] < p[d]) break;
      idx[d] = 0;
    }
  }
  const leaf = tensor(base, { shape: q, dtype: spec.dtype, device, requiresGrad });
  const rev = p.map((_, i) => n - 1 - i);
  const viewOf = (t: Tensor) => t.slice(n - 1, 1, undefined, 2).permute(rev);
  const value = viewOf(leaf);
  if (count > 1 && value.isContiguous())
    throw new Error(`buildStrided: the view of [${shape.join(', ')}] came out contiguous`);
  return { value, leaf, gradOf: viewOf };
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Built inputs of a sample, with the tensors (in input order, lists flattened) that take gradients. */
export interface BuiltInputs {
  args: unknown[];
  /** Every tensor built, with its spec, in depth-first input order. */
  tensors: { spec: TensorSpec; built: BuiltTensor; path: string }[];
}

export function buildInputs(
  inputs: readonly GoldenValue[],
  device: Device,
  strided: boolean,
  withGrad: boolean,
): BuiltInputs {
  const tensors: BuiltInputs['tensors'] = [];
  const build = (v: GoldenValue, path: string): unknown => {
    if (isTensorSpec(v)) {
      const rg = withGrad && v.requiresGrad;
      const built = strided ? buildStrided(v, device, rg) : buildContiguous(v, device, rg);
      tensors.push({ spec: v, built, path });
      return built.value;
    }
    if (Array.isArray(v)) {
      if (v.some((x) => isTensorSpec(x) || Array.isArray(x)))
        return v.map((x, i) => build(x, `${path}[${i}]`));
      return decodeScalar(v);
    }
    return decodeScalar(v);
  };
  const args = inputs.map((v, i) => build(v, `inputs[${i}]`));
  return { args, tensors };
}

/** Decoded kwargs (no tensors are stored in kwargs). */
export function buildKwargs(kwargs: Record<string, GoldenValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) out[k] = decodeScalar(v);
  return out;
}
