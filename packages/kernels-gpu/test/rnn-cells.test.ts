import type { KernelAttrs, KernelName } from '@kindling/ops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebGPUBackend, type WebGPUBackend } from '../src/index.js';
import { compare, compareHalf, gens, probeWebGPU, type Spec, suiteTitle } from './helpers.js';

/**
 * The fused recurrent-cell kernels against the CPU backend's (themselves checked against the
 * gate equations and finite differences) on random strided views, every element of every output
 * buffer compared; float16 storage; and a device with WebGPU's default binding limit (8), where
 * a GRU backward step's 10 buffers must be packed to fit.
 */
const probe = await probeWebGPU();
let gpu: WebGPUBackend;

const f32 = (shape: number[], gen = gens.uniform(-3, 3)): Spec => ({ shape, dtype: 'float32', gen });
const bias = (n: number): Spec => ({ shape: [n], dtype: 'float32', gen: gens.uniform(-1, 1) });

/** Every cell kernel's case at [B, H], with `parts` dh' addends. */
function cases(
  B: number,
  H: number,
  parts: number,
): { kernel: KernelName; attrs: unknown; outs: Spec[]; ins: Spec[] }[] {
  const dh = Array.from({ length: parts }, () => f32([B, H], gens.normal));
  const out: { kernel: KernelName; attrs: unknown; outs: Spec[]; ins: Spec[] }[] = [];
  for (const nonlinearity of ['tanh', 'relu'] as const) {
    out.push({
      kernel: 'rnnCell',
      attrs: { nonlinearity },
      outs: [f32([B, H])],
      ins: [f32([B, H]), f32([B, H])],
    });
    out.push({
      kernel: 'rnnCellBackward',
      attrs: { nonlinearity },
      outs: [f32([B, H])],
      ins: [f32([B, H], gens.uniform(-1, 1)), ...dh],
    });
  }
  out.push({
    kernel: 'lstmCell',
    attrs: {},
    outs: [f32([B, H]), f32([B, H])],
    ins: [f32([B, 4 * H]), f32([B, 4 * H]), f32([B, H])],
  });
  out.push({
    kernel: 'lstmCellBackward',
    attrs: {},
    outs: [f32([B, 4 * H]), f32([B, H])],
    ins: [f32([B, 4 * H]), f32([B, 4 * H]), f32([B, H]), f32([B, H]), f32([B, H], gens.normal), ...dh],
  });
  for (const hhBias of [true, false]) {
    const g = [f32([B, 3 * H]), f32([B, 3 * H]), f32([B, H]), ...(hhBias ? [bias(3 * H)] : [])];
    out.push({ kernel: 'gruCell', attrs: { hhBias }, outs: [f32([B, H])], ins: g });
    out.push({
      kernel: 'gruCellBackward',
      attrs: { hhBias },
      outs: [f32([B, 3 * H]), f32([B, 3 * H]), f32([B, H])],
      ins: [...g, ...dh],
    });
  }
  return out;
}

const run = <K extends KernelName>(
  g: WebGPUBackend,
  c: { kernel: K; attrs: unknown; outs: Spec[]; ins: Spec[] },
  seed: number,
) =>
  compare(g, c.kernel, c.attrs as KernelAttrs[K], c.outs, c.ins, {
    seed,
    rtol: 2e-5,
    atol: 2e-6,
    what: `${c.kernel} ${JSON.stringify(c.attrs)} ins ${c.ins.map((s) => `[${s.shape}]`).join(' ')}`,
  });

describe.skipIf(!probe.backend)(suiteTitle('webgpu fused recurrent cells', probe), () => {
  beforeAll(() => {
    gpu = probe.backend as WebGPUBackend;
  });
  afterAll(() => gpu?.destroy());

  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 2],
    [7, 33, 3],
  ];
  for (const [B, H, parts] of sizes) {
    it(`every cell kernel at [${B}, ${H}], ${parts} dh' addend(s), strided views`, async () => {
      let seed = B * 100 + H;
      for (const c of cases(B, H, parts)) await run(gpu, c, seed++);
    });
  }

  it('float16 storage (computed in f32)', async () => {
    for (const c of cases(3, 4, 2)) {
      await compareHalf(gpu, c.kernel, c.attrs as never, c.outs, c.ins, { what: `${c.kernel} float16` });
    }
  });

  it("packs read-only operands when a step needs more buffers than the device's binding limit", async () => {
    // a device with WebGPU's default limits (8 storage buffers per stage), from the same adapter
    const device = await requestDefaultDevice();
    if (!device) return;
    const limited = await createWebGPUBackend({ device });
    try {
      const limit = limited.gpuDevice.limits.maxStorageBuffersPerShaderStage;
      const over = cases(4, 6, 3).filter((c) => c.outs.length + c.ins.length > limit);
      expect(over.map((c) => c.kernel)).toContain('gruCellBackward');
      for (const c of over) await run(limited, c, 7);
    } finally {
      device.destroy();
      limited.destroy();
    }
  });
});

/** A device with default limits from a fresh adapter, or null where none is available. */
async function requestDefaultDevice(): Promise<GPUDevice | null> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  let gpuApi = nav?.gpu;
  if (!gpuApi) {
    const name = 'webgpu';
    const mod = (await import(/* @vite-ignore */ name)) as { create(flags: string[]): GPU };
    const env = process.env.KINDLING_DAWN_FLAGS;
    const flags =
      env !== undefined
        ? env.split(/\s+/).filter(Boolean)
        : process.env.VK_ICD_FILENAMES
          ? ['backend=vulkan']
          : [];
    gpuApi = mod.create(flags);
    // Dawn aborts if its instance is collected while a device lives
    keepAlive.push(gpuApi);
  }
  const adapter = await gpuApi.requestAdapter();
  return adapter ? adapter.requestDevice() : null;
}
const keepAlive: unknown[] = [];
