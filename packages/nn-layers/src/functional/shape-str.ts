/** How the functionals print a tensor's shape in their error messages. */
import { fmtShape } from '@kindling/ops';
import type { Tensor } from '@kindling/tensor';

/** Shape as PyTorch prints it in errors: [2, 3]. */
export const shapeStr = (t: Tensor | readonly number[]) =>
  fmtShape(Array.isArray(t) ? t : (t as Tensor).shape);
