import type { KernelName } from '@kindling/ops';
import type { CpuKernel } from '../context.js';
import { attention, attentionBackward } from './attention.js';
import { copy } from './copy.js';
import { binary, unary, where } from './elementwise.js';
import { fill } from './fill.js';
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
} satisfies Record<KernelName, unknown> & { [K in KernelName]: CpuKernel<K> };
