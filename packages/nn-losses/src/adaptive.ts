/**
 * AdaptiveLogSoftmaxWithLoss (Grave et al., "Efficient softmax approximation for GPUs"): a head
 * over the shortlist plus one entry per cluster, and a low-rank tail per cluster. State-dict keys
 * are PyTorch's: head.weight (head.bias with headBias), tail.{i}.0.weight, tail.{i}.1.weight.
 */
import { Linear, Module, ModuleList, Sequential } from '@kindling/nn-layers';
import { cat, type Tensor, tensor, zeros } from '@kindling/tensor';
import { fmtShape, readSync, requireFloat, requireIndex, requireTensor } from './common.js';

export interface AdaptiveLogSoftmaxWithLossOptions {
  /** Tail cluster i projects to floor(inFeatures / divValue^(i+1)) features (default 4). */
  divValue?: number;
  /** Give the head a bias (default false). */
  headBias?: boolean;
}

/** PyTorch's _ASMoutput: `output` (the target log-probabilities) and `loss` (their negated mean); also iterable as [output, loss]. */
export interface ASMOutput {
  output: Tensor;
  loss: Tensor;
  [Symbol.iterator](): Iterator<Tensor>;
}

function asmOutput(output: Tensor, loss: Tensor): ASMOutput {
  const o = { output, loss } as ASMOutput;
  Object.defineProperty(o, Symbol.iterator, {
    enumerable: false,
    value: function* () {
      yield output;
      yield loss;
    },
  });
  return o;
}

export class AdaptiveLogSoftmaxWithLoss extends Module {
  inFeatures: number;
  nClasses: number;
  /** The cutoffs with nClasses appended (PyTorch's self.cutoffs). */
  cutoffs: number[];
  divValue: number;
  headBias: boolean;
  shortlistSize: number;
  nClusters: number;
  headSize: number;
  declare head: Linear;
  declare tail: ModuleList<Sequential>;

  constructor(
    inFeatures: number,
    nClasses: number,
    cutoffs: readonly number[],
    opts: AdaptiveLogSoftmaxWithLossOptions = {},
  ) {
    super();
    const where = 'AdaptiveLogSoftmaxWithLoss';
    const cut = [...(cutoffs ?? [])];
    const sorted = [...cut].sort((a, b) => a - b);
    if (
      cut.length === 0 ||
      cut.some((c, i) => c !== sorted[i]) ||
      Math.min(...cut) <= 0 ||
      Math.max(...cut) > nClasses - 1 ||
      new Set(cut).size !== cut.length ||
      cut.some((c) => !Number.isInteger(c))
    ) {
      throw new RangeError(
        `${where}: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1 (got ${fmtShape(cut)} with nClasses ${nClasses})`,
      );
    }
    if (!Number.isInteger(inFeatures) || inFeatures <= 0)
      throw new RangeError(`${where}: inFeatures must be a positive integer, got ${inFeatures}`);
    this.inFeatures = inFeatures;
    this.nClasses = nClasses;
    this.cutoffs = [...cut, nClasses];
    this.divValue = opts.divValue ?? 4;
    this.headBias = opts.headBias ?? false;
    this.shortlistSize = this.cutoffs[0];
    this.nClusters = this.cutoffs.length - 1;
    this.headSize = this.shortlistSize + this.nClusters;
    this.head = new Linear(inFeatures, this.headSize, { bias: this.headBias });
    const tails: Sequential[] = [];
    for (let i = 0; i < this.nClusters; i++) {
      const hsz = Math.floor(inFeatures / this.divValue ** (i + 1));
      const osz = this.cutoffs[i + 1] - this.cutoffs[i];
      tails.push(
        new Sequential(new Linear(inFeatures, hsz, { bias: false }), new Linear(hsz, osz, { bias: false })),
      );
    }
    this.tail = new ModuleList(tails);
  }

  /** Re-initialise the head and every tail projection. */
  resetParameters(): void {
    this.head.resetParameters();
    for (const seq of this.tail) for (const lin of seq.children()) (lin as Linear).resetParameters();
  }

  private cluster(i: number): Sequential {
    return this.tail.at(i);
  }

  /** forward(input (N, inFeatures) or (inFeatures), target (N) or ()) → { output, loss }. */
  override forward(input: Tensor, target: Tensor): ASMOutput {
    const where = 'AdaptiveLogSoftmaxWithLoss';
    requireTensor(where, 'input', input);
    requireTensor(where, 'target', target);
    requireFloat(where, 'input', input);
    requireIndex(where, 'target', target);
    const td = target.ndim;
    if (td === 1) {
      if (input.shape[0] !== target.shape[0]) {
        throw new RangeError(
          `${where}: Input and target should have the same size in the batch dimension (input ${fmtShape(input.shape)}, target ${fmtShape(target.shape)}).`,
        );
      }
      if (input.ndim !== 2)
        throw new RangeError(
          `${where}: 1D target tensor expects 2D input tensors, but found inputs with size ${fmtShape(input.shape)}`,
        );
    } else if (td === 0) {
      if (input.ndim !== 1)
        throw new RangeError(
          `${where}: 0D target tensor expects 1D input tensors, but found inputs with size ${fmtShape(input.shape)}`,
        );
    } else {
      throw new RangeError(`${where}: 0D or 1D target tensor expected, multi-target not supported`);
    }
    if (input.shape[input.ndim - 1] !== this.inFeatures) {
      throw new RangeError(
        `${where}: expected input features ${this.inFeatures}, got input of shape ${fmtShape(input.shape)}`,
      );
    }
    const batched = td > 0;
    const x = batched ? input : input.unsqueeze(0);
    const t = batched ? target : target.unsqueeze(0);
    const B = t.shape[0];
    const ts = readSync(t);
    let output: Tensor;
    let gatherInds: Tensor;
    if (ts) {
      for (let i = 0; i < ts.length; i++) {
        if (ts[i] < 0 || ts[i] >= this.nClasses) {
          let lo = Infinity;
          let hi = -Infinity;
          for (let j = 0; j < ts.length; j++) {
            lo = Math.min(lo, ts[j]);
            hi = Math.max(hi, ts[j]);
          }
          throw new RangeError(
            `${where}: Target values should be in [0, ${this.nClasses - 1}], but values in range [${lo}, ${hi}] were found.`,
          );
        }
      }
      ({ output, gatherInds } = this.tailsByRows(x, ts, B));
    } else {
      ({ output, gatherInds } = this.tailsMasked(x, t, B));
    }
    const headLogprob = this.head.call(x).logSoftmax(1);
    output = output.add(headLogprob.gather(1, gatherInds.unsqueeze(1)).reshape([B]));
    const loss = output.neg().mean();
    return asmOutput(batched ? output : output.reshape([]), loss);
  }

  /** Cluster log-probabilities for the rows whose targets fall in each cluster (targets read on the host). */
  private tailsByRows(x: Tensor, ts: ArrayLike<number>, B: number): { output: Tensor; gatherInds: Tensor } {
    const inds = new Int32Array(B);
    let output = zeros([B], { dtype: x.dtype, device: x.device });
    const bounds = [0, ...this.cutoffs];
    for (let i = 0; i < bounds.length - 1; i++) {
      const lo = bounds[i];
      const hi = bounds[i + 1];
      const rows: number[] = [];
      const rel: number[] = [];
      for (let r = 0; r < B; r++) {
        const v = ts[r];
        if (v >= lo && v < hi) {
          rows.push(r);
          rel.push(v - lo);
        }
      }
      if (rows.length === 0) continue;
      if (i === 0) {
        for (const r of rows) inds[r] = ts[r];
        continue;
      }
      for (const r of rows) inds[r] = this.shortlistSize + i - 1;
      const rowIdx = tensor(Int32Array.from(rows), {
        shape: [rows.length],
        dtype: 'int32',
        device: x.device,
      });
      const relIdx = tensor(Int32Array.from(rel), {
        shape: [rows.length, 1],
        dtype: 'int32',
        device: x.device,
      });
      const clusterOut = this.cluster(i - 1).call(x.indexSelect(0, rowIdx)) as Tensor;
      const local = clusterOut.logSoftmax(1).gather(1, relIdx).reshape([rows.length]);
      output = output.indexAdd(0, rowIdx, local);
    }
    const gatherInds = tensor(inds, { shape: [B], dtype: 'int32', device: x.device });
    return { output, gatherInds };
  }

  /** The same without reading the targets: every cluster on every row, masked (devices without sync reads). */
  private tailsMasked(x: Tensor, t: Tensor, B: number): { output: Tensor; gatherInds: Tensor } {
    let output = zeros([B], { dtype: x.dtype, device: x.device });
    let gatherInds = t.where(t.lt(this.shortlistSize), 0);
    for (let i = 1; i < this.cutoffs.length; i++) {
      const lo = this.cutoffs[i - 1];
      const hi = this.cutoffs[i];
      const mask = t.ge(lo).logicalAnd(t.lt(hi));
      const rel = t.sub(lo).where(mask, 0).unsqueeze(1);
      const clusterOut = this.cluster(i - 1).call(x) as Tensor;
      const local = clusterOut.logSoftmax(1).gather(1, rel).reshape([B]);
      output = output.add(local.where(mask, 0));
      gatherInds = gatherInds.where(mask.logicalNot(), this.shortlistSize + i - 1);
    }
    return { output, gatherInds };
  }

  /** log-probabilities of every class from the head output. */
  private fullLogProb(x: Tensor, headOutput: Tensor): Tensor {
    const headLogprob = headOutput.logSoftmax(1);
    const parts: Tensor[] = [headLogprob.slice(1, 0, this.shortlistSize)];
    for (let i = 0; i < this.nClusters; i++) {
      const clusterLogprob = (this.cluster(i).call(x) as Tensor).logSoftmax(1);
      parts.push(
        clusterLogprob.add(headLogprob.slice(1, this.shortlistSize + i, this.shortlistSize + i + 1)),
      );
    }
    return cat(parts, 1);
  }

  /** Log-probabilities of all nClasses classes: (N, nClasses) for input (N, inFeatures), (nClasses) for (inFeatures). */
  logProb(input: Tensor): Tensor {
    requireTensor('AdaptiveLogSoftmaxWithLoss.logProb', 'input', input);
    const batched = input.ndim > 1;
    const x = batched ? input : input.unsqueeze(0);
    const out = this.fullLogProb(x, this.head.call(x));
    return batched ? out : out.reshape([this.nClasses]);
  }

  /** The most likely class per row (equivalent to logProb(input).argmax(1), cheaper when the head decides). */
  predict(input: Tensor): Tensor {
    requireTensor('AdaptiveLogSoftmaxWithLoss.predict', 'input', input);
    const batched = input.ndim > 1;
    const x = batched ? input : input.unsqueeze(0);
    const headOutput = this.head.call(x);
    const output = headOutput.argmax(1);
    const notInShortlist = output.ge(this.shortlistSize);
    const flags = readSync(notInShortlist);
    let result = output;
    if (!flags || Array.prototype.some.call(flags, (v: number) => v !== 0)) {
      const full = this.fullLogProb(x, headOutput).argmax(1);
      result = full.where(notInShortlist, output);
    }
    return batched ? result : result.reshape([]);
  }
}
