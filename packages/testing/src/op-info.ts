/**
 * OP_INFO: how each golden op is called through Kindling's public API, with its tolerances and
 * typed skips. A golden sample's `inputs` are the call's positional arguments and its `kwargs`
 * the trailing options object (omitted when empty).
 */
import * as api from '@kindling/tensor';
import type { Device } from '@kindling/tensor';
import type { GoldenDType } from './goldens.js';
import type { ToleranceOverrides } from './compare.js';

/** The checks the suite runs per sample. */
export type Check = 'forward' | 'backward' | 'noncontiguous' | 'error' | 'gradcheck';

/** A typed skip: every given field must match; `reason` is printed with the skipped test. */
export interface SkipRule {
  reason: string;
  device?: Device | readonly Device[];
  /** Matches when any tensor input or expected output has this dtype. */
  dtype?: GoldenDType | readonly GoldenDType[];
  /** A sample name, or a pattern over sample names. */
  sample?: string | RegExp;
  check?: Check | readonly Check[];
}

export interface CallContext {
  device: Device;
}

export type OpCall = (args: unknown[], kwargs: Record<string, unknown>, ctx: CallContext) => unknown;

export interface OpInfo {
  call: OpCall;
  /** How the op is reached: 'method' x.op(...), 'function' op(...), 'creation' op(..., { device }). */
  kind: 'method' | 'function' | 'creation';
  /** Loosened tolerances (forward). */
  tol?: ToleranceOverrides;
  /** Loosened tolerances for gradients (defaults to tol times GRAD_TOLERANCE_FACTOR). */
  gradTol?: ToleranceOverrides;
  skip?: SkipRule[];
}

/** Thrown when the API under test lacks a function or method (reported as a failure, not a skip). */
export class MissingApiError extends Error {
  override name = 'MissingApiError';
}

const withOpts = (kw: Record<string, unknown>): unknown[] => (Object.keys(kw).length ? [kw] : []);

type AnyFn = (...a: unknown[]) => unknown;

function methodOf(self: unknown, name: string): AnyFn {
  const f = self && typeof self === 'object' ? (self as Record<string, unknown>)[name] : undefined;
  if (typeof f !== 'function') throw new MissingApiError(`Tensor.${name}() is not implemented`);
  return (f as AnyFn).bind(self);
}

function functionOf(name: string): AnyFn {
  const f = (api as unknown as Record<string, unknown>)[name];
  if (typeof f !== 'function') throw new MissingApiError(`@kindling/tensor does not export ${name}()`);
  return f as AnyFn;
}

/** x.name(...rest, options?) */
export function method(name: string, extra: Partial<OpInfo> = {}): OpInfo {
  return {
    kind: 'method',
    call: ([self, ...rest], kw) => methodOf(self, name)(...rest, ...withOpts(kw)),
    ...extra,
  };
}

/** name(...args, options?) from @kindling/tensor */
export function fn(name: string, extra: Partial<OpInfo> = {}): OpInfo {
  return { kind: 'function', call: (args, kw) => functionOf(name)(...args, ...withOpts(kw)), ...extra };
}

/** name(...args, { ...options, device }) from @kindling/tensor */
export function creation(name: string, extra: Partial<OpInfo> = {}): OpInfo {
  return {
    kind: 'creation',
    call: (args, kw, ctx) => functionOf(name)(...args, { ...kw, device: ctx.device }),
    ...extra,
  };
}

/** Skips for every op. */
export const GLOBAL_SKIPS: SkipRule[] = [
  { device: 'webgpu', dtype: 'float64', reason: 'WebGPU has no float64' },
];

const UNARY = [
  'neg',
  'abs',
  'sign',
  'exp',
  'exp2',
  'log',
  'log2',
  'log10',
  'log1p',
  'expm1',
  'sqrt',
  'rsqrt',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'tanh',
  'asinh',
  'acosh',
  'atanh',
  'sigmoid',
  'erf',
  'erfc',
  'erfinv',
  'floor',
  'ceil',
  'round',
  'trunc',
  'frac',
  'reciprocal',
  'relu',
  'logicalNot',
  'isnan',
  'isinf',
  'isfinite',
  'square',
] as const;

const BINARY = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'atan2',
  'remainder',
  'fmod',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'logicalAnd',
  'logicalOr',
  'logicalXor',
] as const;

const REDUCTIONS = [
  'sum',
  'mean',
  'prod',
  'amax',
  'amin',
  'argmax',
  'argmin',
  'logsumexp',
  'all',
  'any',
  'max',
  'min',
  'var',
  'std',
  'norm',
  'cumsum',
  'cumprod',
] as const;

const SHAPE_METHODS = [
  'reshape',
  'view',
  'permute',
  'transpose',
  't',
  'expand',
  'narrow',
  'squeeze',
  'unsqueeze',
  'flatten',
  'unflatten',
  'contiguous',
  'flip',
  'roll',
  'tril',
  'triu',
  'repeat',
  'tile',
  'split',
  'chunk',
] as const;

const INDEX_METHODS = ['indexSelect', 'gather', 'scatter', 'scatterAdd', 'indexAdd', 'maskedSelect'] as const;

const NN_FUNCTIONS = [
  'conv1d',
  'conv2d',
  'conv3d',
  'convTranspose1d',
  'convTranspose2d',
  'convTranspose3d',
  'maxPool1d',
  'maxPool2d',
  'maxPool3d',
  'avgPool1d',
  'avgPool2d',
  'avgPool3d',
] as const;

function table(): Record<string, OpInfo> {
  const t: Record<string, OpInfo> = {};
  for (const n of UNARY) t[n] = method(n);
  for (const n of BINARY) t[n] = method(n);
  for (const n of REDUCTIONS) t[n] = method(n);
  for (const n of SHAPE_METHODS) t[n] = method(n);
  t.view = method('view', {
    skip: [
      {
        check: 'noncontiguous',
        sample: /^(f32_2d|f32_infer|f32_flat|f64|i32|bool)$/,
        reason: 'the strided input cannot be viewed with the requested shape (PyTorch raises too)',
      },
    ],
  });
  for (const n of INDEX_METHODS) t[n] = method(n);
  for (const n of NN_FUNCTIONS) t[n] = fn(n, { tol: { float32: { atol: 3e-5, rtol: 3e-5 } } });
  for (const n of ['arange', 'linspace', 'eye', 'full', 'zeros', 'ones']) t[n] = creation(n);

  // float32 transcendental kernels: a few ulps
  for (const n of [
    'erfinv',
    'tan',
    'exp2',
    'sinh',
    'cosh',
    'expm1',
    'acosh',
    'atanh',
    'asin',
    'acos',
    'erfc',
  ]) {
    t[n] = method(n, { tol: { float32: { rtol: 3e-5 }, float64: { rtol: 1e-6, atol: 1e-7 } } });
  }
  t.pow = method('pow', { tol: { float32: { rtol: 3e-5 } } });

  t.clamp = method('clamp');
  t.nanToNum = method('nanToNum');
  t.lerp = method('lerp');
  t.maskedFill = method('maskedFill');
  t.where = fn('where');
  t.cat = fn('cat');
  t.stack = fn('stack');
  t.oneHot = fn('oneHot', {
    skip: [
      {
        device: 'webgpu',
        sample: /^(inferred|minus1_inferred|too_big|negative)$/,
        reason: 'inferring numClasses and checking class ranges read the values synchronously (cpu only)',
      },
    ],
  });
  t.maskedSelect = method('maskedSelect', {
    skip: [
      { device: 'webgpu', reason: 'the output size depends on the mask: on webgpu use maskedSelectAsync' },
    ],
  });
  t.pad = fn('pad');
  t.softmax = method('softmax');
  t.logSoftmax = method('logSoftmax');
  t.logsumexp = method('logsumexp');
  for (const n of ['matmul', 'mm', 'bmm', 'outer', 'dot', 'mv']) t[n] = method(n);
  t.addmm = fn('addmm');
  return t;
}

export const OP_INFO: Record<string, OpInfo> = table();
