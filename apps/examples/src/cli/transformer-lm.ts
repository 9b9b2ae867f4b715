import { trainTransformerLm } from '../transformer-lm.js';
import { commonFlags, parseCli, runMain } from '../shared/cli.js';

runMain(async () => {
  const a = parseCli(
    {
      ...commonFlags,
      steps: 300,
      'batch-size': 32,
      'seq-len': 32,
      lr: 0.01,
      'd-model': 64,
      nhead: 4,
      layers: 2,
      'dim-feedforward': 128,
      dropout: 0,
      'eval-every': 50,
      'sample-length': 400,
      temperature: 0.7,
      prompt: 'It is a truth universally acknowledged',
      text: '',
    },
    'Tiny transformer language model: node apps/examples/dist/transformer-lm.js [flags]',
  );
  const r = await trainTransformerLm(a);
  if (!(r.valLoss < r.initialValLoss)) process.exitCode = 1;
});
