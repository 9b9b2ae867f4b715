import { it } from 'vitest';
import { createWebGPUBackend } from '../src/index.js';

it('dbg', async () => {
  const b = await createWebGPUBackend();
  console.log(b.name, b.gpuDevice.limits.maxComputeInvocationsPerWorkgroup);
  for (const len of [65, 100, 130, 300]) {
    const x = b.upload('float32', new Float32Array(len).fill(1));
    const o = b.alloc('float32', len);
    const v = (buffer: any) => ({ buffer, dtype: 'float32' as const, shape: [len], strides: [1], offset: 0 });
    b.run('scan', [v(o)], [v(x)], { op: 'cumsum', dim: 0 });
    const r = await b.read(v(o));
    const bad = [...r].map((x, i) => [i, x]).filter(([i, x]) => x !== i + 1);
    console.log(len, bad.length, JSON.stringify(bad.slice(0, 10)));
  }
  b.destroy();
});
