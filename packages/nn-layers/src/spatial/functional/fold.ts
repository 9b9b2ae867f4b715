/** F.unfold (im2col) and F.fold (col2im) over 2-D spatial inputs. */
import { fmtShape, numel } from '@kindling/ops';
import type { Tensor } from '@kindling/tensor';
import { checkAtLeast } from '../arg-checks.js';
import { ntuple, type Size } from '../ntuple.js';
import { pyTuple } from '../py-format.js';

/** Options of fold/unfold (PyTorch's defaults: dilation 1, padding 0, stride 1). */
export interface FoldOptions {
  dilation?: Size;
  padding?: Size;
  stride?: Size;
}

interface Geometry {
  kernel: number[];
  dilation: number[];
  padding: number[];
  stride: number[];
}

function geometry(where: string, kernelSize: Size, opts: FoldOptions): Geometry {
  const kernel = ntuple(where, 'kernel_size', kernelSize, 2);
  const dilation = ntuple(where, 'dilation', opts.dilation ?? 1, 2);
  const padding = ntuple(where, 'padding', opts.padding ?? 0, 2);
  const stride = ntuple(where, 'stride', opts.stride ?? 1, 2);
  checkAtLeast(where, 'kernel_size', kernel, 1);
  checkAtLeast(where, 'dilation', dilation, 1);
  checkAtLeast(where, 'padding', padding, 0);
  checkAtLeast(where, 'stride', stride, 1);
  return { kernel, dilation, padding, stride };
}

/** The grid of sliding blocks over a (padded) spatial size; throws when it is empty. */
function blocks(where: string, spatial: readonly number[], g: Geometry): number[] {
  const grid = spatial.map(
    (s, i) => Math.floor((s + 2 * g.padding[i] - g.dilation[i] * (g.kernel[i] - 1) - 1) / g.stride[i]) + 1,
  );
  if (grid.some((v) => v < 1)) {
    throw new RangeError(
      `${where}: given spatial size (${spatial.join(', ')}), kernel_size=${pyTuple(g.kernel)}, dilation=${pyTuple(g.dilation)}, padding=${pyTuple(g.padding)}, stride=${pyTuple(g.stride)}, the calculated grid of sliding blocks is (${grid.join(', ')}), but its components must be at least one`,
    );
  }
  return grid;
}

/**
 * F.unfold: extract sliding local blocks. (N, C, H, W) → (N, C·kH·kW, L) or (C, H, W) →
 * (C·kH·kW, L), where L is the number of block positions; each column holds one block, channel-major.
 * @example unfold(x, 2, { stride: 2 }) // [2, 3, 4, 6] → [2, 12, 6]
 */
export function unfold(x: Tensor, kernelSize: Size, opts: FoldOptions = {}): Tensor {
  const where = 'unfold';
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new RangeError(
      `${where}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, but got a ${x.ndim}-D input of shape ${fmtShape(x.shape)}`,
    );
  }
  const g = geometry(where, kernelSize, opts);
  const batched = x.ndim === 4;
  const xb = batched ? x : x.unsqueeze(0);
  const outSize = blocks(where, xb.shape.slice(2), g);
  const cols = xb.im2col({
    kernel: g.kernel,
    stride: g.stride,
    padding: g.padding,
    dilation: g.dilation,
    outSize,
    padValue: 0,
  });
  return batched ? cols : cols.squeeze(0);
}

/**
 * F.fold: sum sliding local blocks back into a tensor (the adjoint of unfold).
 * (N, C·kH·kW, L) → (N, C, *outputSize) or (C·kH·kW, L) → (C, *outputSize); L must equal the
 * number of block positions that `outputSize` gives.
 * @example fold(cols, [4, 5], 2) // [2, 12, 12] → [2, 3, 4, 5]
 */
export function fold(x: Tensor, outputSize: Size, kernelSize: Size, opts: FoldOptions = {}): Tensor {
  const where = 'fold';
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new RangeError(
      `${where}: expected a 2-D (C·kH·kW, L) or 3-D (N, C·kH·kW, L) input, but got a ${x.ndim}-D input of shape ${fmtShape(x.shape)}`,
    );
  }
  const out = ntuple(where, 'output_size', outputSize, 2);
  checkAtLeast(where, 'output_size', out, 1);
  const g = geometry(where, kernelSize, opts);
  const batched = x.ndim === 3;
  const xb = batched ? x : x.unsqueeze(0);
  const k = numel(g.kernel);
  if (xb.shape[1] % k !== 0) {
    throw new RangeError(
      `${where}: expected size of input's dimension ${batched ? 1 : 0} (${xb.shape[1]}) to be divisible by the product of kernel_size ${k}, but got input of shape ${fmtShape(x.shape)}`,
    );
  }
  const grid = blocks(where, out, g);
  if (xb.shape[2] !== numel(grid)) {
    throw new RangeError(
      `${where}: given output_size=${pyTuple(out)}, kernel_size=${pyTuple(g.kernel)}, dilation=${pyTuple(g.dilation)}, padding=${pyTuple(g.padding)}, stride=${pyTuple(g.stride)}, expected size of input's dimension ${batched ? 2 : 1} to match the calculated number of sliding blocks ${grid.join(' * ')} = ${numel(grid)}, but got ${xb.shape[2]} (input of shape ${fmtShape(x.shape)})`,
    );
  }
  const y = xb.col2im({
    kernel: g.kernel,
    stride: g.stride,
    padding: g.padding,
    dilation: g.dilation,
    outSize: grid,
    inputSize: out,
  });
  return batched ? y : y.squeeze(0);
}
