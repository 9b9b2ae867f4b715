import { isTensor, type Tensor } from '@kindling/tensor';

/** A tensor or an iterable of tensors (e.g. `model.parameters()`), as torch.nn.utils accepts. */
export type TensorOrTensors = Tensor | Iterable<Tensor>;

/** The tensors of `parameters` as an array; `fn` names the caller in errors. */
export function tensorList(fn: string, parameters: TensorOrTensors): Tensor[] {
  if (isTensor(parameters)) return [parameters];
  if (
    parameters === null ||
    parameters === undefined ||
    typeof (parameters as Iterable<Tensor>)[Symbol.iterator] !== 'function'
  ) {
    throw new TypeError(
      `${fn}: parameters must be a Tensor or an iterable of Tensors, got ${parameters === null ? 'null' : typeof parameters}`,
    );
  }
  const list = [...(parameters as Iterable<Tensor>)];
  list.forEach((p, i) => {
    if (!isTensor(p))
      throw new TypeError(`${fn}: parameters[${i}] is not a Tensor (got ${p === null ? 'null' : typeof p})`);
  });
  return list;
}
