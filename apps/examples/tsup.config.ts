import { defineConfig } from 'tsup';

export default defineConfig({
  // dist/<example>.js: the command-line entry of each example (src/cli), which calls the
  // example's exported function (src/<example>.ts, what the tests call)
  entry: {
    mlp: 'src/mlp.ts',
    'fashion-mnist': 'src/cli/fashion-mnist.ts',
    'char-lstm': 'src/cli/char-lstm.ts',
    'transformer-lm': 'src/cli/transformer-lm.ts',
    'ctc-digits': 'src/cli/ctc-digits.ts',
    'pytorch-interop': 'src/cli/pytorch-interop.ts',
  },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // PyTorch-style reprs print constructor names: keep them through bundling
  keepNames: true,
});
