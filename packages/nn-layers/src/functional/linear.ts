/** linear and bilinear (torch.nn.functional). */
import type { Tensor } from '@kindling/tensor';
import { shapeStr } from './shape-str.js';

/** x·Wᵀ + b. input [*, in], weight [out, in], bias [out] → [*, out]. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const inF = weight.ndim === 2 ? weight.shape[1] : weight.shape[0];
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inF) {
    throw new RangeError(
      `linear: mat1 and mat2 shapes cannot be multiplied (input ${shapeStr(input)}, weight ${shapeStr(weight)}: expected input [*, ${inF}])`,
    );
  }
  const out = input.matmul(weight.ndim === 2 ? weight.t() : weight);
  return bias ? out.add(bias) : out;
}

/**
 * x1ᵀ·A·x2 + b per output feature. input1 [*, in1], input2 [*, in2], weight [out, in1, in2],
 * bias [out] → [*, out].
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (input1.ndim !== input2.ndim || input1.shape.slice(0, -1).some((d, i) => d !== input2.shape[i])) {
    throw new RangeError(
      `bilinear(): input batch dimensions do not match: got ${shapeStr(input1)} and ${shapeStr(input2)}`,
    );
  }
  if (weight.ndim !== 3) throw new RangeError(`bilinear(): weight must be 3-D, got ${shapeStr(weight)}`);
  const [out, in1, in2] = weight.shape;
  if (input1.shape[input1.ndim - 1] !== in1) {
    throw new RangeError(
      `bilinear(): input1 size does not match weight size: got ${input1.shape[input1.ndim - 1]} but expected ${in1}`,
    );
  }
  if (input2.shape[input2.ndim - 1] !== in2) {
    throw new RangeError(
      `bilinear(): input2 size does not match weight size: got ${input2.shape[input2.ndim - 1]} but expected ${in2}`,
    );
  }
  const lead = input1.shape.slice(0, -1);
  const x1 = input1.reshape([-1, in1]);
  const x2 = input2.reshape([-1, 1, in2]);
  // [N, in1] @ [in1, out·in2] → [N, out, in2], then contract in2 with x2
  const w = weight.permute([1, 0, 2]).reshape([in1, out * in2]);
  let y = x1.matmul(w).reshape([-1, out, in2]).mul(x2).sum(-1);
  if (bias) y = y.add(bias);
  return y.reshape([...lead, out]);
}
