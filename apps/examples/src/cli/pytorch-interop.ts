import { interopOk, runInterop } from '../pytorch-interop.js';
import { commonFlags, parseCli, runMain } from '../shared/cli.js';

runMain(async () => {
  const a = parseCli(
    { ...commonFlags, fixtures: '' },
    'PyTorch interop: node apps/examples/dist/pytorch-interop.js [flags]',
  );
  const r = await runInterop({ ...a, fixtures: a.fixtures || undefined });
  const ok = interopOk(r);
  console.log(ok ? 'Kindling reproduces PyTorch.' : 'MISMATCH with PyTorch (see above).');
  if (!ok) process.exitCode = 1;
});
