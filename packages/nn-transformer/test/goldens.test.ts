// Replays goldens/transformer.json (made by scripts/goldens.py from PyTorch 1.13): combined and
// fully masked attention, normFirst, gelu, decoder memory masks, the nested-tensor zeros of
// TransformerEncoder, unbatched inputs, the functional forms, every gradient, and the reprs.
import { readFileSync } from 'node:fs';
import * as L from '@kindling/nn-layers';
import { noGrad, type Tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { expectMatch, isSpec, make, type Spec, useCpu, vals } from './helpers.js';

type Tree = Spec | Tree[] | null;
interface Case {
  name: string;
  kind: 'module' | 'fn';
  module?: string;
  fn?: string;
  args?: unknown[];
  options?: Record<string, unknown>;
  stateKeys?: string[];
  state?: Record<string, Spec>;
  mode?: 'train' | 'eval';
  noGrad?: boolean;
  inputs: unknown[];
  callOpts?: Record<string, unknown>;
  opts?: Record<string, unknown>;
  out: Tree;
  gradOut?: Spec[];
  inputGrads?: (Spec | null)[];
  optGrads?: Record<string, Spec>;
  paramGrads?: Record<string, Spec | null>;
}
interface Golden {
  cases: Case[];
  reprs: {
    module: string;
    args: unknown[];
    options: Record<string, unknown>;
    repr: string;
    stateKeys: string[];
    stateShapes: number[][];
  }[];
}

const golden: Golden = JSON.parse(
  readFileSync(new URL('./goldens/transformer.json', import.meta.url), 'utf8'),
);
const lib = { ...L, ...T } as unknown as Record<string, unknown>;

type Ctor = new (...a: unknown[]) => L.Module;

/** Specs become tensors, {$module} specs modules, {$ref: i} the i-th input; the rest as is. */
function build(x: unknown, inputs: Tensor[] = []): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map((v) => build(v, inputs));
  if (isSpec(x)) return make(x);
  const o = x as Record<string, unknown>;
  if ('$ref' in o) return inputs[o.$ref as number];
  if ('$module' in o)
    return construct(
      o.$module as string,
      (o.args as unknown[]) ?? [],
      (o.options as Record<string, unknown>) ?? {},
    );
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, build(v, inputs)]));
}

function construct(name: string, args: unknown[], options: Record<string, unknown>): L.Module {
  const Cls = lib[name] as Ctor;
  if (typeof Cls !== 'function') throw new Error(`${name} is not exported`);
  const a = args.map((v) => build(v));
  return Object.keys(options).length ? new Cls(...a, build(options)) : new Cls(...a);
}

function buildInputs(specs: unknown[]): Tensor[] {
  const out: Tensor[] = [];
  for (const s of specs) out.push(build(s, out) as Tensor);
  return out;
}

const flatOut = (x: unknown): (Tensor | null)[] =>
  Array.isArray(x) ? x.flatMap(flatOut) : [(x as Tensor | null) ?? null];
const flatSpec = (x: Tree): (Spec | null)[] => (Array.isArray(x) ? x.flatMap(flatSpec) : [x]);

function compareOutputs(out: unknown, expected: Tree): void {
  const a = flatOut(out);
  const e = flatSpec(expected);
  expect(a.length).toBe(e.length);
  e.forEach((s, i) => {
    expectMatch(`output[${i}]`, a[i], s);
  });
}

function backward(out: unknown, gradOut: Spec[]): void {
  const outs = flatOut(out).filter((t): t is Tensor => t !== null);
  let loss: Tensor | null = null;
  outs.forEach((o, i) => {
    const term = o.mul(make(gradOut[i])).sum();
    loss = loss ? loss.add(term) : term;
  });
  (loss as unknown as Tensor).backward();
}

function checkInputGrads(inputs: Tensor[], expected: (Spec | null)[] = []): void {
  expected.forEach((s, i) => {
    if (s) expectMatch(`inputGrad[${i}]`, inputs[i].grad, s);
  });
}

async function allZero(t: Tensor | null): Promise<boolean> {
  return !t || vals(t).every((v) => v === 0);
}

useCpu();

describe('PyTorch goldens: modules', () => {
  for (const c of golden.cases.filter((k) => k.kind === 'module')) {
    it(c.name, async () => {
      const m = construct(c.module as string, c.args ?? [], c.options ?? {});
      expect([...m.stateDict().keys()]).toEqual(c.stateKeys);
      m.loadStateDict(new Map(Object.entries(c.state ?? {}).map(([k, s]) => [k, make(s)])), { strict: true });
      if (c.mode === 'eval') m.eval();
      else m.train();
      const inputs = buildInputs(c.inputs);
      const callOpts = build(c.callOpts ?? {}) as Record<string, unknown>;
      const run = () => (m.call as (...a: unknown[]) => unknown)(...inputs, callOpts);
      const out = c.noGrad ? noGrad(run) : run();
      compareOutputs(out, c.out);
      if (!c.gradOut) return;
      backward(out, c.gradOut);
      checkInputGrads(inputs, c.inputGrads);
      const params = new Map(m.namedParameters());
      for (const [k, s] of Object.entries(c.paramGrads ?? {})) {
        const p = params.get(k);
        if (!p) throw new Error(`parameter ${k} not found`);
        if (s === null) expect(await allZero(p.grad)).toBe(true);
        else expectMatch(`paramGrad ${k}`, p.grad, s);
      }
    });
  }
});

describe('PyTorch goldens: functional', () => {
  for (const c of golden.cases.filter((k) => k.kind === 'fn')) {
    it(c.name, () => {
      const fn = lib[c.fn as string] as (...a: unknown[]) => unknown;
      const inputs = buildInputs(c.inputs);
      const opts = build(c.opts ?? {}, inputs) as Record<string, unknown>;
      const out = fn(...inputs, opts);
      compareOutputs(out, c.out);
      if (!c.gradOut) return;
      backward(out, c.gradOut);
      checkInputGrads(inputs, c.inputGrads);
      for (const [k, s] of Object.entries(c.optGrads ?? {}))
        expectMatch(`grad of ${k}`, (opts[k] as Tensor).grad, s);
    });
  }
});

describe('PyTorch reprs and state keys', () => {
  for (const r of golden.reprs) {
    it(`${r.module}(${JSON.stringify(r.options)})`, () => {
      const m = construct(r.module, r.args, r.options);
      expect(m.toString()).toBe(r.repr);
      const sd = m.stateDict();
      expect([...sd.keys()]).toEqual(r.stateKeys);
      expect([...sd.values()].map((t) => [...t.shape])).toEqual(r.stateShapes);
    });
  }
});
