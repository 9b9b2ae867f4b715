import { defineConfig } from 'tsup';

// One output file per source file (bundle: false) rather than one bundle: a bundled entry turns
// `export * as F from ...` into a namespace object built by a top-level call, which consumers'
// bundlers cannot drop, so every functional/init/scheduler function shipped with any import.
// Per-file ESM keeps the re-export static and `sideEffects: false` lets bundlers skip it.
export default defineConfig({
  entry: ['src/**/*.ts'],
  bundle: false,
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
