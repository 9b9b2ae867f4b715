import { trainFashionMnist } from '../fashion-mnist.js';
import { commonFlags, parseCli, runMain } from '../shared/cli.js';

runMain(async () => {
  const a = parseCli(
    { ...commonFlags, data: 'auto', epochs: 0, 'batch-size': 64, lr: 0.005, limit: 0, 'test-limit': 0 },
    'Fashion-MNIST CNN: node apps/examples/dist/fashion-mnist.js [flags]',
  );
  const r = await trainFashionMnist(a);
  if (!r.reloadIdentical || !(r.lastLoss < r.firstLoss)) process.exitCode = 1;
});
