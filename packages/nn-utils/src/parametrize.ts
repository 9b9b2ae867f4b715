/**
 * torch.nn.utils.parametrize: `module[name]` computed from stored "original" tensors by a list of
 * parametrization modules. The originals live in `module.parametrizations[name]` (a
 * ParametrizationList, a ModuleList of the parametrizations), so the state-dict keys are
 * PyTorch's (`parametrizations.weight.original`, `...original0`, `...0.base`).
 */
import { Module, ModuleDict, ModuleList, Parameter } from '@kindling/nn-layers';
import { isTensor, noGrad, type Tensor } from '@kindling/tensor';
import { getAttr } from './hook-tags.js';

/**
 * A parametrization: a Module whose `forward` maps the original tensor(s) to the exposed one;
 * `rightInverse` (optional) maps a value back to the original(s) (one tensor or an array).
 */
export interface Parametrization extends Module {
  rightInverse?(value: Tensor): Tensor | Tensor[];
}

const shapeStr = (t: Tensor) => `[${t.shape.join(', ')}]`;
const sameShape = (a: Tensor, b: Tensor) => a.ndim === b.ndim && a.shape.every((d, i) => d === b.shape[i]);

/** Register a tensor as a parameter (when `like` is one) or a buffer. */
function registerLike(m: Module, name: string, value: Tensor, like: Tensor): void {
  if (like instanceof Parameter) {
    m.registerParameter(
      name,
      value instanceof Parameter ? value : new Parameter(value.detach(), like.requiresGrad),
    );
  } else m.registerBuffer(name, value.detach());
}

/** The parametrizations of one tensor, with its original(s) (torch.nn.utils.parametrize.ParametrizationList). */
export class ParametrizationList extends ModuleList<Module> {
  unsafe: boolean;
  isTensor: boolean;
  ntensors: number;

  constructor(modules: Module[], original: Tensor, unsafe = false) {
    super(modules);
    const fn = 'registerParametrization';
    this.unsafe = unsafe;
    let value: Tensor | Tensor[] = original;
    noGrad(() => {
      for (const m of [...this].reverse()) {
        const ri = (m as Parametrization).rightInverse;
        if (typeof ri === 'function') value = ri.call(m, value as Tensor);
      }
    });
    const nw = value as Tensor | Tensor[];
    if (!isTensor(nw) && !Array.isArray(nw)) {
      throw new TypeError(
        `${fn}: 'rightInverse' must return a Tensor or an array of tensors. Got ${typeof nw}`,
      );
    }
    this.isTensor = isTensor(nw);
    this.ntensors = this.isTensor ? 1 : (nw as Tensor[]).length;
    if (isTensor(nw)) {
      if (nw.dtype !== original.dtype) {
        throw new TypeError(
          `${fn}: When 'rightInverse' outputs one tensor, it may not change the dtype. original.dtype: ${original.dtype}, rightInverse(original).dtype: ${nw.dtype}`,
        );
      }
      // PyTorch's original.set_(new): the original Parameter keeps its identity
      if (nw !== original && original instanceof Parameter) noGrad(() => original._setData(nw.detach()));
      registerLike(this, 'original', original instanceof Parameter ? original : nw, original);
    } else {
      (nw as Tensor[]).forEach((t, i) => {
        if (!isTensor(t))
          throw new TypeError(
            `${fn}: 'rightInverse' must return a sequence of tensors. Got element ${i} of type ${typeof t}`,
          );
        const p =
          original instanceof Parameter ? new Parameter(t.detach(), original.requiresGrad) : t.detach();
        registerLike(this, `original${i}`, p, original);
      });
    }
    if (!unsafe) {
      const z = this.forward();
      if (!isTensor(z))
        throw new TypeError(`${fn}: A parametrization must return a tensor. Got ${typeof z}.`);
      if (z.dtype !== original.dtype) {
        throw new TypeError(
          `${fn}: Registering a parametrization may not change the dtype of the tensor, unless the unsafe flag is enabled. unparametrized dtype: ${original.dtype}, parametrized dtype: ${z.dtype}`,
        );
      }
      if (!sameShape(z, original)) {
        throw new RangeError(
          `${fn}: Registering a parametrization may not change the shape of the tensor, unless the unsafe flag is enabled. unparametrized shape: ${shapeStr(original)}, parametrized shape: ${shapeStr(z)}`,
        );
      }
    }
  }

  /** The originals, in order. */
  originals(): Tensor[] {
    return this.isTensor
      ? [getAttr<Tensor>(this, 'original')]
      : Array.from({ length: this.ntensors }, (_, i) => getAttr<Tensor>(this, `original${i}`));
  }

  /** Store `value` as the new original(s), through each parametrization's rightInverse. */
  rightInverse(value: Tensor): void {
    const fn = 'rightInverse';
    noGrad(() => {
      let v: Tensor | Tensor[] = value;
      for (const m of [...this].reverse()) {
        const ri = (m as Parametrization).rightInverse;
        if (typeof ri !== 'function')
          throw new Error(`${fn}: parametrization ${m._getName()} does not implement rightInverse.`);
        v = ri.call(m, v as Tensor);
      }
      if (this.isTensor) {
        if (!isTensor(v)) throw new TypeError(`${fn}: should return a tensor. Got ${typeof v}`);
        const orig = getAttr<Tensor>(this, 'original');
        if (v.dtype !== orig.dtype)
          throw new TypeError(
            `${fn}: The tensor returned by rightInverse has dtype ${v.dtype} while \`original\` has dtype ${orig.dtype}`,
          );
        if (orig instanceof Parameter) orig._setData(v.detach());
        else this.registerBuffer('original', v.detach());
      } else {
        if (!Array.isArray(v) || v.length !== this.ntensors)
          throw new TypeError(`${fn}: must return a sequence of ${this.ntensors} tensors`);
        v.forEach((t, i) => {
          const orig = getAttr<Tensor>(this, `original${i}`);
          if (orig instanceof Parameter) orig._setData(t.detach());
          else this.registerBuffer(`original${i}`, t.detach());
        });
      }
    });
  }

  override forward(): Tensor {
    const mods = [...this];
    let x = (mods[0].call as (...a: unknown[]) => unknown)(...this.originals()) as Tensor;
    for (let i = 1; i < mods.length; i++) x = mods[i].call(x) as Tensor;
    return x;
  }
}

// ---- caching -------------------------------------------------------------------------------
let cacheDepth = 0;
const cache = new Map<ParametrizationList, Tensor>();

/**
 * Run `fn` with parametrized tensors computed once and reused (torch.nn.utils.parametrize.cached).
 *
 * @example
 * cached(() => { for (let t = 0; t < T; t++) h = rnn.call(x[t], h); });
 */
export function cached<R>(fn: () => R): R {
  cacheDepth++;
  try {
    return fn();
  } finally {
    cacheDepth--;
    if (cacheDepth === 0) cache.clear();
  }
}

// ---- registration ----------------------------------------------------------------------------
const ORIGINAL_NAME = Symbol('nn-utils.originalName');

function plistOf(module: Module, name: string): ParametrizationList {
  return getAttr<ModuleDict>(module, 'parametrizations').get(name) as ParametrizationList;
}

/** Whether `module` has parametrizations (on `tensorName`, when given). */
export function isParametrized(module: Module, tensorName?: string): boolean {
  const p = module._modules.get('parametrizations');
  if (!(p instanceof ModuleDict)) return false;
  return tensorName === undefined ? p.length > 0 : p.has(tensorName);
}

function injectProperty(module: Module, name: string): void {
  Object.defineProperty(module, name, {
    configurable: true,
    enumerable: true,
    get() {
      const pl = plistOf(module, name);
      if (cacheDepth > 0) {
        const hit = cache.get(pl);
        if (hit) return hit;
        const v = pl.forward();
        cache.set(pl, v);
        return v;
      }
      return pl.forward();
    },
    set(value: Tensor) {
      plistOf(module, name).rightInverse(value);
    },
  });
}

export interface RegisterParametrizationOptions {
  /** Skip the dtype / shape consistency checks (default false). */
  unsafe?: boolean;
}

/**
 * Make `module[tensorName]` (a parameter or buffer) computed as `parametrization(original)`
 * (torch.nn.utils.parametrize.register_parametrization). Registering again on the same tensor
 * chains: the new parametrization is applied to the previous one's output.
 *
 * @example
 * class Symmetric extends Module { override forward(x: Tensor) { return x.triu().add(x.triu(1).transpose(0, 1)); } }
 * registerParametrization(layer, 'weight', new Symmetric());
 * layer.weight; // symmetric, computed from layer.parametrizations.weight.original
 */
export function registerParametrization<M extends Module>(
  module: M,
  tensorName: string,
  parametrization: Module,
  opts: RegisterParametrizationOptions = {},
): M {
  const fn = 'registerParametrization';
  const unsafe = opts.unsafe ?? false;
  if (!(parametrization instanceof Module)) throw new TypeError(`${fn}: parametrization must be a Module`);
  parametrization.train(module.training);
  if (isParametrized(module, tensorName)) {
    const pl = plistOf(module, tensorName);
    if (!unsafe) {
      const y = getAttr<Tensor>(module, tensorName);
      const x = parametrization.call(y) as Tensor;
      if (!isTensor(x))
        throw new TypeError(`${fn}: A parametrization must return a tensor. Got ${typeof x}.`);
      if (x.dtype !== y.dtype)
        throw new TypeError(
          `${fn}: Registering a parametrization may not change the dtype of the tensor, unless the unsafe flag is enabled.`,
        );
      if (!sameShape(x, y))
        throw new RangeError(
          `${fn}: Registering a parametrization may not change the shape of the tensor, unless the unsafe flag is enabled.`,
        );
    }
    pl.append(parametrization);
    pl.unsafe = pl.unsafe || unsafe;
    return module;
  }
  const isParam = module._parameters.has(tensorName) && module._parameters.get(tensorName);
  const isBuf = module._buffers.has(tensorName) && module._buffers.get(tensorName);
  if (!isParam && !isBuf) {
    throw new Error(
      `${fn}: Module '${module._getName()}' does not have a parameter, a buffer, or a parametrized element with name '${tensorName}'`,
    );
  }
  const original = getAttr<Tensor>(module, tensorName);
  const pl = new ParametrizationList([parametrization], original, unsafe);
  module._parameters.delete(tensorName);
  module._buffers.delete(tensorName);
  module._nonPersistentBuffers.delete(tensorName);
  if (!isParametrized(module)) {
    module.registerModule('parametrizations', new ModuleDict());
    const baseName = module._getName();
    const rec = module as unknown as Record<symbol | string, unknown>;
    rec[ORIGINAL_NAME] = baseName;
    Object.defineProperty(module, '_getName', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: () => `Parametrized${baseName}`,
    });
  }
  getAttr<ModuleDict>(module, 'parametrizations').set(tensorName, pl);
  injectProperty(module, tensorName);
  return module;
}

/**
 * Remove the parametrizations on `tensorName` (torch.nn.utils.parametrize.remove_parametrizations):
 * with `leaveParametrized` (default) the tensor keeps its current parametrized value, else it
 * goes back to the original.
 */
export function removeParametrizations<M extends Module>(
  module: M,
  tensorName: string,
  leaveParametrized = true,
): M {
  const fn = 'removeParametrizations';
  if (!isParametrized(module, tensorName))
    throw new Error(`${fn}: Module ${module._getName()} does not have a parametrization on ${tensorName}`);
  const pl = plistOf(module, tensorName);
  let original: Tensor;
  if (pl.isTensor) {
    original = getAttr<Tensor>(pl, 'original');
    if (leaveParametrized) {
      const t = noGrad(() => getAttr<Tensor>(module, tensorName));
      if (t.dtype !== original.dtype)
        throw new TypeError(
          `${fn}: the parametrized tensor changed dtype (${original.dtype} → ${t.dtype}); cannot leave it parametrized`,
        );
      noGrad(() => {
        if (original instanceof Parameter) original._setData(t.detach().clone());
        else original = t.detach().clone();
      });
    }
  } else {
    if (!leaveParametrized)
      throw new Error(
        `${fn}: Cannot leave unparametrized (leaveParametrized = false) a tensor that is parametrized in terms of a sequence of tensors.`,
      );
    const t = getAttr<Tensor>(module, tensorName);
    const first = getAttr<Tensor>(pl, 'original0');
    original =
      first instanceof Parameter
        ? new Parameter(t.detach().clone(), t.requiresGrad || first.requiresGrad)
        : t.detach().clone();
  }
  delete (module as unknown as Record<string, unknown>)[tensorName];
  getAttr<ModuleDict>(module, 'parametrizations').delete(tensorName);
  if (original instanceof Parameter) module.registerParameter(tensorName, original);
  else module.registerBuffer(tensorName, original);
  if (!isParametrized(module)) {
    module._modules.delete('parametrizations');
    delete (module as unknown as Record<string, unknown>)._getName;
  }
  return module;
}
