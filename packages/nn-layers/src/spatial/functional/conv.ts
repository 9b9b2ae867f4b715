/**
 * Convolution functionals, re-exported from @kindling/tensor (F.conv1d … F.conv_transpose3d), and
 * the output-padding rule ConvTranspose uses for a requested output size.
 */
import { fmtShape } from '@kindling/ops';

export {
  type ConvOptions,
  type ConvTransposeOptions,
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
} from '@kindling/tensor';

/**
 * PyTorch's `_ConvTransposeNd._output_padding`: the output padding that makes a transposed
 * convolution of `inputShape` produce `outputSize` (spatial dims, or with the leading non-spatial
 * dims). Throws when the size is not reachable: valid sizes run from the stride-1 minimum to
 * minimum + stride − 1.
 */
export function convTransposeOutputPadding(
  where: string,
  inputShape: readonly number[],
  outputSize: readonly number[],
  stride: readonly number[],
  padding: readonly number[],
  kernel: readonly number[],
  dilation: readonly number[],
): number[] {
  const sd = kernel.length;
  const nonSpatial = inputShape.length === sd + 2 ? 2 : 1;
  let os = [...outputSize];
  if (os.length === nonSpatial + sd) os = os.slice(nonSpatial);
  if (os.length !== sd) {
    throw new RangeError(
      `${where}: for ${inputShape.length}D input, output_size must have ${sd} or ${nonSpatial + sd} elements (got ${outputSize.length}: [${outputSize.join(', ')}])`,
    );
  }
  const inSpatial = inputShape.slice(nonSpatial);
  const min = inSpatial.map(
    (s, d) => (s - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernel[d] - 1) + 1,
  );
  const max = min.map((m, d) => m + stride[d] - 1);
  if (os.some((s, d) => s < min[d] || s > max[d])) {
    throw new RangeError(
      `${where}: requested an output size of [${os.join(', ')}], but valid sizes range from [${min.join(', ')}] to [${max.join(', ')}] (for an input of ${fmtShape(inSpatial)})`,
    );
  }
  return os.map((s, d) => s - min[d]);
}
