import type { KernelName } from '@kindling/ops';
import type { GpuKernel } from './context.js';
import { binary, copy, fill, unary, where } from './elementwise.js';

const todo = (name: string) => () => {
  throw new Error(`webgpu: ${name} not implemented`);
};

/** Every kernel of @kindling/ops: a kernel added there fails `tsc` here until it is implemented. */
export const KERNELS = {
  unary,
  binary,
  where,
  reduce: todo('reduce'),
  scan: todo('scan'),
  matmul: todo('matmul'),
  softmax: todo('softmax'),
  gather: todo('gather'),
  scatter: todo('scatter'),
  im2col: todo('im2col'),
  col2im: todo('col2im'),
  copy,
  fill,
} satisfies { [K in KernelName]: GpuKernel<K> };
