// GPU figures for `pnpm bench`: matmul GFLOP/s at 1024 and 4096, a conv, an elementwise chain,
// on the WebGPU adapter. Software adapters (SwiftShader, llvmpipe) say nothing about GPU speed,
// so the figures are only measured on a real adapter unless --gpu-anyway is given.
import { round, timeIt } from './harness.mjs';

const SOFTWARE = /swiftshader|llvmpipe|software|lavapipe/i;

export async function gpuWorkloads(K, { minTime, anyway }) {
  if (typeof K.createWebGPUBackend !== 'function') return { note: 'kernels-gpu not built' };
  let be;
  try {
    be = await K.createWebGPUBackend();
  } catch (e) {
    return { note: `no WebGPU adapter (${String(e.message).split('\n')[0]})` };
  }
  if (SOFTWARE.test(be.name) && !anyway) return { note: `software adapter ${be.name}: GPU figures skipped` };
  K.registerBackend(be);
  const o = { minTime };
  const sync = (t) => async () => {
    await t().data();
  };
  const lines = [];
  const push = (workload, metric, value, unit, r) =>
    lines.push({ system: 'kindling', backend: 'webgpu', adapter: be.name, workload, metric, value: round(value, 4), unit, ...r });
  for (const n of [1024, 4096]) {
    const a = K.rand([n, n]).to('webgpu');
    const b = K.rand([n, n]).to('webgpu');
    let c = a;
    const r = await timeIt(() => {
      const prev = c;
      c = a.matmul(b);
      if (prev !== a) prev.dispose();
    }, sync(() => c), o);
    push(`GPU_matmul_N${n}`, 'throughput', (2 * n ** 3) / (r.ms_per_iter * 1e6), 'GFLOP/s', r);
  }
  {
    const x = K.randn([1, 64, 56, 56]).to('webgpu');
    const w = K.randn([64, 64, 3, 3]).mul(0.05).to('webgpu');
    let y = x;
    const r = await timeIt(() => {
      const prev = y;
      y = K.scope(() => K.noGrad(() => K.conv2d(x, w, null, { padding: 1 })));
      if (prev !== x) prev.dispose();
    }, sync(() => y), o);
    push('GPU_conv2d_64x64_56', 'throughput', (2 * 64 * 64 * 9 * 56 * 56) / (r.ms_per_iter * 1e6), 'GFLOP/s', r);
  }
  {
    const x = K.rand([4194304]).to('webgpu');
    let y = x;
    const r = await timeIt(() => {
      const prev = y;
      y = K.scope(() => x.mul(2).add(1).relu());
      if (prev !== x) prev.dispose();
    }, sync(() => y), o);
    push('GPU_elementwise_relu(x*2+1)', 'effective_bw', (8 * 4194304) / (r.ms_per_iter * 1e6), 'GB/s', r);
  }
  return { lines, adapter: be.name };
}
