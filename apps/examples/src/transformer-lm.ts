/**
 * A tiny GPT-style transformer language model (Embedding, sinusoidal positions, TransformerEncoder
 * with a causal mask) on the embedded Pride and Prejudice excerpt: trains with warm-up then cosine
 * decay, reports the validation loss, then generates text from a sliding context window.
 *
 *   node apps/examples/dist/transformer-lm.js [--steps 300] [--d-model 64] [--layers 2] [--device cpu|webgpu]
 */
import { CosineAnnealingLR, LinearLR, SequentialLR } from '@kindling/optim';
import { manualSeed, noGrad, scope, tensor } from '@kindling/tensor';
import { TinyTransformerLM } from './models/tiny-transformer.js';
import { type CharLmOptions, type CharLmResult, loadCorpus, trainCharLm } from './shared/char-lm.js';
import { useDevice } from './shared/device.js';
import type { Rng } from './shared/rng.js';
import { sampleLogits } from './shared/text.js';

export interface TransformerLmOptions extends CharLmOptions {
  dModel?: number;
  nhead?: number;
  layers?: number;
  dimFeedforward?: number;
  dropout?: number;
}

export async function trainTransformerLm(opts: TransformerLmOptions = {}): Promise<CharLmResult> {
  const {
    dModel = 64,
    nhead = 4,
    layers = 2,
    dimFeedforward = 128,
    dropout = 0,
    seqLen = 32,
    lr = 0.01,
  } = opts;
  const device = await useDevice(opts.device ?? 'cpu');
  manualSeed(opts.seed ?? 0);
  const corpus = loadCorpus(opts.text);
  const model = new TinyTransformerLM(corpus.vocab.size, {
    dModel,
    nhead,
    layers,
    dimFeedforward,
    dropout,
    maxLen: seqLen,
  });
  if (device !== 'cpu') model.to(device);

  /** Each new character: the model over the last seqLen characters, sampling from the last position. */
  async function generate(prompt: string, n: number, temperature: number, rng: Rng): Promise<string> {
    const ids = Array.from(corpus.vocab.encode(prompt));
    for (let i = 0; i < n; i++) {
      const ctx = Int32Array.from(ids.slice(-seqLen));
      const last = scope(() =>
        noGrad(() =>
          model
            .call(tensor(ctx, { shape: [1, ctx.length], device }))
            .select(1, ctx.length - 1)
            .reshape([-1]),
        ),
      );
      ids.push(sampleLogits(await last.data(), temperature, rng));
      last.dispose();
    }
    return corpus.vocab.decode(ids);
  }

  return trainCharLm(
    {
      name: 'transformer-lm',
      model,
      corpus,
      device,
      logits: (x) => model.call(x),
      generate,
      scheduler: (opt, steps) => {
        const warm = Math.max(1, Math.round(steps / 10));
        return new SequentialLR(opt, {
          schedulers: [
            new LinearLR(opt, { startFactor: 0.05, totalIters: warm }),
            new CosineAnnealingLR(opt, { TMax: Math.max(1, steps - warm), etaMin: lr / 20 }),
          ],
          milestones: [warm],
        });
      },
      config: { dModel, nhead, layers, dimFeedforward, dropout },
    },
    { ...opts, seqLen, lr },
  );
}
