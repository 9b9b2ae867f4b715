/**
 * The op-level PyTorch goldens in ../goldens/ops, written by scripts/goldens/generate.py.
 * Tests only read them (CI has no Python).
 */
import { readFileSync } from 'node:fs';

export type GoldenDType = 'float32' | 'float64' | 'int32' | 'bool';

/** A flat value as stored: numbers, booleans, or "nan" / "inf" / "-inf". */
export type GoldenNumber = number | boolean | 'nan' | 'inf' | '-inf';

export interface TensorSpec {
  shape: number[];
  dtype: GoldenDType;
  data: GoldenNumber[];
  requiresGrad: boolean;
}

/** An input: a tensor, a number / bool / null / string, or a list of those (shapes, tensor lists). */
export type GoldenValue = TensorSpec | GoldenNumber | string | null | GoldenValue[];

export interface ValueSample {
  name: string;
  inputs: GoldenValue[];
  kwargs: Record<string, GoldenValue>;
  out: TensorSpec | TensorSpec[];
  gradOut: TensorSpec | (TensorSpec | null)[] | null;
  /** Per input: the expected `.grad` (a list for a tensor-list input), null where none. */
  grads: (TensorSpec | (TensorSpec | null)[] | null)[] | null;
  /** A float64 sample away from kinks, for gradcheck. */
  gradcheck?: boolean;
}

export interface ErrorSample {
  name: string;
  inputs: GoldenValue[];
  kwargs: Record<string, GoldenValue>;
  /** A substring of PyTorch's message (Kindling prefixes it with the op name). */
  error: string;
}

export type Sample = ValueSample | ErrorSample;

export interface GoldenFile {
  op: string;
  samples: Sample[];
}

export interface GoldenIndex {
  torch: string;
  ops: string[];
}

const GOLDEN_DIR = new URL('../goldens/ops/', import.meta.url);

export function isErrorSample(s: Sample): s is ErrorSample {
  return (s as ErrorSample).error !== undefined;
}

export function isTensorSpec(v: unknown): v is TensorSpec {
  return (
    !!v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Array.isArray((v as TensorSpec).shape) &&
    'dtype' in v
  );
}

/** The ops that have a golden file, in generation order. */
export function goldenIndex(): GoldenIndex {
  return JSON.parse(readFileSync(new URL('index.json', GOLDEN_DIR), 'utf8')) as GoldenIndex;
}

const cache = new Map<string, GoldenFile>();

export function loadGolden(op: string): GoldenFile {
  let g = cache.get(op);
  if (!g) {
    g = JSON.parse(readFileSync(new URL(`${op}.json`, GOLDEN_DIR), 'utf8')) as GoldenFile;
    cache.set(op, g);
  }
  return g;
}

/** A stored number as a JS number ("nan" / "inf" / "-inf" decoded, booleans as 0 / 1). */
export function decodeNumber(v: GoldenNumber): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  throw new TypeError(`golden: not a number: ${JSON.stringify(v)}`);
}

/** A non-tensor argument as the Kindling call takes it ("inf" -> Infinity; other strings kept). */
export function decodeScalar(v: GoldenValue): unknown {
  if (v === 'nan' || v === 'inf' || v === '-inf') return decodeNumber(v);
  if (Array.isArray(v)) return v.map(decodeScalar);
  return v;
}
