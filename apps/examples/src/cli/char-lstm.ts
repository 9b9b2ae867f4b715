import { trainCharLstm } from '../char-lstm.js';
import { commonFlags, parseCli, runMain } from '../shared/cli.js';

runMain(async () => {
  const a = parseCli(
    {
      ...commonFlags,
      steps: 300,
      'batch-size': 32,
      'seq-len': 32,
      lr: 0.02,
      'embed-dim': 32,
      hidden: 128,
      layers: 1,
      'eval-every': 50,
      'sample-length': 400,
      temperature: 0.7,
      prompt: 'It is a truth universally acknowledged',
      text: '',
    },
    'Character-level LSTM: node apps/examples/dist/char-lstm.js [flags]',
  );
  const r = await trainCharLstm(a);
  if (!(r.valLoss < r.initialValLoss)) process.exitCode = 1;
});
