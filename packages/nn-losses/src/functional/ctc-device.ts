/**
 * CTC on devices without synchronous readback (webgpu): the same alpha-beta computation as the
 * host path in ctc.ts, written as batched tensor ops that stay on the device, so the forward is
 * still synchronous. Nothing is read back: lengths and labels are used as device tensors (lengths
 * known on the host only narrow the sizes: the longest target, the longest input).
 *
 * Layout: the N samples' extended labels l' = (blank, l_1, blank, ..., l_L, blank) are padded to
 * one width S' = 2 Lw + 1 (Lw the longest target, or a bound on it when the lengths live on the
 * device). Each time step is one small, fixed set of ops over [N, S']: the log-add of alpha_{t-1}
 * at s, s-1 and (where l'(s) != l'(s-2)) s-2, plus the log-probability of l'(s) at t. Positions
 * s >= 2 L_n + 1 hold log 0 throughout (their log-probabilities are masked to -inf up front), and
 * a sample's alpha stops changing once t reaches its input length, so the last alpha row holds
 * every sample's final alpha. Beta runs backwards the same way, started at t = inputLength - 1.
 *
 * The gradient is PyTorch's ctc_loss_backward:
 *   grad[t, n, c] = (exp(lp[t, n, c]) - exp(logsumexp_{s: l'(s) = c}(alpha_t(s) + beta_t(s)) + nll_n - lp[t, n, c])) * g_n
 * for t < inputLength_n (0 beyond), computed as exp(lp) minus the per-class sum of the
 * occupancies exp(alpha_t(s) + beta_t(s) - lp[t, n, l'(s)] + nll_n) (each in [0, 1], so nothing
 * overflows), scattered to their classes with scatterAdd. Like PyTorch, an infinite loss has a NaN
 * gradient (on t < inputLength), and with zeroInfinity a zero loss and a zero gradient. The
 * gradient is a customOp: the backward never runs autograd through the per-timestep loop.
 *
 * float16 computes in float32; float64 (only reachable on cpu, when tests force this path)
 * stays float64.
 */
import {
  arange,
  cat,
  type DType,
  full,
  isGradEnabled,
  scope,
  type Tensor,
  tensor,
  zeros,
} from '@kindling/tensor';
import { customOp } from '../custom-grad.js';
import type { Reduction } from '../reduction.js';

const NEG_INF = Number.NEGATIVE_INFINITY;
const POS_INF = Number.POSITIVE_INFINITY;

/** Values read on the host (already checked), or the device tensor when they could not be. */
export interface LengthsArg {
  host: number[] | null;
  tensor: Tensor | null;
}

export interface CtcDeviceArgs {
  logProbs: Tensor;
  targets: Tensor;
  /** 'padded': (N, S), or (S) unbatched; 'concat': 1-D, the N targets back to back. */
  layout: 'padded' | 'concat';
  inputLengths: LengthsArg;
  targetLengths: LengthsArg;
  T: number;
  B: number;
  C: number;
  batched: boolean;
  blank: number;
  zeroInfinity: boolean;
  reduction: Reduction;
}

/** A [N] int32 tensor of lengths on `device`. */
function lengthsOn(where: string, name: string, l: LengthsArg, n: number, device: Tensor['device']): Tensor {
  if (l.host) return tensor(Int32Array.from(l.host), { shape: [n], dtype: 'int32', device });
  const t = (l.tensor as Tensor).reshape([n]);
  return sameDevice(where, name, t, device);
}

function sameDevice(where: string, name: string, t: Tensor, device: Tensor['device']): Tensor {
  if (t.device === device) return t;
  if (!t._storage.backend.canReadSync) {
    throw new Error(
      `${where}: ${name} is on '${t.device}' but logProbs is on '${device}'; move it with await ${name}.toAsync('${device}')`,
    );
  }
  return t.to(device);
}

/** log(sum_i exp(xs_i)) elementwise; an all -inf set gives -inf (not NaN). */
function logAddExp(xs: readonly Tensor[]): Tensor {
  if (xs.length === 1) return xs[0];
  const x = cat(
    xs.map((v) => v.unsqueeze(0)),
    0,
  );
  const m = x.amax(0);
  const safe = m.where(m.ne(NEG_INF), 0);
  return x.sub(safe).exp().sum(0).log().add(safe);
}

/** The [N, Lw] labels (clamped into [0, C) so every gather stays in range). */
function paddedLabels(a: CtcDeviceArgs, tl: Tensor, Lw: number, device: Tensor['device']): Tensor {
  const { B: N, C } = a;
  const where = 'ctcLoss';
  const targets = sameDevice(where, 'targets', a.targets, device);
  let lab: Tensor;
  if (a.layout === 'padded') {
    const t2 = targets.ndim === 1 ? targets.reshape([1, -1]) : targets;
    lab = t2.narrow(1, 0, Lw);
  } else {
    const total = targets.shape[0];
    let idx: Tensor;
    const host = a.targetLengths.host;
    if (host) {
      // the offsets are known: build the index on the host
      const data = new Int32Array(N * Lw);
      let off = 0;
      for (let n = 0; n < N; n++) {
        for (let j = 0; j < Lw; j++) data[n * Lw + j] = Math.min(off + j, total - 1);
        off += host[n];
      }
      idx = tensor(data, { shape: [N * Lw], dtype: 'int32', device });
    } else {
      // exclusive cumsum of the lengths: where each sample's labels start
      const start = tl.cumsum(0).sub(tl).reshape([N, 1]);
      idx = start
        .add(arange(0, Lw, { device }).reshape([1, Lw]))
        .clamp(0, total - 1)
        .reshape([N * Lw]);
    }
    lab = targets.gather(0, idx).reshape([N, Lw]);
  }
  return lab.clamp(0, C - 1);
}

interface Saved {
  /** [Tm, N, C] probabilities exp(lp) in the compute dtype (a copy: later in-place edits of
   * logProbs do not leak into the gradient, as with the host path). */
  probs: Tensor;
  /** [Tm, N, S'] log-probabilities of the extended labels (raw), and masked to -inf past 2L. */
  lpExtRaw: Tensor;
  lpExt: Tensor;
  /** [Tm, N, S'] alpha. */
  alpha: Tensor;
  /** [N, S'] int32 extended labels. */
  ext: Tensor;
  /** [N, S'] bool: s - 2 -> s allowed (alpha); s + 2 -> s allowed (beta). */
  skip: Tensor | null;
  skipBack: Tensor | null;
  /** [N, S'] bool: s is one of the two final positions 2L, 2L - 1. */
  isEnd: Tensor;
  /** [Tm, N] bool: t < inputLength. */
  active: Tensor;
  /** [N, 1] int32: inputLength - 1. */
  last: Tensor;
  /** [N] negative log-likelihood (inf when infeasible), before zeroInfinity. */
  nll: Tensor;
}

export function ctcLossTensorOps(a: CtcDeviceArgs): Tensor {
  const where = 'ctcLoss';
  const { logProbs, T, B: N, C, blank, batched, zeroInfinity, reduction } = a;
  const device = logProbs.device;
  const outDtype = logProbs.dtype;
  const dt: DType = outDtype === 'float16' ? 'float32' : outDtype;
  const ilHost = a.inputLengths.host;
  const tlHost = a.targetLengths.host;
  // time steps that can matter: up to the longest input when the lengths are known
  const Tm = ilHost ? Math.min(T, Math.max(0, ...ilHost)) : T;
  let Lw: number;
  if (tlHost) Lw = Math.max(0, ...tlHost);
  else if (a.layout === 'padded') Lw = a.targets.shape[a.targets.ndim - 1];
  else Lw = a.targets.shape[0]; // a bound: no target is longer than all of them together
  const S = 2 * Lw + 1;
  const il = lengthsOn(where, 'inputLengths', a.inputLengths, N, device);
  const tl = lengthsOn(where, 'targetLengths', a.targetLengths, N, device);
  const needGrad = isGradEnabled() && logProbs.requiresGrad;
  let saved: Saved | null = null;

  const finishLoss = (nll: Tensor): Tensor => (zeroInfinity ? nll.where(nll.ne(POS_INF), 0) : nll);

  // the scope frees the per-step temporaries; what it returns (the losses, `saved`) survives
  const forward = (): Tensor =>
    scope((): [Tensor, Saved | null] => {
      const tl2 = tl.mul(2).reshape([N, 1]);
      if (Tm === 0 || N === 0) {
        // no input frames: likelihood 1 for an empty target, else 0
        const nll = full([N], 0, { dtype: dt, device }).where(tl.eq(0), POS_INF);
        saved = null;
        return [finishLoss(nll).to(outDtype), null];
      }
      const lp3 = batched ? logProbs : logProbs.unsqueeze(1);
      const lp = (Tm < T ? lp3.narrow(0, 0, Tm) : lp3).to(dt);
      let ext: Tensor;
      if (Lw === 0) ext = full([N, 1], blank, { dtype: 'int32', device });
      else {
        const lab = paddedLabels(a, tl, Lw, device);
        const blanks = full([N, Lw, 1], blank, { dtype: 'int32', device });
        ext = cat([cat([blanks, lab.reshape([N, Lw, 1])], 2).reshape([N, 2 * Lw]), blanks.select(1, 0)], 1);
      }
      const s = arange(0, S, { device }).reshape([1, S]);
      const valid = s.lt(tl2.add(1));
      const isEnd = s.eq(tl2).logicalOr(s.eq(tl2.sub(1)));
      let skip: Tensor | null = null;
      let skipBack: Tensor | null = null;
      if (S >= 3) {
        // PyTorch: the s - 2 term only when l'(s) != l'(s - 2) (never for blanks, nor repeats)
        const diff = ext.narrow(1, 2, S - 2).ne(ext.narrow(1, 0, S - 2));
        const no = full([N, 2], false, { dtype: 'bool', device });
        skip = cat([no, diff], 1);
        skipBack = cat([diff, no], 1);
      }
      const lpExtRaw = lp.gather(2, ext.unsqueeze(0).expand([Tm, N, S]));
      const lpExt = lpExtRaw.where(valid.unsqueeze(0), NEG_INF);
      const active = arange(0, Tm, { device })
        .reshape([Tm, 1])
        .lt(il.reshape([1, N]));
      const pad2 = full([N, 2], NEG_INF, { dtype: dt, device });

      // alpha_0: the first blank and the first label
      const alphas: Tensor[] = [lpExt.select(0, 0).where(s.lt(2), NEG_INF)];
      for (let t = 1; t < Tm; t++) {
        const prev = alphas[t - 1];
        alphas.push(
          scope(() => {
            const terms = [prev];
            if (S >= 2) {
              const p = cat([pad2, prev], 1); // p[:, k + 2] = alpha_{t-1}(k)
              terms.push(p.narrow(1, 1, S));
              if (skip) terms.push(p.narrow(1, 0, S).where(skip, NEG_INF));
            }
            const next = logAddExp(terms).add(lpExt.select(0, t));
            // a sample past its input length keeps its last alpha
            return next.where(active.select(0, t).reshape([N, 1]), prev);
          }),
        );
      }
      const aLast = alphas[Tm - 1];
      const v1 = aLast.gather(1, tl2.clamp(0, S - 1));
      const v2 = aLast.gather(1, tl2.sub(1).clamp(0, S - 1)).where(tl2.gt(0), NEG_INF);
      let nll = logAddExp([v1, v2]).reshape([N]).neg();
      // an empty input: likelihood 1 for an empty target, else 0
      nll = nll.where(il.ne(0), full([N], 0, { dtype: dt, device }).where(tl.eq(0), POS_INF));
      const losses = finishLoss(nll).to(outDtype);
      if (needGrad) {
        const alpha = cat(
          alphas.map((x) => x.unsqueeze(0)),
          0,
        );
        saved = {
          probs: lp.exp(),
          lpExtRaw,
          lpExt,
          alpha,
          ext,
          skip,
          skipBack,
          isEnd,
          active,
          last: il.sub(1).reshape([N, 1]),
          nll,
        };
      }
      return [losses, saved];
    })[0];

  const backward = (g: Tensor): Tensor => {
    const shape = batched ? [T, N, C] : [T, C];
    const sv = saved;
    if (!sv) return zeros(shape, { dtype: outDtype, device });
    return scope(() => {
      const { probs, lpExt, lpExtRaw, alpha, ext, skipBack, isEnd, active, last, nll } = sv;
      const S1 = ext.shape[1];
      const pad2 = full([N, 2], NEG_INF, { dtype: dt, device });
      const betas: Tensor[] = new Array(Tm);
      let next = full([N, S1], NEG_INF, { dtype: dt, device });
      for (let t = Tm - 1; t >= 0; t--) {
        const bn = next;
        next = scope(() => {
          const lpt = lpExt.select(0, t);
          const terms = [bn];
          if (S1 >= 2) {
            const p = cat([bn, pad2], 1); // p[:, k] = beta_{t+1}(k)
            terms.push(p.narrow(1, 1, S1));
            if (skipBack) terms.push(p.narrow(1, 2, S1).where(skipBack, NEG_INF));
          }
          const rec = logAddExp(terms).add(lpt);
          const start = lpt.where(isEnd, NEG_INF);
          // before the last frame: the recursion; at it: the two final positions; after: log 0
          return rec.where(last.gt(t), start.where(last.eq(t), NEG_INF));
        });
        betas[t] = next;
      }
      const beta = cat(
        betas.map((x) => x.unsqueeze(0)),
        0,
      );
      // occupancy of (t, s): exp(alpha + beta - lp(l'(s)) + nll), summed per class
      const occ = alpha
        .add(beta)
        .sub(lpExtRaw)
        .add(nll.reshape([1, N, 1]))
        .exp();
      const perClass = zeros([Tm, N, C], { dtype: dt, device }).scatterAdd(
        2,
        ext.unsqueeze(0).expand([Tm, N, S1]),
        occ,
      );
      const gn = g.to(dt).reshape([1, N, 1]);
      let grad = probs.sub(perClass).mul(gn);
      const infeasible = nll.eq(POS_INF).reshape([1, N, 1]);
      const rows = active.reshape([Tm, N, 1]);
      if (zeroInfinity) grad = grad.where(rows.logicalAnd(infeasible.logicalNot()), 0);
      else grad = grad.where(infeasible.logicalNot(), Number.NaN).where(rows, 0);
      if (Tm < T) grad = cat([grad, zeros([T - Tm, N, C], { dtype: dt, device })], 0);
      return grad.reshape(shape).to(outDtype);
    });
  };

  const losses = customOp('CtcLossBackward0', [logProbs], forward, (g) => [backward(g)]);
  if (reduction === 'mean') return losses.div(tl.clamp(1).to(losses.dtype)).mean();
  if (reduction === 'sum') return losses.sum();
  return batched ? losses : losses.reshape([]);
}
