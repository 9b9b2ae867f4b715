import { expect, test } from 'vitest';
import { createWebGPUBackend } from '../src/index.js';

test('smoke', async () => {
  const b = await createWebGPUBackend();
  console.log(b.name);
  const x = b.upload('float32', new Float32Array([1, -2, 3, 4]));
  const out = b.alloc('float32', 4);
  b.run('unary', [{ buffer: out, dtype: 'float32', shape: [4], strides: [1], offset: 0 }], [{ buffer: x, dtype: 'float32', shape: [4], strides: [1], offset: 0 }], { op: 'exp', params: [] });
  const r = await b.read({ buffer: out, dtype: 'float32', shape: [2, 2], strides: [1, 2], offset: 0 });
  console.log(r);
  expect(r.length).toBe(4);
  b.destroy();
});
