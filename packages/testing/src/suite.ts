/**
 * runOpSuite(device): the OpInfo-style suite over the PyTorch goldens, as vitest tests.
 *
 * Per op (describe) and per sample (it):
 *   - `forward`: values, shape and dtype of every output;
 *   - `backward`: `sum_i (out_i * gradOut_i).sum()` backward, then each input's `.grad`;
 *   - `noncontiguous`: forward and backward again with every tensor input built as a strided,
 *     offset view (same values), gradients read through the same view of the leaf's `.grad`;
 *   - `throws` (error samples): the call throws, its message contains PyTorch's wording, and
 *     the inputs are unchanged;
 *   - `gradcheck` (float64 samples away from kinks): finite differences vs backward.
 */
import { gradcheck, type GradcheckTensor } from '@kindling/autograd';
import type { Device, Tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import { type BuiltInputs, buildInputs, buildKwargs, specToTensor } from './build.js';
import { allZero, diffTensor, GRAD_TOLERANCE_FACTOR, type Tolerance, toleranceFor } from './compare.js';
import {
  type ErrorSample,
  type GoldenDType,
  type GoldenValue,
  goldenIndex,
  isErrorSample,
  isTensorSpec,
  loadGolden,
  type Sample,
  type TensorSpec,
  type ValueSample,
} from './goldens.js';
import { type Check, GLOBAL_SKIPS, OP_INFO, type OpInfo, type SkipRule } from './op-info.js';

export interface OpSuiteOptions {
  /** Only these ops (names or a predicate). */
  ops?: readonly string[] | ((op: string) => boolean);
  /** Extra skips (e.g. a backend's known gaps), on top of GLOBAL_SKIPS and each op's own. */
  skip?: SkipRule[];
  /** Which checks to run (default: all). */
  checks?: readonly Check[];
}

const ALL_CHECKS: readonly Check[] = ['forward', 'backward', 'noncontiguous', 'error', 'gradcheck'];

function isTensor(x: unknown): x is Tensor {
  return !!x && typeof x === 'object' && (x as { _isTensor?: boolean })._isTensor === true;
}

function specDtypes(v: unknown, out: Set<GoldenDType>): Set<GoldenDType> {
  if (isTensorSpec(v)) out.add(v.dtype);
  else if (Array.isArray(v)) for (const x of v) specDtypes(x, out);
  return out;
}

function asList<T>(v: T | T[] | readonly T[]): T[] {
  return Array.isArray(v) ? [...v] : [v as T];
}

/** The skip reason for a test, or null. */
export function skipReason(
  rules: readonly SkipRule[],
  device: Device,
  check: Check,
  sample: Sample,
): string | null {
  const dtypes = specDtypes(sample.inputs, new Set());
  if (!isErrorSample(sample)) specDtypes(sample.out, dtypes);
  for (const r of rules) {
    if (r.device !== undefined && !asList(r.device).includes(device)) continue;
    if (r.check !== undefined && !asList(r.check).includes(check)) continue;
    if (r.dtype !== undefined && !asList(r.dtype).some((d) => dtypes.has(d))) continue;
    if (r.sample !== undefined) {
      if (typeof r.sample === 'string' ? r.sample !== sample.name : !r.sample.test(sample.name)) continue;
    }
    return r.reason;
  }
  return null;
}

/** The outputs of a call as a list, checked against the golden's arity. */
function outputsOf(out: unknown, expected: ValueSample['out']): Tensor[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(out))
      throw new Error(
        `expected ${expected.length} outputs (an array), got ${isTensor(out) ? 'one Tensor' : String(out)}`,
      );
    if (out.length !== expected.length)
      throw new Error(`expected ${expected.length} outputs, got ${out.length}`);
    return out as Tensor[];
  }
  if (Array.isArray(out)) throw new Error(`expected one Tensor, got an array of ${out.length}`);
  return [out as Tensor];
}

/** Pairs each built tensor (depth-first, as buildInputs walks) with its expected grad. */
function expectedGrads(sample: ValueSample): Map<string, TensorSpec | null> {
  const m = new Map<string, TensorSpec | null>();
  const walk = (v: GoldenValue, g: unknown, path: string) => {
    if (isTensorSpec(v)) m.set(path, isTensorSpec(g) ? g : null);
    else if (Array.isArray(v) && v.some((x) => isTensorSpec(x) || Array.isArray(x))) {
      for (let i = 0; i < v.length; i++) walk(v[i], Array.isArray(g) ? g[i] : null, `${path}[${i}]`);
    }
  };
  for (let i = 0; i < sample.inputs.length; i++)
    walk(sample.inputs[i], sample.grads ? sample.grads[i] : null, `inputs[${i}]`);
  return m;
}

function hasGrads(sample: ValueSample): boolean {
  return !!sample.grads && sample.grads.some((g) => g !== null) && sample.gradOut !== null;
}

async function fail(problems: (string | null)[]): Promise<void> {
  const p = problems.filter((x): x is string => x !== null);
  if (p.length) throw new Error(p.join('\n'));
}

/** Forward (and optionally backward) of one value sample; throws describing every mismatch. */
export async function checkValueSample(
  info: OpInfo,
  sample: ValueSample,
  device: Device,
  opts: { strided: boolean; backward: boolean },
): Promise<void> {
  const withGrad = opts.backward && hasGrads(sample);
  const built: BuiltInputs = buildInputs(sample.inputs, device, opts.strided, withGrad);
  const out = info.call(built.args, buildKwargs(sample.kwargs), { device });
  const outs = outputsOf(out, sample.out);
  const expOuts = asList(sample.out);
  const tol = (d: GoldenDType): Tolerance => toleranceFor(d, info.tol);
  const problems: (string | null)[] = [];
  for (let i = 0; i < outs.length; i++) {
    problems.push(
      await diffTensor(outs[i], expOuts[i], tol(expOuts[i].dtype), expOuts.length > 1 ? `out[${i}]` : 'out'),
    );
  }
  if (!withGrad) return fail(problems);
  await fail(problems);

  const gradOuts = asList(sample.gradOut as TensorSpec | (TensorSpec | null)[]);
  let loss: Tensor | null = null;
  for (let i = 0; i < outs.length; i++) {
    const g = gradOuts[i];
    if (!g) continue;
    const term = outs[i].mul(specToTensor(g, device)).sum();
    loss = loss ? loss.add(term) : term;
  }
  if (!loss) throw new Error('golden has grads but no gradOut');
  loss.backward();
  const want = expectedGrads(sample);
  const gtol = (d: GoldenDType): Tolerance =>
    info.gradTol ? toleranceFor(d, info.gradTol) : toleranceFor(d, info.tol, GRAD_TOLERANCE_FACTOR);
  for (const { built: b, path, spec } of built.tensors) {
    const w = want.get(path);
    if (!w || !spec.requiresGrad) continue;
    const g = b.leaf.grad;
    if (!g) {
      if (!allZero(w)) problems.push(`grad of ${path}: null (no gradient reached the input)`);
      continue;
    }
    problems.push(await diffTensor(b.gradOf(g), w, gtol(w.dtype), `grad of ${path}`));
  }
  return fail(problems);
}

/** An error sample: throws with the expected wording and leaves its inputs unchanged. */
export async function checkErrorSample(info: OpInfo, sample: ErrorSample, device: Device): Promise<void> {
  const built = buildInputs(sample.inputs, device, false, false);
  let error: unknown;
  let threw = false;
  try {
    const r = info.call(built.args, buildKwargs(sample.kwargs), { device });
    if (r && typeof (r as Promise<unknown>).then === 'function') await r;
  } catch (e) {
    threw = true;
    error = e;
  }
  if (!threw) throw new Error(`did not throw (expected an error containing ${JSON.stringify(sample.error)})`);
  const msg = error instanceof Error ? error.message : String(error);
  if (!msg.includes(sample.error)) {
    throw new Error(`error message ${JSON.stringify(msg)} does not contain ${JSON.stringify(sample.error)}`);
  }
  const problems: (string | null)[] = [];
  for (const { built: b, spec, path } of built.tensors) {
    problems.push(await diffTensor(b.value, spec, { rtol: 0, atol: 0 }, `input ${path} after the error`));
  }
  await fail(problems);
}

/** gradcheck on a float64 sample: all float inputs with requiresGrad are perturbed. */
export async function checkGradcheck(info: OpInfo, sample: ValueSample, device: Device): Promise<void> {
  const built = buildInputs(sample.inputs, device, false, true);
  const leaves = built.tensors.filter((x) => x.spec.requiresGrad).map((x) => x.built.leaf);
  const kwargs = buildKwargs(sample.kwargs);
  const slot = new Map<Tensor, number>(leaves.map((l, i) => [l, i]));
  const substitute = (v: unknown, ts: readonly Tensor[]): unknown => {
    if (isTensor(v)) return slot.has(v) ? ts[slot.get(v) as number] : v;
    if (Array.isArray(v)) return v.map((x) => substitute(x, ts));
    return v;
  };
  const f = (...ts: Tensor[]): Tensor => {
    const out = info.call(
      built.args.map((a) => substitute(a, ts)),
      kwargs,
      { device },
    );
    const floats = (Array.isArray(out) ? (out as Tensor[]) : [out as Tensor]).filter((o) =>
      o.isFloatingPoint(),
    );
    if (floats.length === 1) return floats[0];
    const flat = floats.map((o) => o.reshape([-1]));
    let acc = flat[0];
    for (let i = 1; i < flat.length; i++) acc = joinFlat(acc, flat[i]);
    return acc;
  };
  await gradcheck(
    f as unknown as (...x: GradcheckTensor[]) => GradcheckTensor,
    leaves as unknown as GradcheckTensor[],
    {
      eps: 1e-6,
      atol: 1e-5,
      rtol: 1e-3,
    },
  );
}

/** Concatenation of two 1-D tensors through ops every backend has (pad + add). */
function joinFlat(a: Tensor, b: Tensor): Tensor {
  const na = a.shape[0];
  const nb = b.shape[0];
  return a.constantPad([0, nb], 0).add(b.constantPad([na, 0], 0));
}

type Register = (name: string, fn: () => Promise<void>) => void;

/** Registers the suite for `device` (the backend must be registered by the caller's setup). */
export function runOpSuite(device: Device, options: OpSuiteOptions = {}): void {
  const index = goldenIndex();
  const wanted = (op: string) =>
    !options.ops ? true : typeof options.ops === 'function' ? options.ops(op) : options.ops.includes(op);
  const checks = new Set(options.checks ?? ALL_CHECKS);

  describe(`op suite on ${device} (PyTorch ${index.torch} goldens)`, () => {
    it('OP_INFO and the goldens cover the same ops', () => {
      const missingInfo = index.ops.filter((o) => !OP_INFO[o]);
      const missingGolden = Object.keys(OP_INFO).filter((o) => !index.ops.includes(o));
      expect({ missingInfo, missingGolden }).toEqual({ missingInfo: [], missingGolden: [] });
    });

    for (const op of index.ops) {
      if (!wanted(op)) continue;
      const info = OP_INFO[op];
      if (!info) continue;
      const rules = [...(options.skip ?? []), ...(info.skip ?? []), ...GLOBAL_SKIPS];
      describe(op, () => {
        for (const sample of loadGolden(op).samples) {
          const reg =
            (check: Check): Register =>
            (name, fn) => {
              if (!checks.has(check)) return;
              const why = skipReason(rules, device, check, sample);
              if (why) it.skip(`${name} [skipped: ${why}]`, fn);
              else it(name, fn);
            };
          if (isErrorSample(sample)) {
            reg('error')(`${sample.name} throws`, () => checkErrorSample(info, sample, device));
            continue;
          }
          reg('forward')(`${sample.name} forward`, () =>
            checkValueSample(info, sample, device, { strided: false, backward: false }),
          );
          if (hasGrads(sample)) {
            reg('backward')(`${sample.name} backward`, () =>
              checkValueSample(info, sample, device, { strided: false, backward: true }),
            );
          }
          if (sample.inputs.some((v) => isTensorSpec(v) || (Array.isArray(v) && v.some(isTensorSpec)))) {
            reg('noncontiguous')(`${sample.name} noncontiguous`, () =>
              checkValueSample(info, sample, device, { strided: true, backward: hasGrads(sample) }),
            );
          }
          if (sample.gradcheck) {
            reg('gradcheck')(`${sample.name} gradcheck`, () => checkGradcheck(info, sample, device));
          }
        }
      });
    }
  });
}
