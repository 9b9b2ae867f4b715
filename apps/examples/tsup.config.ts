import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/mlp.ts'],
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
