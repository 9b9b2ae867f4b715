// Replays spatial-goldens.json (made by spatial-goldens.py from PyTorch 1.13): functional and
// module cases the parity suite does not cover, with gradients, and module reprs.
import { readFileSync } from 'node:fs';
import { cpuBackend } from '@kindling/kernels-cpu';
import { hasBackend, registerBackend, type Tensor, tensor } from '@kindling/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import * as S from '../src/spatial/index.js';

interface Spec {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32' | 'bool';
  data: (number | string)[];
  requiresGrad?: boolean;
}
type Tree = Spec | Tree[] | null;
interface Case {
  name: string;
  kind: 'fn' | 'module';
  fn?: string;
  opts?: Record<string, unknown> | null;
  module?: string;
  args?: unknown[];
  options?: Record<string, unknown>;
  state?: Record<string, Spec>;
  inputs: unknown[];
  out: Tree;
  gradOut?: Tree;
  grads?: (Spec | null)[];
  paramGrads?: Record<string, Spec>;
  repr?: string;
}
interface Golden {
  cases: Case[];
  reprs: { module: string; args: unknown[]; options: Record<string, unknown>; repr: string }[];
}

const golden: Golden = JSON.parse(readFileSync(new URL('./spatial-goldens.json', import.meta.url), 'utf8'));
const lib = S as unknown as Record<string, (...a: unknown[]) => unknown>;

const decode = (v: number | string): number =>
  v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
const isSpec = (x: unknown): x is Spec =>
  !!x && typeof x === 'object' && 'shape' in x && 'data' in x && 'dtype' in x;

function make(s: Spec): Tensor {
  const data = s.data.map(decode);
  const arr =
    s.dtype === 'float64'
      ? Float64Array.from(data)
      : s.dtype === 'int32'
        ? Int32Array.from(data)
        : s.dtype === 'bool'
          ? Uint8Array.from(data)
          : Float32Array.from(data);
  return tensor(arr, { shape: s.shape, dtype: s.dtype, requiresGrad: !!s.requiresGrad });
}

/** Build call values: tensor specs become tensors, 'inf' strings numbers, the rest as is. */
function build(x: unknown): unknown {
  if (x === null) return null;
  if (isSpec(x)) return make(x);
  if (Array.isArray(x)) return x.map(build);
  if (x === 'inf' || x === '-inf' || x === 'nan') return decode(x);
  if (typeof x === 'object')
    return Object.fromEntries(Object.entries(x as object).map(([k, v]) => [k, build(v)]));
  return x;
}

function expectClose(label: string, actual: unknown, spec: Spec) {
  const t = actual as Tensor;
  expect(t, label).toBeTruthy();
  expect([...t.shape], `${label} shape`).toEqual(spec.shape);
  const a = Array.from(t.dataSync(), Number);
  const e = spec.data.map(decode);
  if (spec.dtype === 'int32' || spec.dtype === 'bool') {
    expect(a, `${label} values`).toEqual(e);
    return;
  }
  let scale = 1;
  for (const v of e) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const bad: string[] = [];
  e.forEach((ev, i) => {
    const ok = Number.isNaN(ev)
      ? Number.isNaN(a[i])
      : Math.abs(a[i] - ev) <= 1e-5 * scale + 1e-4 * Math.abs(ev);
    if (!ok && bad.length < 5) bad.push(`[${i}] got ${a[i]}, expected ${ev}`);
  });
  expect(bad, `${label} values`).toEqual([]);
}

function compareTree(label: string, actual: unknown, spec: Tree) {
  if (spec === null) return;
  if (Array.isArray(spec)) {
    expect(Array.isArray(actual), `${label} is a list`).toBe(true);
    spec.forEach((s, i) => {
      compareTree(`${label}[${i}]`, (actual as unknown[])[i], s);
    });
    return;
  }
  expectClose(label, actual, spec);
}

function flatPairs(actual: unknown, spec: Tree, out: [Tensor, Spec][] = []): [Tensor, Spec][] {
  if (spec === null || spec === undefined) return out;
  if (Array.isArray(spec))
    spec.forEach((s, i) => {
      flatPairs((actual as unknown[])[i], s, out);
    });
  else out.push([actual as Tensor, spec]);
  return out;
}

function backward(out: unknown, gradOut: Tree) {
  let loss: Tensor | null = null;
  for (const [o, g] of flatPairs(out, gradOut)) {
    const term = o.mul(make(g)).sum();
    loss = loss ? loss.add(term) : term;
  }
  loss?.backward();
}

beforeAll(() => {
  if (!hasBackend('cpu')) registerBackend(cpuBackend);
});

describe('spatial goldens (PyTorch 1.13)', () => {
  for (const c of golden.cases) {
    it(c.name, () => {
      const inputs = c.inputs.map(build);
      let out: unknown;
      let params: Map<string, Tensor> | null = null;
      if (c.kind === 'fn') {
        const f = lib[c.fn as string];
        expect(typeof f, `${c.fn} is exported`).toBe('function');
        out = c.opts ? f(...inputs, build(c.opts)) : f(...inputs);
      } else {
        const Cls = lib[c.module as string] as unknown as new (...a: unknown[]) => S.ConvNd;
        expect(typeof Cls, `${c.module} is exported`).toBe('function');
        const args = (c.args ?? []).map(build);
        const m = Object.keys(c.options ?? {}).length ? new Cls(...args, build(c.options)) : new Cls(...args);
        const state = new Map(Object.entries(c.state ?? {}).map(([k, v]) => [k, make(v)]));
        expect([...m.stateDict().keys()]).toEqual([...state.keys()]);
        m.loadStateDict(state);
        if (c.repr) expect(m.toString()).toBe(c.repr);
        out = (m.call as (...a: unknown[]) => unknown)(...inputs);
        params = new Map(m.namedParameters());
      }
      compareTree('output', out, c.out);
      if (c.gradOut) {
        backward(out, c.gradOut);
        c.grads?.forEach((g, i) => {
          if (g) expectClose(`grad[${i}]`, (inputs[i] as Tensor).grad, g);
        });
        for (const [k, g] of Object.entries(c.paramGrads ?? {}))
          expectClose(`paramGrad ${k}`, params?.get(k)?.grad, g);
      }
    });
  }
});

describe('spatial reprs (PyTorch 1.13)', () => {
  for (const r of golden.reprs) {
    it(r.repr, () => {
      const Cls = lib[r.module] as unknown as new (...a: unknown[]) => { toString(): string };
      const args = r.args.map(build);
      const m = Object.keys(r.options).length ? new Cls(...args, build(r.options)) : new Cls(...args);
      // PyTorch prints an integral float value as given (ConstantPad3d(1, 1) → value=1); JS has one number type
      expect(m.toString()).toBe(r.repr);
    });
  }
});
