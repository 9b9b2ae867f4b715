// Bundled by browser.test.ts and run in headless Chromium: a forward and backward pass on the
// page's WebGPU adapter (navigator.gpu), results posted on window.__kindling.
import { cpuBackend } from '@kindling/kernels-cpu';
import { registerBackend, type Tensor, tensor } from '@kindling/tensor';
import { createWebGPUBackend } from '../../src/index.js';

declare global {
  interface Window {
    __kindling?: { ok: boolean; error?: string; adapter?: string; loss?: number; grad?: number[] };
  }
}

async function main() {
  registerBackend(cpuBackend);
  const gpu = await createWebGPUBackend();
  registerBackend(gpu);
  const x = tensor([
    [0.5, -1, 2],
    [1.5, 0.25, -0.75],
  ]).to('webgpu');
  const w = tensor([
    [0.1, -0.2],
    [0.3, 0.4],
    [-0.5, 0.6],
  ])
    .to('webgpu')
    .requiresGrad_();
  const y = tensor([1, 0]).to('webgpu');
  const logits = x.matmul(w).tanh();
  const loss = logits.logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg();
  loss.backward();
  window.__kindling = {
    ok: true,
    adapter: gpu.name,
    loss: await loss.item(),
    grad: Array.from(await (w.grad as Tensor).data(), Number),
  };
}

main().catch((e) => {
  window.__kindling = { ok: false, error: String(e?.stack ?? e) };
});
