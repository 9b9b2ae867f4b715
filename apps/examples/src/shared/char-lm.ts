import { clipGradNorm_ } from '@kindling/nn-utils';
import type { Module } from '@kindling/nn-layers';
import { CrossEntropyLoss } from '@kindling/nn-losses';
import { Adam, type LRScheduler, type Optimizer } from '@kindling/optim';
import { type Device, noGrad, type Tensor, tensor } from '@kindling/tensor';
import { outDir } from './paths.js';
import { Progress } from './progress.js';
import { Rng } from './rng.js';
import { RunLog } from './run-log.js';
import { runStep, secondsSince } from './step.js';
import { CharVocab, loadText, textBatch, textWindows } from './text.js';

/** The text, its vocabulary, and its ids split 90% train / 10% validation. */
export interface Corpus {
  vocab: CharVocab;
  train: Int32Array;
  val: Int32Array;
}

export function loadCorpus(file?: string): Corpus {
  const text = loadText(file);
  const vocab = new CharVocab(text);
  const ids = vocab.encode(text);
  const cut = Math.floor(ids.length * 0.9);
  return { vocab, train: ids.subarray(0, cut), val: ids.subarray(cut) };
}

/** Options shared by the character-level language models. */
export interface CharLmOptions {
  steps?: number;
  batchSize?: number;
  seqLen?: number;
  lr?: number;
  /** A UTF-8 text file instead of the embedded excerpt. */
  text?: string;
  /** Validation loss every this many steps (and at the end). */
  evalEvery?: number;
  /** Characters to generate after training, their temperature, and the prompt. */
  sampleLength?: number;
  temperature?: number;
  prompt?: string;
  device?: string;
  seed?: number;
  out?: string;
  log?: (line: string) => void;
}

export interface CharLmResult {
  vocabSize: number;
  steps: number;
  /** Mean training loss (nats per character) over the first and last 10% of steps. */
  firstLoss: number;
  lastLoss: number;
  /** Validation loss before training and at the end. */
  initialValLoss: number;
  valLoss: number;
  seconds: number;
  charsPerSecond: number;
  sample: string;
}

export interface CharLmSetup {
  name: string;
  model: Module;
  corpus: Corpus;
  device: Device;
  /** (B, T) ids → (B, T, V) logits. */
  logits: (x: Tensor) => Tensor;
  /** Continues `prompt` by `n` characters. */
  generate: (prompt: string, n: number, temperature: number, rng: Rng) => Promise<string>;
  scheduler: (opt: Optimizer, steps: number) => LRScheduler;
  config: Record<string, unknown>;
}

/** Mean cross-entropy over consecutive validation windows, in eval mode. */
async function valLoss(s: CharLmSetup, seqLen: number, batchSize: number): Promise<number> {
  s.model.eval();
  const windows = textWindows(s.corpus.val, seqLen, 4 * batchSize);
  const lossFn = new CrossEntropyLoss({ reduction: 'sum' });
  let total = 0;
  for (let i = 0; i < windows.length; i += batchSize) {
    const w = windows.slice(i, i + batchSize);
    const x = new Int32Array(w.length * seqLen);
    const y = new Int32Array(w.length * seqLen);
    w.forEach((win, b) => {
      x.set(win.subarray(0, seqLen), b * seqLen);
      y.set(win.subarray(1), b * seqLen);
    });
    const [l] = await runStep(() =>
      noGrad(() => {
        const logits = s.logits(tensor(x, { shape: [w.length, seqLen], device: s.device }));
        return [lossFn.call(logits.reshape([-1, s.corpus.vocab.size]), tensor(y, { device: s.device }))];
      }),
    );
    total += l;
  }
  s.model.train();
  return total / (windows.length * seqLen);
}

/** Trains a character model on random windows with Adam, gradient clipping and a schedule, then samples. */
export async function trainCharLm(s: CharLmSetup, o: CharLmOptions): Promise<CharLmResult> {
  const {
    steps = 300,
    batchSize = 32,
    seqLen = 32,
    lr = 0.01,
    evalEvery = 50,
    sampleLength = 300,
    temperature = 0.7,
    seed = 0,
  } = o;
  const prompt = o.prompt ?? 'It is a truth universally acknowledged';
  const log = o.log ?? ((line: string) => console.log(line));
  const rng = new Rng(seed + 1);
  const V = s.corpus.vocab.size;
  const nParams = [...s.model.parameters()].reduce((n, p) => n + p.numel(), 0);
  log(
    `${s.name}: ${s.corpus.train.length + s.corpus.val.length} characters (${V} distinct), ${s.corpus.train.length} for training; device ${s.device}`,
  );
  log(`${s.model.toString()}\n${nParams.toLocaleString('en-US')} parameters`);

  const opt = new Adam(s.model.parameters(), { lr });
  const sched = s.scheduler(opt, steps);
  const lossFn = new CrossEntropyLoss();
  const runLog = new RunLog(s.name, { ...s.config, steps, batchSize, seqLen, lr, device: s.device, seed });
  const initialValLoss = await valLoss(s, seqLen, batchSize);
  runLog.add('validation loss', 0, initialValLoss);
  log(
    `validation loss before training ${initialValLoss.toFixed(4)} nats/char (uniform guess: ${Math.log(V).toFixed(4)})`,
  );
  s.model.train();
  const losses: number[] = [];
  const bar = new Progress({ total: steps, label: 'training', unit: 'steps', log: o.log });
  const t0 = performance.now();
  let evalSeconds = 0;
  let smooth = Number.NaN;
  for (let step = 1; step <= steps; step++) {
    const [loss] = await runStep(() => {
      const [x, y] = textBatch(s.corpus.train, batchSize, seqLen, rng, s.device);
      opt.zeroGrad();
      const l = lossFn.call(s.logits(x).reshape([-1, V]), y.reshape([-1]));
      l.backward();
      clipGradNorm_(s.model.parameters(), 1.0);
      opt.step();
      return [l.detach()];
    });
    sched.step();
    losses.push(loss);
    smooth = Number.isNaN(smooth) ? loss : 0.9 * smooth + 0.1 * loss;
    runLog.add('train loss', step, loss);
    const metrics: Record<string, number> = { loss: smooth };
    if (step % evalEvery === 0 || step === steps) {
      const te = performance.now();
      const v = await valLoss(s, seqLen, batchSize);
      evalSeconds += secondsSince(te);
      runLog.add('validation loss', step, v);
      metrics['val loss'] = v;
    }
    bar.tick(1, { ...metrics, lr: sched.getLastLr()[0] });
  }
  const seconds = secondsSince(t0);
  bar.finish();
  s.model.eval();
  const sample = await s.generate(prompt, sampleLength, temperature, new Rng(seed + 2));
  const tail = Math.max(1, Math.floor(steps / 10));
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const result: CharLmResult = {
    vocabSize: V,
    steps,
    firstLoss: mean(losses.slice(0, tail)),
    lastLoss: mean(losses.slice(-tail)),
    initialValLoss,
    valLoss: runLog.last('validation loss') ?? Number.NaN,
    seconds,
    charsPerSecond: (steps * batchSize * seqLen) / (seconds - evalSeconds),
    sample,
  };
  runLog.results = { ...result };
  const files = runLog.write(outDir(o.out), [
    { title: 'loss (nats/char)', xLabel: 'step', series: ['train loss', 'validation loss'], logY: true },
  ]);
  log(
    `loss ${result.firstLoss.toFixed(3)} -> ${result.lastLoss.toFixed(3)}, validation ${initialValLoss.toFixed(3)} -> ${result.valLoss.toFixed(3)} nats/char (${(result.valLoss / Math.LN2).toFixed(2)} bits/char), ${seconds.toFixed(1)} s (${result.charsPerSecond.toFixed(0)} chars/s training)`,
  );
  log(`sample (temperature ${temperature}):\n${'-'.repeat(60)}\n${sample}\n${'-'.repeat(60)}`);
  log(`log ${files.json}, curves ${files.svg}`);
  return result;
}
