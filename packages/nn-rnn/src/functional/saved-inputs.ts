import type { Tensor } from '@kindling/tensor';

/**
 * What autograd's saved-tensor check does for hand-written nodes: remembers the inputs' versions
 * when the node is built and returns a check, for its backward, that throws PyTorch's error if
 * one of them was modified in place since.
 */
export function savedVersions(name: string, inputs: readonly (Tensor | null)[]): () => void {
  const versions = inputs.map((t) => (t ? t._version : 0));
  return () => {
    inputs.forEach((t, i) => {
      if (t && t._version !== versions[i]) {
        throw new Error(
          `one of the variables needed for gradient computation has been modified by an inplace operation: [${t.dtype} [${t.shape.join(', ')}]], which is input ${i} of ${name}, is at version ${t._version}; expected version ${versions[i]} instead.`,
        );
      }
    });
  };
}
