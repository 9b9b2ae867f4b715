/**
 * Replays test/goldens/rnn.json (scripts/goldens.py, PyTorch 1.13): recurrent modules over packed
 * and padded batches (outputs, final states, gradients of the input, hx and every parameter),
 * the packing utilities, and bad input that must throw PyTorch's message and change nothing.
 */
import { readFileSync } from 'node:fs';
import type { Module } from '@kindling/nn-layers';
import { cat, type Tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import * as R from '../src/index.js';
import { PackedSequence } from '../src/index.js';
import { expectMatches, fromSpec, isSpec, type Spec, useCpu, vals } from './helpers.js';

useCpu();

type Json = Spec | Json[] | { [k: string]: Json } | number | string | boolean | null;
interface PackedSpec {
  packed: { padded: Spec; lengths: number[]; batchFirst?: boolean; enforceSorted?: boolean };
}
interface Case {
  kind: 'module' | 'cell' | 'fn' | 'error';
  id: string;
  module?: string;
  fn?: string;
  target?: 'module' | 'fn';
  args: Json[];
  options: Record<string, Json>;
  mode?: 'train' | 'eval';
  stateKeys?: string[];
  state?: Record<string, Spec>;
  input?: Spec | PackedSpec;
  hx?: Spec | Spec[] | null;
  outputs?: Json;
  gradOutputs?: Json;
  inputGrads?: { input: Spec; hx: Spec | Spec[] | null };
  inputGrad?: Spec;
  paramGrads?: Record<string, Spec | null>;
  error?: string;
}

const golden = JSON.parse(readFileSync(new URL('./goldens/rnn.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};
const classes = R as unknown as Record<string, new (...a: unknown[]) => Module>;
const fns = R as unknown as Record<string, (...a: unknown[]) => unknown>;

const isPackedSpec = (v: unknown): v is PackedSpec =>
  !!v && typeof v === 'object' && 'packed' in (v as object);

function packedOf(p: PackedSpec['packed'], padded: Tensor): PackedSequence {
  return R.packPaddedSequence(padded, p.lengths, {
    batchFirst: p.batchFirst ?? false,
    enforceSorted: p.enforceSorted ?? true,
  });
}

/** A value of the case: specs become tensors (leaves when requiresGrad), {packed} a PackedSequence. */
function build(v: Json | PackedSpec, requiresGrad = false): unknown {
  if (v === null) return undefined;
  if (isSpec(v)) return fromSpec(v, requiresGrad && v.dtype !== 'int32');
  if (isPackedSpec(v)) return packedOf(v.packed, fromSpec(v.packed.padded, requiresGrad));
  if (Array.isArray(v)) return v.map((x) => build(x, requiresGrad));
  return v;
}

function construct(c: Case): Module {
  const Cls = classes[c.module as string];
  return Object.keys(c.options).length ? new Cls(...c.args, c.options) : new Cls(...c.args);
}

function loadState(m: Module, c: Case): void {
  const keys = [...m.stateDict().keys()];
  expect(keys).toEqual(c.stateKeys);
  for (const [k, t] of m.stateDict()) expect(t.shape).toEqual((c.state as Record<string, Spec>)[k].shape);
  m.loadStateDict(
    new Map((c.stateKeys as string[]).map((k) => [k, fromSpec((c.state as Record<string, Spec>)[k])])),
  );
}

/** Σ sum(out · g) over matching leaves of two trees (null gradients skipped). */
function lossOf(outs: unknown, grads: Json): Tensor | null {
  if (grads === null) return null;
  if (isSpec(grads)) return (outs as Tensor).mul(fromSpec(grads)).sum();
  let total: Tensor | null = null;
  (grads as Json[]).forEach((g, i) => {
    const l = lossOf((outs as unknown[])[i], g);
    if (l) total = total ? total.add(l) : l;
  });
  return total;
}

function compareTree(label: string, actual: unknown, spec: Json): void {
  if (spec === null) {
    expect(actual ?? null, label).toBeNull();
    return;
  }
  if (isSpec(spec)) {
    expectMatches(label, actual as Tensor, spec);
    return;
  }
  if (Array.isArray(spec)) {
    const a = actual as unknown[];
    expect(Array.isArray(a), `${label} is a sequence`).toBe(true);
    expect(a.length, `${label} length`).toBe(spec.length);
    for (const [i, s] of spec.entries()) compareTree(`${label}[${i}]`, a[i], s);
    return;
  }
  // a PackedSequence
  const p = actual as PackedSequence;
  expect(p, label).toBeInstanceOf(PackedSequence);
  const o = spec as Record<string, Json>;
  compareTree(`${label}.data`, p.data, o.data);
  compareTree(`${label}.batchSizes`, p.batchSizes, o.batchSizes);
  compareTree(`${label}.sortedIndices`, p.sortedIndices, o.sortedIndices);
  compareTree(`${label}.unsortedIndices`, p.unsortedIndices, o.unsortedIndices);
}

const leafOf = (x: unknown): Tensor =>
  (x instanceof PackedSequence ? (x.data.gradFn ? null : x.data) : x) as Tensor;

describe('recurrent modules vs PyTorch', () => {
  for (const c of golden.cases.filter((k) => k.kind === 'module' || k.kind === 'cell')) {
    it(c.id, () => {
      const m = construct(c);
      loadState(m, c);
      if (c.mode === 'eval') m.eval();
      // the padded input is the leaf; a packed input is packPaddedSequence of it
      const padded = fromSpec(isPackedSpec(c.input) ? c.input.packed.padded : (c.input as Spec), true);
      const input = isPackedSpec(c.input) ? packedOf(c.input.packed, padded) : padded;
      const hx = build(c.hx ?? null, true) as Tensor | Tensor[] | undefined;
      const out = (m as unknown as { call: (...a: unknown[]) => unknown }).call(input, hx);
      compareTree('output', out, c.outputs as Json);
      const outs = out as unknown[];
      const loss = lossOf(
        c.kind === 'cell' ? out : [outs[0] instanceof PackedSequence ? outs[0].data : outs[0], outs[1]],
        c.gradOutputs as Json,
      ) as Tensor;
      loss.backward();
      const g = c.inputGrads as NonNullable<Case['inputGrads']>;
      expectMatches('grad input', padded.grad, g.input);
      if (g.hx) {
        if (Array.isArray(g.hx))
          for (const [i, s] of g.hx.entries()) expectMatches(`grad hx[${i}]`, (hx as Tensor[])[i].grad, s);
        else expectMatches('grad hx', (hx as Tensor).grad, g.hx);
      }
      const params = new Map(m.namedParameters());
      for (const [k, s] of Object.entries(c.paramGrads ?? {})) {
        if (s) expectMatches(`grad ${k}`, params.get(k)?.grad, s);
      }
    });
  }
});

describe('packing utilities vs PyTorch', () => {
  for (const c of golden.cases.filter((k) => k.kind === 'fn')) {
    it(c.id, () => {
      const fn = fns[c.fn as string];
      let leaf: Tensor | null = null;
      let leaves: Tensor[] = [];
      let args: unknown[];
      if (c.fn === 'padPackedSequence') {
        const p = build(c.args[0]) as PackedSequence;
        leaf = p.data.detach().requiresGrad_(true);
        args = [new PackedSequence(leaf, p.batchSizes, p.sortedIndices, p.unsortedIndices)];
      } else if (c.fn === 'padSequence' || c.fn === 'packSequence') {
        leaves = build(c.args[0], true) as Tensor[];
        args = [leaves];
      } else {
        args = c.args.map((a) => build(a, c.inputGrad !== undefined));
        leaf = isSpec(c.args[0]) ? (args[0] as Tensor) : null;
      }
      const out = Object.keys(c.options).length ? fn(...args, c.options) : fn(...args);
      compareTree('output', out, c.outputs as Json);
      if (!c.inputGrad) return;
      const floats =
        out instanceof PackedSequence
          ? [out.data]
          : Array.isArray(out)
            ? out.filter((t: Tensor) => t.dtype === 'float32')
            : [out];
      (lossOf(floats, c.gradOutputs as Json) as Tensor).backward();
      const g = leaves.length
        ? cat(
            leaves.map((l) => l.grad as Tensor),
            0,
          )
        : (leaf as Tensor).grad;
      expectMatches('input grad', g, c.inputGrad);
    });
  }
});

describe('bad input: PyTorch’s error, nothing changed', () => {
  for (const c of golden.cases.filter((k) => k.kind === 'error')) {
    it(c.id, () => {
      if (c.target === 'module') {
        const m = construct(c);
        const before = [...m.stateDict()].map(([k, t]) => [k, vals(t)]);
        const input = build(c.input as Json);
        const hx = build(c.hx ?? null);
        const data = vals(leafOf(input) ?? (input as PackedSequence).data);
        const call = () => (m as unknown as { call: (...a: unknown[]) => unknown }).call(input, hx);
        expect(call).toThrow(c.error);
        expect([...m.stateDict()].map(([k, t]) => [k, vals(t)])).toEqual(before);
        expect(vals(leafOf(input) ?? (input as PackedSequence).data)).toEqual(data);
      } else {
        const args = c.args.map((a) => build(a));
        const snap = args.map((a) =>
          a && typeof a === 'object' && 'dataSync' in (a as object) ? vals(a as Tensor) : null,
        );
        const fn = fns[c.fn as string];
        expect(() => (Object.keys(c.options).length ? fn(...args, c.options) : fn(...args))).toThrow(c.error);
        args.forEach((a, i) => {
          if (snap[i]) expect(vals(a as Tensor)).toEqual(snap[i]);
        });
      }
    });
  }
});
