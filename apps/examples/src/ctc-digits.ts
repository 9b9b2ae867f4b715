/**
 * Sequence recognition with CTC: strings of 1-6 digits rendered from 3×5 glyphs with random
 * spacing, offsets and noise are read column by column by a bidirectional LSTM trained with
 * CTCLoss; greedy (best-path) decoding gives the character and sequence error rates.
 *
 *   node apps/examples/dist/ctc-digits.js [--steps 300] [--batch-size 32] [--hidden 48] [--device cpu|webgpu]
 */
import { CTCLoss } from '@kindling/nn-losses';
import { clipGradNorm_ } from '@kindling/nn-utils';
import { Adam, CosineAnnealingLR } from '@kindling/optim';
import { type Device, manualSeed, noGrad } from '@kindling/tensor';
import { DigitReader } from './models/digit-reader.js';
import { useDevice } from './shared/device.js';
import {
  asciiArt,
  type DigitImage,
  digitBatch,
  editDistance,
  greedyDecode,
  HEIGHT,
  NUM_CLASSES,
  renderDigits,
} from './shared/digit-strings.js';
import { outDir } from './shared/paths.js';
import { Progress } from './shared/progress.js';
import { Rng } from './shared/rng.js';
import { RunLog } from './shared/run-log.js';
import { runStep, secondsSince, stepData } from './shared/step.js';

export interface CtcOptions {
  steps?: number;
  batchSize?: number;
  hidden?: number;
  lr?: number;
  /** Validation strings (fixed) and how often to score them. */
  valSize?: number;
  evalEvery?: number;
  maxDigits?: number;
  device?: string;
  seed?: number;
  out?: string;
  log?: (line: string) => void;
}

export interface CtcResult {
  steps: number;
  /** CTC loss per target character, mean of the first and last 10% of steps. */
  firstLoss: number;
  lastLoss: number;
  /** Character error rate (edit distance / digits) and whole-string accuracy on the validation set. */
  initialCer: number;
  cer: number;
  sequenceAccuracy: number;
  seconds: number;
  examples: Array<{ target: string; decoded: string }>;
}

/** Decodes every validation string; returns the error rates and the decoded strings. */
async function score(
  model: DigitReader,
  val: DigitImage[],
  device: Device,
): Promise<{ cer: number; seqAcc: number; decoded: number[][] }> {
  model.eval();
  const decoded: number[][] = [];
  for (let i = 0; i < val.length; i += 128) {
    const chunk = val.slice(i, i + 128);
    const b = digitBatch(chunk, device);
    const [best] = await stepData(() => noGrad(() => [model.call(b.x, b.inputLengths).argmax(2)]));
    chunk.forEach((im, j) => {
      decoded.push(greedyDecode(best, im.width, chunk.length, j));
    });
  }
  model.train();
  let errors = 0;
  let total = 0;
  let exact = 0;
  val.forEach((im, i) => {
    const e = editDistance(decoded[i], im.digits);
    errors += e;
    total += im.digits.length;
    if (e === 0) exact++;
  });
  return { cer: errors / total, seqAcc: exact / val.length, decoded };
}

export async function trainCtcDigits(opts: CtcOptions = {}): Promise<CtcResult> {
  const {
    steps = 300,
    batchSize = 32,
    hidden = 48,
    lr = 0.01,
    valSize = 256,
    evalEvery = 25,
    maxDigits = 6,
    seed = 0,
  } = opts;
  const log = opts.log ?? ((line: string) => console.log(line));
  const device = await useDevice(opts.device ?? 'cpu');
  manualSeed(seed);
  const rng = new Rng(seed + 1);
  const valRng = new Rng(12_345); // the same validation strings whatever the seed
  const val = Array.from({ length: valSize }, () => renderDigits(valRng, maxDigits));
  const model = new DigitReader(HEIGHT, NUM_CLASSES, { hidden });
  if (device !== 'cpu') model.to(device);
  const nParams = [...model.parameters()].reduce((n, p) => n + p.numel(), 0);
  log(
    `CTC digit strings: 1-${maxDigits} digits, ${HEIGHT}-pixel columns, fresh batches of ${batchSize}, ${valSize} validation strings; device ${device}`,
  );
  log(`example input (${val[0].digits.join('')}):\n${asciiArt(val[0])}`);
  log(`${model.toString()}\n${nParams.toLocaleString('en-US')} parameters`);

  const opt = new Adam(model.parameters(), { lr });
  const sched = new CosineAnnealingLR(opt, { TMax: steps, etaMin: lr / 20 });
  // summed over the batch, then clipped: with Adam this leaves the all-blank plateau far sooner
  // than the mean (measured with PyTorch as well)
  const ctc = new CTCLoss({ blank: 0, reduction: 'sum', zeroInfinity: true });
  const runLog = new RunLog('ctc-digits', { steps, batchSize, hidden, lr, valSize, maxDigits, device, seed });
  const first = await score(model, val, device);
  runLog.add('character error rate', 0, first.cer);
  runLog.add('sequence error rate', 0, 1 - first.seqAcc);
  log(`before training: character error rate ${(100 * first.cer).toFixed(1)}%`);
  const losses: number[] = [];
  const bar = new Progress({ total: steps, label: 'training', unit: 'steps', log: opts.log });
  const t0 = performance.now();
  let last = first;
  for (let step = 1; step <= steps; step++) {
    const images = Array.from({ length: batchSize }, () => renderDigits(rng, maxDigits));
    const chars = images.reduce((n, im) => n + im.digits.length, 0);
    const [sum] = await runStep(() => {
      const b = digitBatch(images, device);
      opt.zeroGrad();
      const l = ctc.call(model.call(b.x, b.inputLengths), b.targets, b.inputLengths, b.targetLengths);
      l.backward();
      clipGradNorm_(model.parameters(), 5);
      opt.step();
      return [l.detach()];
    });
    sched.step();
    const loss = sum / chars; // per target character, for the log
    losses.push(loss);
    runLog.add('train loss', step, loss);
    const metrics: Record<string, number | string> = { loss };
    if (step % evalEvery === 0 || step === steps) {
      last = await score(model, val, device);
      runLog.add('character error rate', step, last.cer);
      runLog.add('sequence error rate', step, 1 - last.seqAcc);
      metrics.CER = `${(100 * last.cer).toFixed(1)}%`;
      metrics['seq acc'] = `${(100 * last.seqAcc).toFixed(1)}%`;
    }
    bar.tick(1, metrics);
  }
  bar.finish();
  const seconds = secondsSince(t0);
  const tail = Math.max(1, Math.floor(steps / 10));
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const examples = val
    .slice(0, 8)
    .map((im, i) => ({ target: im.digits.join(''), decoded: last.decoded[i].join('') }));
  const result: CtcResult = {
    steps,
    firstLoss: mean(losses.slice(0, tail)),
    lastLoss: mean(losses.slice(-tail)),
    initialCer: first.cer,
    cer: last.cer,
    sequenceAccuracy: last.seqAcc,
    seconds,
    examples,
  };
  runLog.results = { ...result };
  const files = runLog.write(outDir(opts.out), [
    { title: 'CTC loss per character', xLabel: 'step', series: ['train loss'], logY: true },
    {
      title: 'validation error rates',
      xLabel: 'step',
      series: ['character error rate', 'sequence error rate'],
    },
  ]);
  for (const e of examples)
    log(`  ${e.target.padEnd(maxDigits)} -> ${e.decoded}${e.decoded === e.target ? '' : '   ✗'}`);
  log(
    `CTC loss ${result.firstLoss.toFixed(3)} -> ${result.lastLoss.toFixed(3)}; character error rate ${(100 * first.cer).toFixed(1)}% -> ${(100 * last.cer).toFixed(2)}%, strings read exactly ${(100 * last.seqAcc).toFixed(1)}%; ${seconds.toFixed(1)} s`,
  );
  log(`log ${files.json}, curves ${files.svg}`);
  return result;
}
