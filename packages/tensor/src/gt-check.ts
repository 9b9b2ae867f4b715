import type { GT } from '@kindling/ops';
import type { Tensor } from './tensor.js';

// Compile-time proof that Tensor implements the interface the op table's gradients use.
declare const t: Tensor;
const asGT: GT = t;
void asGT;
