import { it } from 'vitest';
import { createWebGPUBackend } from '../src/index.js';

it('dbg', async () => {
  const b = await createWebGPUBackend();
  const v = (buffer: any) => ({ buffer, dtype: 'float32' as const, shape: [4], strides: [1], offset: 0 });
  const x = b.alloc('float32', 4); const o = b.alloc('float32', 4);
  x.gpu.destroy();
  b.run('unary', [v(o)], [v(x)], { op: 'exp', params: [] });
  await b.read(v(o)).catch((e) => console.log('ERR1', e.message));
  const d = b.gpuDevice;
  const y = b.upload('float32', new Float32Array(4));
  const p = b.read(v(y));
  d.destroy();
  await p.catch((e) => console.log('ERR2', e.message));
  try { b.alloc('float32', 3); } catch (e) { console.log('ERR3', (e as Error).message); }
});
