import type { KernelName } from '@kindling/ops';
import { attention, attentionBackward } from './attention.js';
import type { GpuKernel } from './context.js';
import { binary, copy, fill, unary, where } from './elementwise.js';
import { gather, scatter } from './gather-scatter.js';
import { col2im, im2col } from './im2col.js';
import { matmul } from './matmul.js';
import { reduce } from './reduce.js';
import {
  gruCell,
  gruCellBackward,
  lstmCell,
  lstmCellBackward,
  rnnCell,
  rnnCellBackward,
} from './rnn-cells.js';
import { scan } from './scan.js';
import { softmax } from './softmax.js';

/** Every kernel of @kindling/ops: a kernel added there fails `tsc` here until it is implemented. */
export const KERNELS = {
  unary,
  binary,
  where,
  reduce,
  scan,
  matmul,
  softmax,
  gather,
  scatter,
  im2col,
  col2im,
  copy,
  fill,
  rnnCell,
  rnnCellBackward,
  lstmCell,
  lstmCellBackward,
  gruCell,
  gruCellBackward,
  attention,
  attentionBackward,
} satisfies { [K in KernelName]: GpuKernel<K> };
