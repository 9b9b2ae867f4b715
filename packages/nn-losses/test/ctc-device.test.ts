/**
 * CTC's tensor-op path (the one webgpu runs: alpha/beta as batched device ops, no readback)
 * against the host float64 path: forced on cpu (float64 and float32, with lengths and targets
 * read on the host or treated as unreadable), then on webgpu when an adapter exists (SwiftShader:
 * VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json). Random cases cover repeated
 * labels, labels equal to neighbours two back, empty targets, zero input lengths, infeasible
 * alignments with and without zeroInfinity, padded / concatenated / unbatched targets and every
 * reduction; the PyTorch goldens of CTCLoss are replayed on the device as well.
 */
import { createWebGPUBackend, type WebGPUBackend } from '@kindling/kernels-gpu';
import { noGrad, registerBackend, type Tensor, tensor, unregisterBackend } from '@kindling/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CTCLoss, ctcLoss } from '../src/index.js';
import { type CtcPath, ctcLossImpl } from '../src/functional/ctc.js';
import { decode, expectClose as expectGolden, goldens, isSpec, type TensorSpec } from './helpers.js';

// ---- random cases ------------------------------------------------------------------------

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Reduction = 'none' | 'mean' | 'sum';

interface Case {
  name: string;
  T: number;
  N: number;
  C: number;
  batched: boolean;
  /** [T, N, C] (or [T, C]) log-softmaxed values. */
  lp: Float64Array;
  layout: 'padded' | 'concat';
  /** padded: [N, W] row-major; concat: the labels back to back. */
  targets: number[];
  width: number;
  il: number[];
  tl: number[];
  blank: number;
  zeroInfinity: boolean;
  reduction: Reduction;
  /** gradient of the 'none' losses (reduction 'none' only). */
  gradOut: number[];
}

function randomCase(seed: number): Case {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const T = int(1, 12);
  const batched = r() < 0.85;
  const N = batched ? int(1, 4) : 1;
  const C = int(2, 6);
  const blank = r() < 0.5 ? 0 : int(0, C - 1);
  const zeroInfinity = r() < 0.4;
  const reductions: Reduction[] = ['none', 'mean', 'sum'];
  const reduction = reductions[int(0, 2)];
  const nonBlank = Array.from({ length: C }, (_, c) => c).filter((c) => c !== blank);
  // a small alphabet makes repeats (and l'(s) == l'(s - 2)) frequent
  const alphabet = nonBlank.slice(0, int(1, Math.min(3, nonBlank.length)));
  const il: number[] = [];
  const tl: number[] = [];
  const labels: number[][] = [];
  for (let n = 0; n < N; n++) {
    const len = r() < 0.1 ? 0 : int(0, T);
    il.push(len);
    // without zeroInfinity the host path rejects tl > il; with it, some targets are too long
    let tlen = int(0, Math.max(0, Math.min(6, len)));
    if (zeroInfinity && r() < 0.3) tlen = Math.min(6, len + int(1, 2));
    if (r() < 0.1) tlen = 0;
    tl.push(tlen);
    labels.push(Array.from({ length: tlen }, () => alphabet[int(0, alphabet.length - 1)]));
  }
  const layout: 'padded' | 'concat' = batched && r() < 0.5 ? 'concat' : 'padded';
  const width = Math.max(0, ...tl) + (layout === 'padded' ? int(0, 2) : 0);
  let targets: number[];
  if (layout === 'concat') targets = labels.flat();
  else {
    targets = [];
    // padding holds junk, even out-of-range values: it must never be read
    for (const row of labels)
      for (let j = 0; j < width; j++) targets.push(j < row.length ? row[j] : int(-3, C + 3));
  }
  // log-softmax of random logits (occasionally peaked, so some probabilities are tiny)
  const scale = r() < 0.2 ? 8 : 2;
  const lp = new Float64Array(T * N * C);
  for (let i = 0; i < T * N; i++) {
    const row = Array.from({ length: C }, () => scale * (2 * r() - 1));
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    for (let c = 0; c < C; c++) lp[i * C + c] = row[c] - lse;
  }
  const gradOut = Array.from({ length: N }, () => 2 * r() - 1);
  return {
    name: `seed ${seed}: T=${T} N=${N} C=${C} ${batched ? layout : 'unbatched'} blank=${blank} il=[${il}] tl=[${tl}] ${reduction}${zeroInfinity ? ' zeroInfinity' : ''}`,
    T,
    N,
    C,
    batched,
    lp,
    layout,
    targets,
    width,
    il,
    tl,
    blank,
    zeroInfinity,
    reduction,
    gradOut,
  };
}

/** Hand-picked corners on top of the random ones. */
function cornerCases(): Case[] {
  const base = randomCase(12345);
  const mk = (over: Partial<Case>, T: number, N: number, C: number, name: string): Case => {
    const r = rng(T * 31 + N * 7 + C);
    const lp = new Float64Array(T * N * C);
    for (let i = 0; i < T * N; i++) {
      const row = Array.from({ length: C }, () => 2 * r() - 1);
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
      for (let c = 0; c < C; c++) lp[i * C + c] = row[c] - lse;
    }
    return {
      ...base,
      T,
      N,
      C,
      lp,
      batched: true,
      gradOut: Array.from({ length: N }, (_, i) => 1 - 0.3 * i),
      name,
      ...over,
    };
  };
  return [
    // "1 1" needs 3 frames: infeasible with 2 (inf loss, NaN gradient without zeroInfinity)
    mk(
      {
        layout: 'padded',
        targets: [1, 1, 1, 2],
        width: 2,
        il: [2, 4],
        tl: [2, 2],
        blank: 0,
        zeroInfinity: false,
        reduction: 'none',
      },
      4,
      2,
      3,
      'infeasible repeat without zeroInfinity',
    ),
    mk(
      {
        layout: 'padded',
        targets: [1, 1, 1, 2],
        width: 2,
        il: [2, 4],
        tl: [2, 2],
        blank: 0,
        zeroInfinity: true,
        reduction: 'mean',
      },
      4,
      2,
      3,
      'infeasible repeat with zeroInfinity',
    ),
    // zero input lengths: loss 0 for an empty target, inf (or 0) otherwise; zero gradient
    mk(
      {
        layout: 'concat',
        targets: [2],
        width: 1,
        il: [0, 0, 3],
        tl: [0, 1, 0],
        blank: 0,
        zeroInfinity: true,
        reduction: 'none',
      },
      3,
      3,
      3,
      'zero input lengths',
    ),
    mk(
      {
        layout: 'padded',
        targets: [0, 0, 2, 2],
        width: 2,
        il: [0, 0],
        tl: [0, 0],
        blank: 1,
        zeroInfinity: false,
        reduction: 'sum',
      },
      2,
      2,
      3,
      'every input length zero',
    ),
    // every target empty: only the blank path
    mk(
      {
        layout: 'concat',
        targets: [],
        width: 0,
        il: [5, 3],
        tl: [0, 0],
        blank: 2,
        zeroInfinity: false,
        reduction: 'none',
      },
      5,
      2,
      3,
      'empty targets (concatenated, no labels at all)',
    ),
    // a long sequence (the log-space recursion must not underflow)
    mk(
      {
        layout: 'padded',
        targets: Array.from({ length: 2 * 12 }, (_, i) => 1 + (Math.floor(i / 2) % 3)),
        width: 12,
        il: [60, 45],
        tl: [12, 12],
        blank: 0,
        zeroInfinity: false,
        reduction: 'sum',
      },
      60,
      2,
      5,
      'long sequence',
    ),
  ];
}

// ---- running a case ---------------------------------------------------------------------

interface Variant {
  /** where lengths go: plain arrays, cpu tensors, or tensors on the device under test. */
  lengths: 'array' | 'tensor';
  /** targets on the device under test (else a cpu tensor). */
  targetsOnDevice: boolean;
}

interface Result {
  loss: number[];
  grad: number[];
}

const valuesOf = async (t: Tensor | null | undefined): Promise<number[]> =>
  Array.from(await (t as Tensor).data(), Number);

function backwardOf(c: Case, loss: Tensor): void {
  if (c.reduction === 'none') {
    const w = tensor(Float32Array.from(c.gradOut), { shape: [c.N], dtype: loss.dtype, device: loss.device });
    (c.batched ? loss : loss.reshape([1])).mul(w).sum().backward();
  } else loss.backward();
}

type FloatType = 'float16' | 'float32' | 'float64';

function inputsOf(c: Case, device: 'cpu' | 'webgpu', dtype: FloatType, v: Variant) {
  const lpData = dtype === 'float64' ? c.lp : Float32Array.from(c.lp);
  const lp = tensor(lpData, {
    shape: c.batched ? [c.T, c.N, c.C] : [c.T, c.C],
    dtype,
    device,
  }).requiresGrad_();
  const tdev = v.targetsOnDevice ? device : 'cpu';
  const tshape = c.layout === 'concat' ? [c.targets.length] : c.batched ? [c.N, c.width] : [c.width];
  const targets = tensor(Int32Array.from(c.targets), { shape: tshape, dtype: 'int32', device: tdev });
  const len = (xs: number[]) =>
    v.lengths === 'array' ? xs : tensor(Int32Array.from(xs), { shape: [xs.length], dtype: 'int32', device });
  const unb = (xs: number[]) => (c.batched || v.lengths === 'tensor' ? len(xs) : xs[0]);
  return { lp, targets, il: unb(c.il), tl: unb(c.tl) };
}

async function run(
  c: Case,
  device: 'cpu' | 'webgpu',
  dtype: FloatType,
  path: CtcPath,
  v: Variant,
): Promise<Result> {
  const { lp, targets, il, tl } = inputsOf(c, device, dtype, v);
  const opts = { blank: c.blank, reduction: c.reduction, zeroInfinity: c.zeroInfinity };
  // 'auto' is the public entry point itself
  const loss =
    path === 'auto' ? ctcLoss(lp, targets, il, tl, opts) : ctcLossImpl(lp, targets, il, tl, opts, path);
  expect(loss.device).toBe(device);
  expect(loss.dtype).toBe(dtype);
  expect([...loss.shape]).toEqual(c.reduction !== 'none' || !c.batched ? [] : [c.N]);
  if (c.reduction === 'none' && c.batched) expect(loss.gradFn?.name).toBe('CtcLossBackward0');
  backwardOf(c, loss);
  expect(lp.grad?.device).toBe(device);
  expect([...(lp.grad as Tensor).shape]).toEqual([...lp.shape]);
  return { loss: await valuesOf(loss), grad: await valuesOf(lp.grad) };
}

const reference = (c: Case) => run(c, 'cpu', 'float64', 'auto', { lengths: 'array', targetsOnDevice: false });

function close(what: string, got: number[], want: number[], rtol: number, atol: number): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const bad: string[] = [];
  want.forEach((w, i) => {
    const g = got[i];
    const ok = Number.isNaN(w)
      ? Number.isNaN(g)
      : !Number.isFinite(w)
        ? g === w
        : Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok && bad.length < 6) bad.push(`[${i}] got ${g}, want ${w}`);
  });
  expect(bad, `${what}: mismatches`).toEqual([]);
}

const randomCases = Array.from({ length: 40 }, (_, i) => randomCase(1000 + i));
const allCases = [...cornerCases(), ...randomCases];

function variantFor(i: number): Variant {
  return { lengths: i % 2 === 0 ? 'tensor' : 'array', targetsOnDevice: i % 3 !== 1 };
}

// ---- the tensor-op path on cpu ------------------------------------------------------------

describe('CTC tensor-op path, forced on cpu, vs the host path', () => {
  it('float64: every case matches to 1e-9, with host-read and unreadable lengths/targets', async () => {
    for (const [i, c] of allCases.entries()) {
      const want = await reference(c);
      for (const path of ['tensor-ops', 'tensor-ops-unread'] as const) {
        const got = await run(c, 'cpu', 'float64', path, variantFor(i));
        close(`${c.name} ${path} loss`, got.loss, want.loss, 1e-9, 1e-9);
        close(`${c.name} ${path} grad`, got.grad, want.grad, 1e-9, 1e-9);
      }
    }
  });

  it('float32: every case matches the float64 host path closely', async () => {
    for (const [i, c] of allCases.entries()) {
      const want = await reference(c);
      const got = await run(c, 'cpu', 'float32', 'tensor-ops-unread', variantFor(i + 1));
      close(`${c.name} loss`, got.loss, want.loss, 2e-5, 2e-5);
      close(`${c.name} grad`, got.grad, want.grad, 1e-4, 2e-5);
    }
  });

  it('float16 computes in float32 and returns float16 (loss and gradient)', async () => {
    for (const [i, c] of randomCases.slice(0, 8).entries()) {
      const want = await reference(c);
      const got = await run(c, 'cpu', 'float16', 'tensor-ops-unread', variantFor(i));
      close(`${c.name} loss`, got.loss, want.loss, 1e-2, 1e-2);
      close(`${c.name} grad`, got.grad, want.grad, 1e-2, 1e-2);
    }
  });

  it('the infeasible corner: inf loss and NaN gradient on t < inputLength, like the host path', async () => {
    const c = cornerCases()[0];
    const got = await run(c, 'cpu', 'float64', 'tensor-ops-unread', {
      lengths: 'tensor',
      targetsOnDevice: true,
    });
    expect(got.loss[0]).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isFinite(got.loss[1])).toBe(true);
    // sample 0's rows t < 2 are NaN, its rows t >= 2 zero; sample 1 finite
    for (let t = 0; t < c.T; t++) {
      for (let k = 0; k < c.C; k++) {
        const g0 = got.grad[(t * 2 + 0) * c.C + k];
        if (t < 2) expect(g0).toBeNaN();
        else expect(g0).toBe(0);
        expect(Number.isFinite(got.grad[(t * 2 + 1) * c.C + k])).toBe(true);
      }
    }
  });

  it('does not record under noGrad, and frees its node after backward', () => {
    const c = randomCases[0];
    const { lp, targets, il, tl } = inputsOf(c, 'cpu', 'float32', {
      lengths: 'tensor',
      targetsOnDevice: true,
    });
    const opts = { blank: c.blank, reduction: 'sum' as const, zeroInfinity: c.zeroInfinity };
    const l0 = noGrad(() => ctcLossImpl(lp, targets, il, tl, opts, 'tensor-ops-unread'));
    expect(l0.gradFn).toBeNull();
    const l = ctcLossImpl(lp, targets, il, tl, opts, 'tensor-ops-unread');
    expect(l.gradFn?.next.length).toBe(1);
    l.backward();
    expect(() => l.backward()).toThrow(/second time/);
  });
});

// ---- webgpu ------------------------------------------------------------------------------

interface Probe {
  backend: WebGPUBackend | null;
  reason: string;
}

async function probeWebGPU(): Promise<Probe> {
  try {
    return { backend: await createWebGPUBackend(), reason: '' };
  } catch (e) {
    const reason = (e as Error).message;
    if (process.env.KINDLING_REQUIRE_WEBGPU === '1')
      throw new Error(`KINDLING_REQUIRE_WEBGPU=1 but: ${reason}`);
    console.warn(`ctc webgpu tests skipped: ${reason}`);
    return { backend: null, reason };
  }
}

const probe = await probeWebGPU();
const title = probe.backend
  ? `CTC on webgpu [${probe.backend.name}]`
  : `CTC on webgpu (skipped: no WebGPU adapter: ${probe.reason.slice(0, 120)}; set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json for SwiftShader)`;

describe.skipIf(!probe.backend)(title, () => {
  beforeAll(() => {
    registerBackend(probe.backend as WebGPUBackend);
  });
  afterAll(() => unregisterBackend('webgpu'));

  it('random and corner cases match the cpu host path (forward and gradient)', async () => {
    for (const [i, c] of allCases.entries()) {
      const want = await reference(c);
      const got = await run(c, 'webgpu', 'float32', 'auto', variantFor(i));
      close(`${c.name} loss`, got.loss, want.loss, 2e-5, 2e-5);
      close(`${c.name} grad`, got.grad, want.grad, 1e-4, 2e-5);
    }
  });

  it('takes lengths and targets from the cpu too (arrays, cpu tensors)', async () => {
    for (const [i, c] of randomCases.slice(0, 6).entries()) {
      const want = await reference(c);
      const got = await run(c, 'webgpu', 'float32', 'auto', {
        lengths: i % 2 ? 'array' : 'tensor',
        targetsOnDevice: false,
      });
      close(`${c.name} loss`, got.loss, want.loss, 2e-5, 2e-5);
      close(`${c.name} grad`, got.grad, want.grad, 1e-4, 2e-5);
    }
  });

  it('gradient through logSoftmax, the module, and the PyTorch goldens', async () => {
    const cases = goldens.cases.filter((g) => g.module === 'CTCLoss' && !g.error);
    expect(cases.length).toBeGreaterThan(10);
    for (const g of cases) {
      const leaves: (Tensor | null)[] = [];
      const args = g.inputs.map((x) => {
        if (!isSpec(x)) return x;
        const spec = x as TensorSpec;
        const data = spec.data.map(decode);
        let t = tensor(spec.dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data), {
          shape: spec.shape,
          dtype: spec.dtype === 'int32' ? 'int32' : 'float32',
          device: 'webgpu',
        });
        if (spec.requiresGrad) t.requiresGrad_();
        leaves.push(spec.requiresGrad ? t : null);
        if (spec.logSoftmaxDim !== undefined) t = t.logSoftmax(spec.logSoftmaxDim);
        return t;
      });
      const o = g.options as { reduction?: Reduction; blank?: number; zeroInfinity?: boolean };
      const m = new CTCLoss(o);
      const out = m.call(...(args as [Tensor, Tensor, Tensor, Tensor]));
      const tol = g.tolerance ?? { rtol: 1e-3, atol: 1e-4 };
      const cpuOut = await out.toAsync('cpu');
      expectGolden(`${g.id} output`, cpuOut, g.output as TensorSpec, tol);
      if (g.gradOutput && g.inputGrads) {
        const go = g.gradOutput;
        const gt = tensor(Float32Array.from(go.data.map(decode)), {
          shape: go.shape,
          dtype: 'float32',
          device: 'webgpu',
        });
        out.mul(gt).sum().backward();
        for (const [k, spec] of g.inputGrads.entries()) {
          if (!spec || !leaves[k]) continue;
          expectGolden(`${g.id} grad ${k}`, await (leaves[k] as Tensor).grad?.toAsync('cpu'), spec, tol);
        }
      }
    }
  });

  it('float16 log-probabilities (where the adapter has shader-f16) compute in float32, return float16', async (ctx) => {
    if (!probe.backend?.supportsDType('float16')) ctx.skip();
    for (const [i, c] of randomCases.slice(0, 8).entries()) {
      const want = await reference(c);
      const got = await run(c, 'webgpu', 'float16', 'auto', variantFor(i));
      close(`${c.name} loss`, got.loss, want.loss, 1e-2, 1e-2);
      close(`${c.name} grad`, got.grad, want.grad, 1e-2, 1e-2);
    }
  });
});
