/**
 * Connectionist Temporal Classification (Graves et al. 2006), as PyTorch's CPU ctc_loss computes
 * it: the log-space alpha recursion for the forward pass, alpha-beta for the gradient with respect
 * to the log-probabilities, in float64 on the host. The per-sample losses are one custom autograd
 * node (no graph through a per-timestep loop); the reduction is ordinary ops on top.
 * Where logProbs cannot be read synchronously (webgpu), the same computation runs as device tensor
 * ops instead (ctc-device.ts); the argument checks here are shared, minus those needing values
 * that live on the device.
 */
import { type Tensor, tensor } from '@kindling/tensor';
import { fmtShape, isTensor, readSync, requireFloat, requireIndex, requireTensor } from '../common.js';
import { customOp } from '../custom-grad.js';
import { checkReduction, type Reduction } from '../reduction.js';
import { ctcLossTensorOps, type LengthsArg } from './ctc-device.js';

export interface CTCLossOptions {
  /** The blank label (default 0). */
  blank?: number;
  /** 'mean' divides each loss by its target length (at least 1), then averages over the batch. */
  reduction?: Reduction;
  /** Infinite losses (infeasible alignments) and their gradients become 0 (default false). */
  zeroInfinity?: boolean;
}

/** Input or target lengths: a tensor, an array, or one number (unbatched). */
export type Lengths = Tensor | readonly number[] | number;

const NEG_INF = Number.NEGATIVE_INFINITY;

function lse2(a: number, b: number): number {
  const m = a > b ? a : b;
  if (m === NEG_INF) return NEG_INF;
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

function lse3(a: number, b: number, c: number): number {
  let m = a > b ? a : b;
  if (c > m) m = c;
  if (m === NEG_INF) return NEG_INF;
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m));
}

/**
 * One lengths argument: its values when they can be read on the host (numbers, arrays, cpu
 * tensors; checked here), else the device tensor itself (only its dtype and shape are checked).
 * `requireHost` (the host path) throws for a tensor that cannot be read synchronously.
 */
function readLengths(
  where: string,
  name: string,
  x: Lengths,
  expected: number,
  requireHost = true,
  read: (t: Tensor) => ArrayLike<number> | null = readSync,
): LengthsArg {
  let vals: number[];
  if (typeof x === 'number') vals = [x];
  else if (isTensor(x)) {
    if (x.dtype !== 'int32')
      throw new TypeError(`${where}: ${name} must be integral (int32), got ${x.dtype}`);
    if (x.ndim > 1)
      throw new RangeError(`${where}: ${name} must be 0-D or 1-D, got shape ${fmtShape(x.shape)}`);
    const d = read(x);
    if (!d) {
      if (requireHost)
        throw new Error(`${where}: ${name} must be readable synchronously (a cpu tensor or an array)`);
      if (x.numel() !== expected) {
        throw new RangeError(
          `${where}: ${name} must be of size batch_size (${expected}), got ${x.numel()} value(s)`,
        );
      }
      return { host: null, tensor: x };
    }
    vals = Array.from(d, Number);
  } else if (Array.isArray(x)) vals = x.map(Number);
  else throw new TypeError(`${where}: ${name} must be a Tensor, an array of integers or a number`);
  for (const v of vals) {
    if (!Number.isInteger(v)) throw new TypeError(`${where}: ${name} must be integral, got ${v}`);
    if (v < 0) throw new RangeError(`${where}: ${name} must be non-negative, got ${v}`);
  }
  if (vals.length !== expected) {
    throw new RangeError(
      `${where}: ${name} must be of size batch_size (${expected}), got ${vals.length} value(s)`,
    );
  }
  return { host: vals, tensor: isTensor(x) ? x : null };
}

interface CtcResult {
  /** Negative log-likelihood per sample (inf when no alignment exists). */
  nll: Float64Array;
  /** d nll_b / d logProbs[t, b, c] in PyTorch's convention, per sample, [T, B, C]. */
  grad: Float64Array;
}

/** The alpha-beta computation for every sample of a [T, B, C] log-probability array. */
function ctcCore(
  lp: ArrayLike<number>,
  T: number,
  B: number,
  C: number,
  targetOf: (b: number) => number[],
  inputLengths: readonly number[],
  blank: number,
  needGrad: boolean,
): CtcResult {
  const nll = new Float64Array(B);
  const grad = needGrad ? new Float64Array(T * B * C) : new Float64Array(0);
  const at = (t: number, b: number, c: number) => lp[(t * B + b) * C + c];
  for (let b = 0; b < B; b++) {
    const tgt = targetOf(b);
    const L = tgt.length;
    const Tb = inputLengths[b];
    const S = 2 * L + 1;
    const label = (s: number) => (s % 2 === 0 ? blank : tgt[(s - 1) >> 1]);
    if (Tb === 0) {
      nll[b] = L === 0 ? 0 : Number.POSITIVE_INFINITY;
      continue;
    }
    const alpha = new Float64Array(Tb * S).fill(NEG_INF);
    alpha[0] = at(0, b, blank);
    if (L > 0) alpha[1] = at(0, b, label(1));
    for (let t = 1; t < Tb; t++) {
      const prev = (t - 1) * S;
      const cur = t * S;
      for (let s = 0; s < S; s++) {
        const l = label(s);
        const la = alpha[prev + s];
        const lb = s > 0 ? alpha[prev + s - 1] : NEG_INF;
        const lc = s > 1 && l !== label(s - 2) ? alpha[prev + s - 2] : NEG_INF;
        const m = lse3(la, lb, lc);
        alpha[cur + s] = m === NEG_INF ? NEG_INF : m + at(t, b, l);
      }
    }
    const last = (Tb - 1) * S;
    const ll = L === 0 ? alpha[last] : lse2(alpha[last + S - 1], alpha[last + S - 2]);
    const loss = -ll;
    nll[b] = loss;
    if (!needGrad) continue;

    const beta = new Float64Array(Tb * S).fill(NEG_INF);
    beta[last + S - 1] = at(Tb - 1, b, blank);
    if (L > 0) beta[last + S - 2] = at(Tb - 1, b, label(S - 2));
    for (let t = Tb - 2; t >= 0; t--) {
      const nxt = (t + 1) * S;
      const cur = t * S;
      for (let s = 0; s < S; s++) {
        const l = label(s);
        const la = beta[nxt + s];
        const lb = s < S - 1 ? beta[nxt + s + 1] : NEG_INF;
        const lc = s < S - 2 && label(s + 2) !== l ? beta[nxt + s + 2] : NEG_INF;
        const m = lse3(la, lb, lc);
        beta[cur + s] = m === NEG_INF ? NEG_INF : m + at(t, b, l);
      }
    }
    // grad[t, c] = exp(lp) - exp(logsumexp_{s: l'(s) = c}(alpha + beta) + nll - lp)  (PyTorch's form)
    const lcab = new Float64Array(C);
    for (let t = 0; t < Tb; t++) {
      lcab.fill(NEG_INF);
      const row = t * S;
      for (let s = 0; s < S; s++) {
        const c = label(s);
        lcab[c] = lse2(lcab[c], alpha[row + s] + beta[row + s]);
      }
      for (let c = 0; c < C; c++) {
        const v = at(t, b, c);
        grad[(t * B + b) * C + c] = Math.exp(v) - Math.exp(lcab[c] + loss - v);
      }
    }
  }
  return { nll, grad };
}

/**
 * F.ctc_loss(logProbs, targets, inputLengths, targetLengths).
 * logProbs: (T, N, C) log-softmaxed scores, or (T, C) unbatched. targets: (N, S) padded,
 * or 1-D with the N targets concatenated (sum(targetLengths) long); unbatched: (S).
 * Reduction 'none' gives (N) (a 0-dim tensor unbatched); 'mean' divides each loss by its target
 * length (clamped to >= 1) and averages; 'sum' adds.
 *
 * On devices that read synchronously (cpu) the recursion runs on the host in float64. Elsewhere
 * (webgpu) it runs as batched tensor ops on the device (float32; see ctc-device.ts), lengths and
 * targets may then be device tensors, and the checks that need their values are skipped.
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Lengths,
  targetLengths: Lengths,
  opts: CTCLossOptions = {},
): Tensor {
  return ctcLossImpl(logProbs, targets, inputLengths, targetLengths, opts, 'auto');
}

/**
 * Which implementation runs: 'auto' (the host one where logProbs reads synchronously, else the
 * tensor-op one), 'tensor-ops' (forced, on any device), 'tensor-ops-unread' (forced, and tensor
 * lengths and targets are treated as unreadable, as on webgpu). The last two exist for tests.
 */
export type CtcPath = 'auto' | 'tensor-ops' | 'tensor-ops-unread';

/** ctcLoss on a chosen path (internal: not exported from the package). */
export function ctcLossImpl(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Lengths,
  targetLengths: Lengths,
  opts: CTCLossOptions,
  path: CtcPath,
): Tensor {
  const where = 'ctcLoss';
  requireTensor(where, 'logProbs', logProbs);
  requireTensor(where, 'targets', targets);
  requireFloat(where, 'logProbs', logProbs);
  requireIndex(where, 'targets', targets);
  const reduction = checkReduction(where, opts.reduction ?? 'mean');
  const blank = opts.blank ?? 0;
  const zeroInfinity = opts.zeroInfinity ?? false;
  const batched = logProbs.ndim === 3;
  if (!batched && logProbs.ndim !== 2) {
    throw new RangeError(
      `${where}: logProbs must be (T, N, C) or unbatched (T, C), got shape ${fmtShape(logProbs.shape)}`,
    );
  }
  const T = logProbs.shape[0];
  const B = batched ? logProbs.shape[1] : 1;
  const C = logProbs.shape[batched ? 2 : 1];
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) {
    throw new RangeError(`${where}: blank must be in label range [0, ${C}), got ${blank}`);
  }
  // the host path needs every value on the host; the device path takes what is there
  const onHost = path === 'auto' && logProbs._storage.backend.canReadSync;
  const read = path === 'tensor-ops-unread' ? () => null : readSync;
  const ilOp = readLengths(where, 'inputLengths', inputLengths, B, onHost, read);
  const tlOp = readLengths(where, 'targetLengths', targetLengths, B, onHost, read);
  const il = ilOp.host;
  const tl = tlOp.host;
  if (il) {
    for (let b = 0; b < B; b++) {
      if (il[b] > T) {
        throw new RangeError(
          `${where}: Expected inputLengths to have value at most ${T}, but got value ${il[b]} (sample ${b})`,
        );
      }
    }
  }
  const td = read(targets);
  if (!td && onHost) throw new Error(`${where}: targets must be readable synchronously (a cpu tensor)`);
  // where each sample's labels start in the flat targets
  const offsets: number[] = [];
  let layout: 'padded' | 'concat';
  if (!batched) {
    if (targets.ndim !== 1)
      throw new RangeError(
        `${where}: unbatched targets must be 1-D (S), got shape ${fmtShape(targets.shape)}`,
      );
    if (tl && targets.shape[0] < tl[0]) {
      throw new RangeError(
        `${where}: target length ${tl[0]} is longer than the targets tensor (${targets.shape[0]} labels)`,
      );
    }
    offsets.push(0);
    layout = 'padded';
  } else if (targets.ndim === 1) {
    layout = 'concat';
    if (tl) {
      let pos = 0;
      for (let b = 0; b < B; b++) {
        offsets.push(pos);
        pos += tl[b];
      }
      if (targets.shape[0] !== pos) {
        throw new RangeError(
          `${where}: concatenated targets must hold sum(targetLengths) = ${pos} labels, got ${targets.shape[0]} (targets shape ${fmtShape(targets.shape)})`,
        );
      }
    }
  } else if (targets.ndim === 2) {
    layout = 'padded';
    if (targets.shape[0] !== B) {
      throw new RangeError(
        `${where}: padded targets must be (N, S) with N = ${B}, got shape ${fmtShape(targets.shape)}`,
      );
    }
    if (tl) {
      const maxLen = Math.max(0, ...tl);
      if (targets.shape[1] < maxLen) {
        throw new RangeError(
          `${where}: Expected targets to have size at least ${maxLen} at dimension 1 (the longest target length), but got size ${targets.shape[1]}`,
        );
      }
    }
    for (let b = 0; b < B; b++) offsets.push(b * targets.shape[1]);
  } else {
    throw new RangeError(
      `${where}: targets must be (N, S) padded or 1-D concatenated, got shape ${fmtShape(targets.shape)}`,
    );
  }
  const labels: number[][] = [];
  if (tl) {
    for (let b = 0; b < B; b++) {
      if (td) {
        const row = Array.from({ length: tl[b] }, (_, i) => Number(td[offsets[b] + i]));
        for (const v of row) {
          if (v < 0 || v >= C)
            throw new RangeError(`${where}: target label ${v} of sample ${b} is out of range [0, ${C})`);
        }
        labels.push(row);
      }
      if (il && tl[b] > il[b] && !zeroInfinity) {
        throw new RangeError(
          `${where}: target ${b} is longer than its input (target length ${tl[b]} > input length ${il[b]}): no alignment exists; pass zeroInfinity: true to give such samples a loss of 0`,
        );
      }
    }
  }

  if (!onHost) {
    return ctcLossTensorOps({
      logProbs,
      targets,
      layout,
      inputLengths: ilOp,
      targetLengths: tlOp,
      T,
      B,
      C,
      batched,
      blank,
      zeroInfinity,
      reduction,
    });
  }

  const lpData = readSync(logProbs);
  if (!lpData)
    throw new Error(
      `${where}: logProbs must be readable synchronously (a cpu tensor); move it with toAsync('cpu') first`,
    );
  const ilv = il as number[];
  const tlv = tl as number[];
  const needGrad = logProbs.requiresGrad;
  const { nll, grad } = ctcCore(lpData, T, B, C, (b) => labels[b], ilv, blank, needGrad);
  const inf = Array.from(nll, (v) => v === Number.POSITIVE_INFINITY);
  const values = Float64Array.from(nll, (v, b) => (zeroInfinity && inf[b] ? 0 : v));
  const dtype = logProbs.dtype;
  const device = logProbs.device;

  const losses = customOp(
    'CtcLossBackward0',
    [logProbs],
    () => tensor(dtype === 'float64' ? values : Float32Array.from(values), { shape: [B], dtype, device }),
    (g) => {
      const gs = readSync(g);
      if (!gs) throw new Error(`${where}: the loss gradient must be readable synchronously`);
      const out = new Float64Array(T * B * C);
      for (let b = 0; b < B; b++) {
        if (zeroInfinity && inf[b]) continue;
        const gb = Number(gs[b]);
        for (let t = 0; t < ilv[b]; t++) {
          const o = (t * B + b) * C;
          for (let c = 0; c < C; c++) out[o + c] = grad[o + c] * gb;
        }
      }
      const shape = batched ? [T, B, C] : [T, C];
      return [tensor(dtype === 'float64' ? out : Float32Array.from(out), { shape, dtype, device })];
    },
  );

  if (reduction === 'mean') {
    const denom = tensor(
      Float32Array.from(tlv, (v) => Math.max(v, 1)),
      { shape: [B], dtype, device },
    );
    return losses.div(denom).mean();
  }
  if (reduction === 'sum') return losses.sum();
  return batched ? losses : losses.reshape([]);
}
