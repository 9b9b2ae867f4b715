import { F, type Module, Parameter } from '@kindling/nn-layers';
import { noGrad, randn, type Tensor } from '@kindling/tensor';
import { addTaggedHook, deletePlain, findTagged, getAttr, moduleName, setPlain } from './hook-tags.js';

export interface SpectralNormOptions {
  /** Power iterations per training forward (default 1). */
  nPowerIterations?: number;
  /** Added to norms in the power iteration (default 1e-12). */
  eps?: number;
  /** The output dim (default 0; 1 for ConvTranspose). */
  dim?: number | null;
}

/** `weight` as a matrix with `dim` first (PyTorch's reshape_weight_to_matrix). */
export function weightToMatrix(weight: Tensor, dim: number): Tensor {
  let w = weight;
  if (dim !== 0) w = w.permute([dim, ...w.shape.map((_, i) => i).filter((i) => i !== dim)]);
  return w.reshape([w.shape[0], -1]);
}

const isConvTranspose = (m: Module) => /^ConvTranspose[123]d$/.test(m._getName());

/**
 * Divide `module[name]` by its largest singular value σ, estimated by power iteration
 * (torch.nn.utils.spectral_norm): the parameter becomes `${name}_orig`, with buffers `${name}_u`,
 * `${name}_v` holding the singular-vector estimates (updated in place in training mode, before
 * every `module.call(...)`), and `module[name]` = W / σ with σ = uᵀWv.
 *
 * @example
 * const d = spectralNorm(new Linear(20, 40));
 * d.weight_u.shape; // [40]
 */
export function spectralNorm<M extends Module>(
  module: M,
  name = 'weight',
  opts: SpectralNormOptions = {},
): M {
  const fn = 'spectralNorm';
  const nIter = opts.nPowerIterations ?? 1;
  const eps = opts.eps ?? 1e-12;
  if (!Number.isInteger(nIter) || nIter <= 0) {
    throw new RangeError(
      `${fn}: Expected nPowerIterations to be positive, but got nPowerIterations=${nIter}`,
    );
  }
  if (findTagged(module, 'spectralNorm', name).length)
    throw new Error(`${fn}: Cannot register two spectral_norm hooks on the same parameter ${name}`);
  const weight = module._parameters.get(name);
  if (!weight)
    throw new Error(
      `${fn}: \`SpectralNorm\` cannot be applied as parameter \`${name}\` is None (or missing) in ${moduleName(module)}`,
    );
  const dim0 = opts.dim ?? (isConvTranspose(module) ? 1 : 0);
  const dim = dim0 < 0 ? dim0 + weight.ndim : dim0;
  if (dim < 0 || dim >= weight.ndim)
    throw new RangeError(`${fn}: dim ${dim0} is out of range for a ${weight.ndim}-D weight (dim)`);
  const [u, v] = noGrad(() => {
    const mat = weightToMatrix(weight, dim);
    const [h, w] = mat.shape;
    const o = { dtype: weight.dtype, device: weight.device };
    return [F.normalize(randn([h], o), { dim: 0, eps }), F.normalize(randn([w], o), { dim: 0, eps })];
  });
  module._parameters.delete(name);
  module.registerParameter(`${name}_orig`, weight);
  setPlain(module, name, weight.detach());
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  const compute = (powerIteration: boolean): Tensor => {
    const w = getAttr<Tensor>(module, `${name}_orig`);
    let uu = getAttr<Tensor>(module, `${name}_u`);
    let vv = getAttr<Tensor>(module, `${name}_v`);
    const mat = weightToMatrix(w, dim);
    if (powerIteration) {
      noGrad(() => {
        for (let i = 0; i < nIter; i++) {
          vv.copy_(F.normalize(mat.t().mv(uu), { dim: 0, eps }));
          uu.copy_(F.normalize(mat.mv(vv), { dim: 0, eps }));
        }
      });
      uu = uu.clone();
      vv = vv.clone();
    }
    const sigma = uu.dot(mat.mv(vv));
    return w.div(sigma);
  };
  addTaggedHook(
    module,
    {
      kind: 'spectralNorm',
      name,
      remove(m) {
        const w = noGrad(() => compute(false));
        deletePlain(m, name);
        m._buffers.delete(`${name}_u`);
        m._buffers.delete(`${name}_v`);
        m._parameters.delete(`${name}_orig`);
        m.registerParameter(name, new Parameter(w.detach()));
      },
    },
    (m) => {
      setPlain(m, name, compute(m.training));
    },
  );
  return module;
}

/** Undo `spectralNorm`: `module[name]` becomes a plain parameter holding W / σ (torch.nn.utils.remove_spectral_norm). */
export function removeSpectralNorm<M extends Module>(module: M, name = 'weight'): M {
  const found = findTagged(module, 'spectralNorm', name);
  if (!found.length)
    throw new Error(`removeSpectralNorm: spectral_norm of '${name}' not found in ${moduleName(module)}`);
  const [id, tag] = found[0];
  tag.remove(module);
  module._forwardPreHooks.delete(id);
  return module;
}
