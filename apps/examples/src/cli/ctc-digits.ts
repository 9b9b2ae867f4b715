import { trainCtcDigits } from '../ctc-digits.js';
import { commonFlags, parseCli, runMain } from '../shared/cli.js';

runMain(async () => {
  const a = parseCli(
    {
      ...commonFlags,
      steps: 300,
      'batch-size': 32,
      hidden: 48,
      lr: 0.01,
      'val-size': 256,
      'eval-every': 25,
      'max-digits': 6,
    },
    'CTC digit-string recognition: node apps/examples/dist/ctc-digits.js [flags]',
  );
  const r = await trainCtcDigits(a);
  if (!(r.lastLoss < r.firstLoss)) process.exitCode = 1;
});
