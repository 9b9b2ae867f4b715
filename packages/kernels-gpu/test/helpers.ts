import { cpuBackend } from '@kindling/kernels-cpu';
import {
  arrayTypeFor,
  type Backend,
  type DType,
  fromHalfBits,
  type KernelAttrs,
  type KernelName,
  type TypedArray,
  toHalfBits,
  type View,
} from '@kindling/ops';
import { expect } from 'vitest';
import { createWebGPUBackend, type WebGPUBackend } from '../src/index.js';

/**
 * Shared by the GPU tests: one probe for an adapter per test file (the suites skip, with the
 * reason in their title, when there is none; KINDLING_REQUIRE_WEBGPU=1 turns that into a
 * failure), seeded random data, random strided views, and a runner that executes a kernel on
 * the CPU and WebGPU backends over the same data and compares every element of every output
 * buffer (so writes outside an output view are caught too).
 */
export interface Probe {
  readonly backend: WebGPUBackend | null;
  readonly reason: string;
}

export async function probeWebGPU(): Promise<Probe> {
  try {
    const backend = await createWebGPUBackend();
    return { backend, reason: '' };
  } catch (e) {
    const reason = (e as Error).message;
    if (process.env.KINDLING_REQUIRE_WEBGPU === '1')
      throw new Error(`KINDLING_REQUIRE_WEBGPU=1 but: ${reason}`);
    console.warn(`webgpu tests skipped: ${reason}`);
    return { backend: null, reason };
  }
}

export function suiteTitle(name: string, probe: Probe): string {
  return probe.backend
    ? `${name} [${probe.backend.name}]`
    : `${name} (skipped: no WebGPU adapter: ${probe.reason.slice(0, 120)})`;
}

/** mulberry32 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Gen = (r: () => number, i: number) => number;
export const gens = {
  normal: ((r) => {
    const u = Math.max(r(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  }) as Gen,
  uniform:
    (lo: number, hi: number): Gen =>
    (r) =>
      lo + (hi - lo) * r(),
  int:
    (lo: number, hi: number): Gen =>
    (r) =>
      lo + Math.floor((hi - lo + 1) * r()),
  bool: ((r) => (r() < 0.5 ? 0 : 1)) as Gen,
};

export interface Spec {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Element generator (default: normal for floats, ints in [-20, 20], bools). */
  readonly gen?: Gen;
  /** Explicit values in the view's row-major order (overrides gen for the view's elements). */
  readonly values?: readonly number[];
  /** 'contiguous', or a random permuted / stepped / offset view (default 'strided'). */
  readonly layout?: 'contiguous' | 'strided';
  /** Dims read with stride 0 (inputs of broadcast ops). */
  readonly broadcast?: readonly number[];
}

interface Built {
  readonly data: TypedArray;
  readonly view: Omit<View<unknown>, 'buffer'>;
}

function defaultGen(dtype: DType): Gen {
  if (dtype === 'int32') return gens.int(-20, 20);
  if (dtype === 'bool') return gens.bool;
  return gens.normal;
}

/** Builds a storage array and a view of `spec.shape` over it. */
export function build(spec: Spec, r: () => number): Built {
  const shape = [...spec.shape];
  const nd = shape.length;
  const strided = (spec.layout ?? 'strided') === 'strided';
  const bcast = new Set(spec.broadcast ?? []);
  // storage dims: each view dim stepped by 1 or 2 with 0-2 extra elements, in a random order
  const step = shape.map(() => (strided && r() < 0.5 ? 2 : 1));
  const extra = shape.map(() => (strided ? Math.floor(r() * 3) : 0));
  const sdims = shape.map((s, d) => (bcast.has(d) ? 1 : s * step[d] + extra[d]));
  const perm = shape.map((_, d) => d);
  if (strided) {
    for (let i = nd - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
  }
  // storage is contiguous over dims in `perm` order
  const sstride = new Array<number>(nd).fill(0);
  let acc = 1;
  for (let i = nd - 1; i >= 0; i--) {
    const d = perm[i];
    sstride[d] = acc;
    acc *= sdims[d];
  }
  const lead = strided ? Math.floor(r() * 3) : 0;
  const total = acc + lead + (strided ? Math.floor(r() * 3) : 0);
  let offset = lead;
  const strides = shape.map((_, d) => {
    if (bcast.has(d)) return 0;
    const start = extra[d] > 0 ? Math.floor(r() * (extra[d] + 1)) : 0;
    offset += start * sstride[d];
    return sstride[d] * step[d];
  });
  const gen = spec.gen ?? defaultGen(spec.dtype);
  const Ctor = arrayTypeFor(spec.dtype);
  const data = new Ctor(total);
  for (let i = 0; i < total; i++) data[i] = gen(r, i);
  if (spec.values) {
    const n = shape.reduce((a, b) => a * b, 1);
    const idx = new Array<number>(nd).fill(0);
    for (let k = 0; k < n; k++) {
      let o = offset;
      for (let d = 0; d < nd; d++) o += idx[d] * strides[d];
      data[o] = spec.values[k];
      for (let d = nd - 1; d >= 0; d--) {
        if (++idx[d] < shape[d]) break;
        idx[d] = 0;
      }
    }
  }
  return { data, view: { dtype: spec.dtype, shape, strides, offset } };
}

export interface Tolerance {
  readonly rtol?: number;
  readonly atol?: number;
}

function asNumbers(dtype: DType, a: TypedArray): number[] {
  return dtype === 'float16' ? Array.from(a as Uint16Array, fromHalfBits) : Array.from(a);
}

/** Elementwise comparison with NaN == NaN, exact for int32/bool, rtol/atol for floats. */
export function expectClose(
  dtype: DType,
  got: TypedArray,
  want: TypedArray,
  tol: Tolerance = {},
  what = '',
): void {
  const g = asNumbers(dtype, got);
  const w = asNumbers(dtype, want);
  expect(g.length, `${what}: length`).toBe(w.length);
  const exact = dtype === 'int32' || dtype === 'bool';
  const rtol = tol.rtol ?? (dtype === 'float16' ? 2e-3 : 1e-4);
  const atol = tol.atol ?? (dtype === 'float16' ? 1e-3 : 1e-5);
  const bad: string[] = [];
  for (let i = 0; i < g.length; i++) {
    const a = g[i];
    const b = w[i];
    let ok: boolean;
    if (Number.isNaN(b)) ok = Number.isNaN(a);
    else if (exact || !Number.isFinite(b)) ok = a === b;
    else ok = Math.abs(a - b) <= atol + rtol * Math.abs(b);
    if (!ok && bad.length < 8) bad.push(`[${i}] gpu ${a} cpu ${b}`);
  }
  expect(bad, `${what}: mismatches`).toEqual([]);
}

export interface RunResult {
  readonly gpu: TypedArray[];
  readonly cpu: TypedArray[];
}

/**
 * Runs `kernel` on both backends: inputs and outputs built from `specs` (outputs prefilled
 * with the same random data), then reads back each output's whole storage.
 */
export async function runBoth<K extends KernelName>(
  gpu: Backend,
  kernel: K,
  attrs: KernelAttrs[K],
  outs: readonly Spec[],
  ins: readonly Spec[],
  seed = 1,
  cpu: Backend = cpuBackend,
): Promise<RunResult> {
  const r = rng(seed);
  const builtOut = outs.map((s) => build(s, r));
  const builtIn = ins.map((s) => build(s, r));
  const mk = (b: Backend, x: Built) => ({ ...x.view, buffer: b.upload(x.view.dtype, x.data) }) as View;
  const gOut = builtOut.map((x) => mk(gpu, x));
  const gIn = builtIn.map((x) => mk(gpu, x));
  const cOut = builtOut.map((x) => mk(cpu, x));
  const cIn = builtIn.map((x) => mk(cpu, x));
  cpu.run(kernel, cOut, cIn, attrs);
  gpu.run(kernel, gOut, gIn, attrs);
  const whole = (v: View, n: number): View => ({ ...v, shape: [n], strides: [1], offset: 0 });
  const gRes = await Promise.all(gOut.map((v, i) => gpu.read(whole(v, builtOut[i].data.length))));
  const cRes = cOut.map((v, i) => cpu.readSync(whole(v, builtOut[i].data.length)));
  for (const v of [...gOut, ...gIn]) gpu.free(v.buffer);
  for (const v of [...cOut, ...cIn]) cpu.free(v.buffer);
  return { gpu: gRes, cpu: cRes };
}

/** runBoth + expectClose on every output. */
export async function compare<K extends KernelName>(
  gpu: Backend,
  kernel: K,
  attrs: KernelAttrs[K],
  outs: readonly Spec[],
  ins: readonly Spec[],
  opts: Tolerance & { seed?: number; what?: string } = {},
): Promise<void> {
  const { gpu: g, cpu: c } = await runBoth(gpu, kernel, attrs, outs, ins, opts.seed ?? 1);
  g.forEach((x, i) => {
    expectClose(outs[i].dtype, x, c[i], opts, opts.what ?? `${kernel} ${JSON.stringify(attrs)} output ${i}`);
  });
}

/**
 * float16 views: every float32 spec is built with half-representable values; the GPU runs on
 * float16 copies (same strides and offsets), the CPU on the float32 ones; the GPU's halves must
 * match the CPU's float32 results rounded to half.
 */
export async function compareHalf<K extends KernelName>(
  gpu: Backend,
  kernel: K,
  attrs: KernelAttrs[K],
  outs: readonly Spec[],
  ins: readonly Spec[],
  opts: Tolerance & { seed?: number; what?: string } = {},
): Promise<void> {
  const cpu = cpuBackend as Backend;
  const r = rng(opts.seed ?? 5);
  const half = (v: number) => fromHalfBits(toHalfBits(v));
  const mkSpec = (s: Spec): Spec =>
    s.dtype === 'float32' ? { ...s, gen: (rr, i) => half((s.gen ?? gens.normal)(rr, i)) } : s;
  const builtOut = outs.map((s) => build(mkSpec(s), r));
  const builtIn = ins.map((s) => build(mkSpec(s), r));
  const toGpu = (x: Built): View => {
    if (x.view.dtype !== 'float32') return { ...x.view, buffer: gpu.upload(x.view.dtype, x.data) } as View;
    const bits = Uint16Array.from(x.data as Float32Array, (v) => toHalfBits(v));
    return { ...x.view, dtype: 'float16', buffer: gpu.upload('float16', bits) } as View;
  };
  const toCpu = (x: Built): View => ({ ...x.view, buffer: cpu.upload(x.view.dtype, x.data) }) as View;
  const gOut = builtOut.map(toGpu);
  const gIn = builtIn.map(toGpu);
  const cOut = builtOut.map(toCpu);
  const cIn = builtIn.map(toCpu);
  cpu.run(kernel, cOut, cIn, attrs);
  gpu.run(kernel, gOut, gIn, attrs);
  for (let i = 0; i < gOut.length; i++) {
    const n = builtOut[i].data.length;
    const g = await gpu.read({ ...gOut[i], shape: [n], strides: [1], offset: 0 });
    const c = cpu.readSync({ ...cOut[i], shape: [n], strides: [1], offset: 0 });
    const want = gOut[i].dtype === 'float16' ? Uint16Array.from(c as Float32Array, (v) => toHalfBits(v)) : c;
    expectClose(
      gOut[i].dtype,
      g,
      want,
      { rtol: opts.rtol ?? 2e-3, atol: opts.atol ?? 1e-3 },
      opts.what ?? `${kernel} float16 output ${i}`,
    );
  }
  for (const v of [...gOut, ...gIn]) gpu.free(v.buffer);
  for (const v of [...cOut, ...cIn]) cpu.free(v.buffer);
}
