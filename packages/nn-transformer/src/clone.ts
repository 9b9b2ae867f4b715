/**
 * A deep copy of a module (Python's copy.deepcopy of an nn.Module), used by TransformerEncoder
 * and TransformerDecoder to stack independent copies of one layer. nn-layers' Module has no
 * clone of its own; this one works for any Module subclass without calling its constructor.
 */
import { Module, Parameter } from '@kindling/nn-layers';
import { keep, noGrad, type Tensor } from '@kindling/tensor';

type Memo = Map<object, unknown>;

const REGISTRIES = new Set(['_parameters', '_buffers', '_nonPersistentBuffers', '_modules', '_isModule']);

const isTensor = (v: unknown): v is Tensor =>
  !!v && typeof v === 'object' && (v as { _isTensor?: boolean })._isTensor === true;
const isModule = (v: unknown): v is Module =>
  !!v && typeof v === 'object' && (v as { _isModule?: boolean })._isModule === true;

function cloneTensor(t: Tensor, memo: Memo): Tensor {
  const hit = memo.get(t);
  if (hit) return hit as Tensor;
  let copy: Tensor;
  if (t instanceof Parameter) {
    copy = new Parameter(
      noGrad(() => t.detach().clone()),
      t.requiresGrad,
    );
  } else {
    copy = keep(noGrad(() => t.detach().clone()));
    if (t.requiresGrad && t.isLeaf) copy.requiresGrad_(true);
  }
  if (t.grad) copy.grad = noGrad(() => (t.grad as Tensor).detach().clone());
  memo.set(t, copy);
  return copy;
}

function cloneValue(v: unknown, memo: Memo): unknown {
  if (v === null || typeof v !== 'object') return v; // primitives and functions are shared
  if (isModule(v)) return cloneModule(v, memo);
  if (isTensor(v)) return cloneTensor(v, memo);
  const hit = memo.get(v);
  if (hit) return hit;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    memo.set(v, out);
    for (const x of v) out.push(cloneValue(x, memo));
    return out;
  }
  if (v instanceof Map) {
    const out = new Map();
    memo.set(v, out);
    for (const [k, x] of v) out.set(k, cloneValue(x, memo));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set();
    memo.set(v, out);
    for (const x of v) out.add(cloneValue(x, memo));
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = Object.create(proto);
    memo.set(v, out);
    for (const [k, x] of Object.entries(v)) out[k] = cloneValue(x, memo);
    return out;
  }
  return v; // other class instances (generators, handles, ...) are shared
}

/**
 * A deep copy of `module`: the same class, fresh copies of every parameter (same values and
 * requiresGrad), buffer and submodule (shared ones stay shared within the copy), the same
 * training mode, hooks and plain attributes.
 *
 * @example
 * const layer = new TransformerEncoderLayer(16, 4);
 * const twin = cloneModule(layer);
 * twin.linear1.weight === layer.linear1.weight; // false, but equal values
 */
export function cloneModule<M extends Module>(module: M, memo: Memo = new Map()): M {
  const hit = memo.get(module);
  if (hit) return hit as M;
  // runs only Module's constructor, with the subclass's prototype: an empty module of that class
  const copy = Reflect.construct(Module, [], module.constructor) as M;
  memo.set(module, copy);
  for (const [k, p] of module._parameters)
    copy._parameters.set(k, p ? (cloneTensor(p, memo) as Parameter) : null);
  for (const [k, b] of module._buffers) copy._buffers.set(k, b ? cloneTensor(b, memo) : null);
  for (const k of module._nonPersistentBuffers) copy._nonPersistentBuffers.add(k);
  for (const [k, m] of module._modules) copy._modules.set(k, m ? cloneModule(m, memo) : null);
  for (const key of Reflect.ownKeys(module)) {
    if (typeof key === 'string' && REGISTRIES.has(key)) continue;
    const desc: PropertyDescriptor | undefined = Reflect.getOwnPropertyDescriptor(module, key);
    if (!desc) continue;
    if ('value' in desc) desc.value = cloneValue(desc.value, memo);
    Reflect.defineProperty(copy, key, desc);
  }
  return copy;
}
