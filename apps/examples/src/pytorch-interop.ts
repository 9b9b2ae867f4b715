/**
 * PyTorch interop: loads checkpoints written by PyTorch 1.13 (scripts/interop-fixture.py) and
 * reproduces PyTorch's results: a FashionCNN from torch.save (.pt) and from safetensors gives
 * PyTorch's logits and predictions, training resumed with PyTorch's Adam state follows PyTorch's
 * loss curve, and a CharLSTM continues a prompt exactly as PyTorch did.
 *
 *   node apps/examples/dist/pytorch-interop.js [--device cpu|webgpu]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensors, torchLoad } from '@kindling/io';
import { CrossEntropyLoss } from '@kindling/nn-losses';
import { Adam } from '@kindling/optim';
import { type Device, noGrad, scope, type Tensor, tensor } from '@kindling/tensor';
import { evaluate } from './fashion-mnist.js';
import { CharLSTM, type LstmState } from './models/char-lstm.js';
import { FashionCNN } from './models/fashion-cnn.js';
import { useDevice } from './shared/device.js';
import { fashionBatch, loadFashionMnist } from './shared/fashion-data.js';
import { examplesRoot, outDir } from './shared/paths.js';
import { RunLog } from './shared/run-log.js';
import { runStep, secondsSince } from './shared/step.js';
import { CharVocab, loadText } from './shared/text.js';

interface Fixture {
  torch: string;
  fashion: {
    testStart: number;
    logits: number[][];
    predictions: number[];
    testAccuracy: number;
    resume: { steps: number; batchSize: number; losses: number[]; logits: number[][] };
  };
  charLstm: { vocab: string; prompt: string; lastLogits: number[]; greedy: string };
}

export interface InteropOptions {
  /** Directory with PyTorch's files (default apps/examples/fixtures/interop). */
  fixtures?: string;
  /** Compare predictions on only the first N of the 2,000 test images (0: all; at least 64). */
  testLimit?: number;
  device?: string;
  out?: string;
  log?: (line: string) => void;
}

export interface InteropResult {
  torchVersion: string;
  /** Largest |Kindling − PyTorch| over the logits of the stored test images, per file format. */
  ptMaxDiff: number;
  safetensorsMaxDiff: number;
  /** Test images whose predicted class differs from PyTorch's, of `testImages`. */
  testImages: number;
  predictionMismatches: number;
  testAccuracy: number;
  torchTestAccuracy: number;
  /** Resumed training: largest relative loss difference per step, and logit difference after it. */
  resumeLossMaxRelDiff: number;
  resumeLogitsMaxDiff: number;
  lstmLogitsMaxDiff: number;
  greedyMatches: boolean;
  greedy: string;
  seconds: number;
}

const read = (dir: string, f: string) => new Uint8Array(readFileSync(join(dir, f)));
const maxDiff = (a: ArrayLike<number>, b: number[]) =>
  b.reduce((m, v, i) => Math.max(m, Math.abs(a[i] - v)), 0);

/** torchLoad gives pickled dicts as Maps; the optimizer's loadStateDict wants plain objects. */
function plain(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

export async function runInterop(opts: InteropOptions = {}): Promise<InteropResult> {
  const out = outDir(opts.out);
  const dir = opts.fixtures ?? join(examplesRoot(), 'fixtures', 'interop');
  const log = opts.log ?? ((line: string) => console.log(line));
  const device: Device = await useDevice(opts.device ?? 'cpu');
  const t0 = performance.now();
  const fx = JSON.parse(readFileSync(join(dir, 'predictions.json'), 'utf8')) as Fixture;
  const { test, train } = loadFashionMnist('embedded', 0, opts.testLimit ? Math.max(64, opts.testLimit) : 0);
  const runLog = new RunLog('pytorch-interop', { fixtures: dir, torch: fx.torch, device });
  log(`PyTorch ${fx.torch} checkpoints from ${dir}; device ${device}`);

  // 1. a whole torch.save checkpoint: {'model': state_dict, 'optimizer': state_dict, 'epoch': 2}
  const ckpt = torchLoad(read(dir, 'fashion-cnn.pt'), { device }) as Map<string, unknown>;
  const model = new FashionCNN();
  if (device !== 'cpu') model.to(device);
  model.loadStateDict(ckpt.get('model') as Map<string, Tensor>);
  log(`fashion-cnn.pt (epoch ${ckpt.get('epoch')}) loaded into\n${model.toString()}`);
  const ev = await evaluate(model, test, device);
  const n = fx.fashion.logits.length;
  const ptMaxDiff = maxDiff(ev.logits.subarray(0, n * 10), fx.fashion.logits.flat());
  let predictionMismatches = 0;
  for (let i = 0; i < test.n; i++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (ev.logits[i * 10 + k] > ev.logits[i * 10 + best]) best = k;
    if (best !== fx.fashion.predictions[i]) predictionMismatches++;
  }
  log(
    `  logits of ${n} test images: max |Kindling - PyTorch| = ${ptMaxDiff.toExponential(2)}; predictions differ on ${predictionMismatches} of ${test.n}; accuracy ${(100 * ev.accuracy).toFixed(2)}%${test.n === fx.fashion.predictions.length ? ` (PyTorch ${(100 * fx.fashion.testAccuracy).toFixed(2)}%)` : ''}`,
  );

  // 2. the same weights from safetensors
  const fromSt = new FashionCNN();
  if (device !== 'cpu') fromSt.to(device);
  fromSt.loadStateDict(loadSafetensors(read(dir, 'fashion-cnn.safetensors'), { device }));
  const evSt = await evaluate(fromSt, test, device, 500);
  const safetensorsMaxDiff = maxDiff(evSt.logits.subarray(0, n * 10), fx.fashion.logits.flat());
  log(`fashion-cnn.safetensors: max |Kindling - PyTorch| = ${safetensorsMaxDiff.toExponential(2)}`);

  // 3. resume training with PyTorch's Adam state (dropout off, the same batches in order)
  const { steps, batchSize, losses: torchLosses } = fx.fashion.resume;
  const opt = new Adam(model.parameters(), { lr: 2e-3 });
  opt.loadStateDict(plain(ckpt.get('optimizer')) as Record<string, unknown>);
  model.dropout.p = 0;
  model.train();
  const lossFn = new CrossEntropyLoss();
  let resumeLossMaxRelDiff = 0;
  for (let s = 0; s < steps; s++) {
    const idx = Array.from({ length: batchSize }, (_, k) => s * batchSize + k);
    const [loss] = await runStep(() => {
      const [x, y] = fashionBatch(train, idx, device);
      opt.zeroGrad();
      const l = lossFn.call(model.call(x), y);
      l.backward();
      opt.step();
      return [l.detach()];
    });
    runLog.add('Kindling', s + 1, loss);
    runLog.add('PyTorch', s + 1, torchLosses[s]);
    resumeLossMaxRelDiff = Math.max(
      resumeLossMaxRelDiff,
      Math.abs(loss - torchLosses[s]) / Math.abs(torchLosses[s]),
    );
  }
  const evResumed = await evaluate(model, { ...test, n }, device);
  const resumeLogitsMaxDiff = maxDiff(evResumed.logits, fx.fashion.resume.logits.flat());
  log(
    `resumed ${steps} Adam steps from PyTorch's optimizer state: losses within ${resumeLossMaxRelDiff.toExponential(2)} (relative) of PyTorch's, logits after within ${resumeLogitsMaxDiff.toExponential(2)}`,
  );

  // 4. an LSTM: next-character logits and a greedy continuation
  const vocab = new CharVocab(loadText());
  if (vocab.chars.join('') !== fx.charLstm.vocab)
    throw new Error('the fixture was made from a different text');
  const lstm = new CharLSTM(vocab.size);
  if (device !== 'cpu') lstm.to(device);
  lstm.loadStateDict(torchLoad(read(dir, 'char-lstm.pt'), { device }) as Map<string, Tensor>);
  lstm.eval();
  let ids = vocab.encode(fx.charLstm.prompt);
  let state: LstmState | undefined;
  let lstmLogitsMaxDiff = 0;
  const greedyIds: number[] = [];
  for (let i = 0; i < fx.charLstm.greedy.length; i++) {
    const prev = state;
    const [last, next] = scope(() =>
      noGrad(() => {
        const [logits, st] = lstm.call(tensor(ids, { shape: [1, ids.length], device }), prev) as [
          Tensor,
          LstmState,
        ];
        return [logits.select(1, ids.length - 1).reshape([-1]), st] as const;
      }),
    );
    if (prev) for (const t of prev) t.dispose();
    state = next;
    const v = await last.data();
    last.dispose();
    if (i === 0) lstmLogitsMaxDiff = maxDiff(v, fx.charLstm.lastLogits);
    let best = 0;
    for (let k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
    greedyIds.push(best);
    ids = Int32Array.of(best);
  }
  const greedy = vocab.decode(greedyIds);
  const greedyMatches = greedy === fx.charLstm.greedy;
  log(
    `char-lstm.pt: next-character logits within ${lstmLogitsMaxDiff.toExponential(2)} of PyTorch's; greedy continuation ${greedyMatches ? 'identical' : 'DIFFERENT'}:`,
  );
  log(`  ${JSON.stringify(fx.charLstm.prompt + greedy)}`);

  const result: InteropResult = {
    torchVersion: fx.torch,
    ptMaxDiff,
    safetensorsMaxDiff,
    testImages: test.n,
    predictionMismatches,
    testAccuracy: ev.accuracy,
    torchTestAccuracy: fx.fashion.testAccuracy,
    resumeLossMaxRelDiff,
    resumeLogitsMaxDiff,
    lstmLogitsMaxDiff,
    greedyMatches,
    greedy,
    seconds: secondsSince(t0),
  };
  runLog.results = { ...result };
  const files = runLog.write(out, [
    {
      title: 'loss resuming PyTorch training',
      xLabel: 'step',
      series: ['PyTorch', 'Kindling'],
      dashed: ['Kindling'],
    },
  ]);
  log(`done in ${result.seconds.toFixed(1)} s; log ${files.json}, curves ${files.svg}`);
  return result;
}

/** Whether Kindling reproduced PyTorch (float32 tolerances). */
export function interopOk(r: InteropResult): boolean {
  return (
    r.ptMaxDiff < 1e-4 &&
    r.safetensorsMaxDiff < 1e-4 &&
    r.predictionMismatches === 0 &&
    r.resumeLossMaxRelDiff < 1e-3 &&
    r.resumeLogitsMaxDiff < 1e-2 &&
    r.lstmLogitsMaxDiff < 1e-4 &&
    r.greedyMatches
  );
}
