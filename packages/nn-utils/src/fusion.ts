import type { Module } from '@kindling/nn-layers';
import { Parameter } from '@kindling/nn-layers';
import { defaultGenerator, noGrad, onesLike, type Tensor, zerosLike } from '@kindling/tensor';

/**
 * The weights of a convolution followed by an eval-mode BatchNorm, folded into one
 * (torch.nn.utils.fusion.fuse_conv_bn_weights): W' = W·γ/√(σ²+ε) per output channel,
 * b' = (b − μ)·γ/√(σ²+ε) + β.
 */
export function fuseConvBnWeights(
  convW: Tensor,
  convB: Tensor | null,
  bnRm: Tensor,
  bnRv: Tensor,
  bnEps: number,
  bnW: Tensor | null,
  bnB: Tensor | null,
  transpose = false,
): [Parameter, Parameter] {
  return noGrad(() => {
    const b = convB ?? zerosLike(bnRm);
    const w = bnW ?? onesLike(bnRm);
    const bb = bnB ?? zerosLike(bnRm);
    const rsqrt = bnRv.add(bnEps).rsqrt();
    const rest = Array.from({ length: convW.ndim - 2 }, () => 1);
    const shape = transpose ? [1, -1, ...rest] : [-1, 1, ...rest];
    const fusedW = convW.mul(w.mul(rsqrt).reshape(shape));
    const fusedB = b.sub(bnRm).mul(rsqrt).mul(w).add(bb);
    return [
      new Parameter(fusedW.detach(), convW.requiresGrad),
      new Parameter(fusedB.detach(), b.requiresGrad || convW.requiresGrad),
    ];
  });
}

/** The weights of a Linear followed by an eval-mode BatchNorm1d, folded (torch.nn.utils.fusion.fuse_linear_bn_weights). */
export function fuseLinearBnWeights(
  linearW: Tensor,
  linearB: Tensor | null,
  bnRm: Tensor,
  bnRv: Tensor,
  bnEps: number,
  bnW: Tensor,
  bnB: Tensor,
): [Parameter, Parameter] {
  return noGrad(() => {
    const b = linearB ?? zerosLike(bnRm);
    const scale = bnW.mul(bnRv.add(bnEps).rsqrt());
    const fusedW = linearW.mul(scale.unsqueeze(-1));
    const fusedB = b.sub(bnRm).mul(scale).add(bnB);
    return [
      new Parameter(fusedW.detach(), linearW.requiresGrad),
      new Parameter(fusedB.detach(), linearW.requiresGrad),
    ];
  });
}

interface BnLike extends Module {
  eps: number;
  training: boolean;
}

/** A fresh copy of a layer made by its constructor (without touching the global random state). */
function cloneWith<M extends Module>(m: M, build: (C: new (...a: unknown[]) => M) => M): M {
  const state = defaultGenerator.getState();
  try {
    return build(m.constructor as new (...a: unknown[]) => M);
  } finally {
    defaultGenerator.setState(state);
  }
}

function bnStats(fn: string, bn: BnLike): [Tensor, Tensor] {
  const rm = bn._buffers.get('running_mean');
  const rv = bn._buffers.get('running_var');
  if (!rm || !rv) throw new Error(`${fn}: bn must track running statistics (trackRunningStats: true)`);
  return [rm, rv];
}

/**
 * A new convolution computing conv followed by bn, both in eval mode (torch.nn.utils.fusion.fuse_conv_bn_eval);
 * `transpose` for ConvTranspose. The inputs are left unchanged.
 *
 * @example
 * const fused = fuseConvBnEval(conv.eval(), bn.eval());
 */
export function fuseConvBnEval<C extends Module>(conv: C, bn: Module, transpose = false): C {
  const fn = 'fuseConvBnEval';
  if (conv.training || bn.training)
    throw new Error(`${fn}: Fusion only for eval! (call .eval() on conv and bn)`);
  const c = conv as unknown as Record<string, unknown>;
  const weight = conv._parameters.get('weight');
  if (!weight || !Array.isArray(c.kernelSize))
    throw new TypeError(`${fn}: conv must be a Conv or ConvTranspose layer, got ${conv._getName()}`);
  const [rm, rv] = bnStats(fn, bn as BnLike);
  const isT = Boolean(c.transposed);
  const fused = cloneWith(
    conv,
    (Ctor) =>
      new Ctor(c.inChannels, c.outChannels, c.kernelSize, {
        stride: c.stride,
        padding: c.padding,
        dilation: c.dilation,
        groups: c.groups,
        bias: true,
        paddingMode: c.paddingMode,
        ...(isT ? { outputPadding: c.outputPadding } : {}),
        dtype: weight.dtype,
        device: weight.device,
      }),
  );
  const [w, b] = fuseConvBnWeights(
    weight,
    conv._parameters.get('bias') ?? null,
    rm,
    rv,
    (bn as BnLike).eps,
    bn._parameters.get('weight') ?? null,
    bn._parameters.get('bias') ?? null,
    transpose,
  );
  fused.registerParameter('weight', w);
  fused.registerParameter('bias', b);
  fused.eval();
  return fused;
}

/**
 * A new Linear computing linear followed by an eval-mode BatchNorm1d (torch.nn.utils.fusion.fuse_linear_bn_eval).
 *
 * @example
 * const fused = fuseLinearBnEval(fc.eval(), bn.eval());
 */
export function fuseLinearBnEval<L extends Module>(linear: L, bn: Module): L {
  const fn = 'fuseLinearBnEval';
  if (linear.training || bn.training)
    throw new Error(`${fn}: Fusion only for eval! (call .eval() on linear and bn)`);
  const weight = linear._parameters.get('weight');
  const l = linear as unknown as Record<string, unknown>;
  if (!weight || typeof l.inFeatures !== 'number')
    throw new TypeError(`${fn}: linear must be a Linear layer, got ${linear._getName()}`);
  const [rm, rv] = bnStats(fn, bn as BnLike);
  if (weight.shape[0] !== rm.shape[0]) {
    throw new RangeError(
      `${fn}: Linear outFeatures (${weight.shape[0]}) must match BatchNorm numFeatures (${rm.shape[0]})`,
    );
  }
  const bnW = bn._parameters.get('weight');
  const bnB = bn._parameters.get('bias');
  const fused = cloneWith(
    linear,
    (Ctor) =>
      new Ctor(l.inFeatures, l.outFeatures, { bias: true, dtype: weight.dtype, device: weight.device }),
  );
  const [w, b] = fuseLinearBnWeights(
    weight,
    linear._parameters.get('bias') ?? null,
    rm,
    rv,
    (bn as BnLike).eps,
    bnW ?? onesLike(rm),
    bnB ?? zerosLike(rm),
  );
  fused.registerParameter('weight', w);
  fused.registerParameter('bias', b);
  fused.eval();
  return fused;
}
