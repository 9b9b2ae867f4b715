/**
 * torch.nn.utils.prune basics: unstructured L1 and random pruning, iterative (the new mask
 * prunes among the entries left), and `remove` to make it permanent. Pruning `weight` replaces
 * the parameter by `weight_orig` and a buffer `weight_mask`; `module.weight` = orig · mask is
 * recomputed before every `module.call(...)`.
 */
import { type Module, Parameter } from '@kindling/nn-layers';
import { noGrad, rand, type Tensor, tensor } from '@kindling/tensor';
import { addTaggedHook, deletePlain, findTagged, getAttr, moduleName, setPlain } from './hook-tags.js';

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** How many entries `amount` prunes out of `n`: a fraction in [0, 1), or an integer count. */
function nToPrune(fn: string, amount: number, n: number): number {
  if (typeof amount !== 'number' || Number.isNaN(amount) || amount < 0) {
    throw new RangeError(
      `${fn}: amount=${String(amount)} should either be a float in the range [0, 1] or a non-negative integer`,
    );
  }
  let k: number;
  if (Number.isInteger(amount) && amount !== 0) k = amount;
  else if (amount <= 1) k = roundHalfEven(amount * n);
  else
    throw new RangeError(
      `${fn}: amount=${amount} should either be a float in the range [0, 1] or a non-negative integer`,
    );
  if (k > n)
    throw new RangeError(
      `${fn}: amount=${amount} should be smaller than the number of parameters to prune=${n}`,
    );
  return k;
}

function hostValues(fn: string, t: Tensor): Float64Array {
  if (!t._storage.backend.canReadSync) {
    throw new Error(
      `${fn}: computing the mask reads the tensor, and '${t.device}' is read asynchronously; prune the module on cpu, then move it`,
    );
  }
  return Float64Array.from(t.detach().dataSync(), Number);
}

type Scorer = (scores: Float64Array) => Float64Array;

/** Zero the `k` entries with the smallest score among those still unpruned (mask 1). */
function pruneSmallest(fn: string, amount: number, scores: Float64Array, mask: Float64Array): Float64Array {
  const live: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) live.push(i);
  const k = nToPrune(fn, amount, live.length);
  const out = Float64Array.from(mask);
  live.sort((a, b) => scores[a] - scores[b] || a - b);
  for (let j = 0; j < k; j++) out[live[j]] = 0;
  return out;
}

function applyPruning(
  fn: string,
  module: Module,
  name: string,
  amount: number,
  score: Scorer,
  importanceScores?: Tensor,
): Module {
  const existing = findTagged(module, 'prune', name);
  let orig: Tensor;
  let mask: Float64Array;
  if (existing.length) {
    // iterative pruning: start from the current mask
    orig = getAttr<Tensor>(module, `${name}_orig`);
    mask = hostValues(fn, getAttr<Tensor>(module, `${name}_mask`));
  } else {
    const p = module._parameters.get(name) ?? module._buffers.get(name);
    if (!p) throw new Error(`${fn}: ${moduleName(module)} has no parameter or buffer named '${name}' (name)`);
    orig = p;
    mask = new Float64Array(p.numel()).fill(1);
  }
  const imp = importanceScores ?? orig;
  if (imp.ndim !== orig.ndim || imp.shape.some((d, i) => d !== orig.shape[i])) {
    throw new RangeError(
      `${fn}: importanceScores should have the same shape as parameter ${name} of ${moduleName(module)}`,
    );
  }
  const newMask = pruneSmallest(fn, amount, score(hostValues(fn, imp)), mask);
  const maskT = tensor(orig.dtype === 'float64' ? newMask : Float32Array.from(newMask), {
    shape: [...orig.shape],
    dtype: orig.isFloatingPoint() ? orig.dtype : 'float32',
    device: orig.device,
  });
  if (existing.length) {
    noGrad(() => getAttr<Tensor>(module, `${name}_mask`).copy_(maskT));
  } else {
    if (orig instanceof Parameter) {
      module.registerParameter(`${name}_orig`, orig);
      module._parameters.delete(name);
    } else {
      module.registerBuffer(`${name}_orig`, orig);
      module._buffers.delete(name);
    }
    module.registerBuffer(`${name}_mask`, maskT);
    const applyMask = (m: Module) =>
      getAttr<Tensor>(m, `${name}_orig`).mul(getAttr<Tensor>(m, `${name}_mask`));
    const tag = {
      kind: 'prune' as const,
      name,
      remove(m: Module) {
        const w = noGrad(() => applyMask(m));
        deletePlain(m, name);
        const o = m._parameters.get(`${name}_orig`);
        m._parameters.delete(`${name}_orig`);
        m._buffers.delete(`${name}_mask`);
        if (o) {
          noGrad(() => o.copy_(w));
          m.registerParameter(name, o);
        } else {
          const b = m._buffers.get(`${name}_orig`) as Tensor;
          m._buffers.delete(`${name}_orig`);
          noGrad(() => b.copy_(w));
          m.registerBuffer(name, b);
        }
      },
    };
    addTaggedHook(module, tag, (m) => {
      setPlain(m, name, applyMask(m));
    });
  }
  setPlain(
    module,
    name,
    getAttr<Tensor>(module, `${name}_orig`).mul(getAttr<Tensor>(module, `${name}_mask`)),
  );
  return module;
}

/**
 * Prune the `amount` entries of `module[name]` with the smallest absolute value
 * (torch.nn.utils.prune.l1_unstructured): a fraction in [0, 1) of the (remaining) entries, or an
 * integer count (so 1 prunes one entry). Ties go to the lower index.
 *
 * @example
 * l1Unstructured(fc, 'weight', { amount: 0.3 });
 * fc.weight_mask; // 0 where pruned
 */
export function l1Unstructured<M extends Module>(
  module: M,
  name: string,
  opts: { amount: number; importanceScores?: Tensor },
): M {
  applyPruning('l1Unstructured', module, name, opts.amount, (s) => s.map(Math.abs), opts.importanceScores);
  return module;
}

/**
 * Prune `amount` entries of `module[name]` chosen at random (torch.nn.utils.prune.random_unstructured),
 * drawn from Kindling's generator (`manualSeed` makes it repeatable).
 *
 * @example
 * randomUnstructured(fc, 'bias', { amount: 2 });
 */
export function randomUnstructured<M extends Module>(module: M, name: string, opts: { amount: number }): M {
  applyPruning('randomUnstructured', module, name, opts.amount, (s) =>
    Float64Array.from(rand([s.length], { dtype: 'float64' }).dataSync(), Number),
  );
  return module;
}

/**
 * Make the pruning of `module[name]` permanent (torch.nn.utils.prune.remove): `name` is a plain
 * parameter again holding orig · mask; `${name}_orig` and `${name}_mask` go away.
 */
export function remove<M extends Module>(module: M, name: string): M {
  const found = findTagged(module, 'prune', name);
  if (!found.length)
    throw new Error(
      `remove: Parameter '${name}' of module ${moduleName(module)} has to be pruned before pruning can be removed`,
    );
  const [id, tag] = found[0];
  tag.remove(module);
  module._forwardPreHooks.delete(id);
  return module;
}

/** Whether any submodule of `module` is pruned (torch.nn.utils.prune.is_pruned). */
export function isPruned(module: Module): boolean {
  for (const m of module.modules()) if (findTagged(m, 'prune').length) return true;
  return false;
}
