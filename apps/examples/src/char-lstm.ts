/**
 * A character-level LSTM language model on the embedded Pride and Prejudice excerpt: trains on
 * random windows, reports the validation loss, then generates text one character at a time,
 * carrying the LSTM state.
 *
 *   node apps/examples/dist/char-lstm.js [--steps 300] [--hidden 128] [--seq-len 32] [--device cpu|webgpu]
 */
import { CosineAnnealingLR } from '@kindling/optim';
import { manualSeed, noGrad, scope, type Tensor, tensor } from '@kindling/tensor';
import { CharLSTM, type LstmState } from './models/char-lstm.js';
import { type CharLmOptions, type CharLmResult, loadCorpus, trainCharLm } from './shared/char-lm.js';
import { useDevice } from './shared/device.js';
import { sampleLogits } from './shared/text.js';

export interface CharLstmOptions extends CharLmOptions {
  embedDim?: number;
  hidden?: number;
  layers?: number;
}

export async function trainCharLstm(opts: CharLstmOptions = {}): Promise<CharLmResult> {
  const { embedDim = 32, hidden = 128, layers = 1, lr = 0.02 } = opts;
  const device = await useDevice(opts.device ?? 'cpu');
  manualSeed(opts.seed ?? 0);
  const corpus = loadCorpus(opts.text);
  const model = new CharLSTM(corpus.vocab.size, { embedDim, hidden, layers });
  if (device !== 'cpu') model.to(device);

  /** Feeds the prompt, then one sampled character at a time, carrying (h, c). */
  async function generate(
    prompt: string,
    n: number,
    temperature: number,
    rng: import('./shared/rng.js').Rng,
  ): Promise<string> {
    let ids = corpus.vocab.encode(prompt);
    let state: LstmState | undefined;
    const outChars: number[] = [];
    for (let i = 0; i < n; i++) {
      const prev: LstmState | undefined = state;
      const [last, next] = scope(() =>
        noGrad(() => {
          const [logits, s] = model.call(tensor(ids, { shape: [1, ids.length], device }), prev) as [
            Tensor,
            LstmState,
          ];
          return [logits.select(1, ids.length - 1).reshape([-1]), s] as const;
        }),
      );
      if (prev) for (const t of prev) t.dispose();
      state = next;
      const id = sampleLogits(await last.data(), temperature, rng);
      last.dispose();
      outChars.push(id);
      ids = Int32Array.of(id);
    }
    if (state) for (const t of state) t.dispose();
    return prompt + corpus.vocab.decode(outChars);
  }

  return trainCharLm(
    {
      name: 'char-lstm',
      model,
      corpus,
      device,
      logits: (x) => (model.call(x) as [Tensor, LstmState])[0],
      generate,
      scheduler: (opt, steps) => new CosineAnnealingLR(opt, { TMax: steps, etaMin: lr / 20 }),
      config: { embedDim, hidden, layers },
    },
    { ...opts, lr },
  );
}
