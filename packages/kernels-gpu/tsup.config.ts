import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  // the public types mention GPUDevice / GPU: keep @webgpu/types referenced from the bundled .d.ts
  dts: { banner: '/// <reference types="@webgpu/types" />' },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  // Dawn for Node is an optional peer dependency, loaded by dynamic import only when needed
  external: ['webgpu'],
});
