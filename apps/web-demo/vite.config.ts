import { defaultClientConditions, defineConfig } from 'vite';
import { fashionSubset } from './fashion-subset.js';

// Resolves the workspace packages to their sources (the custom export condition), so the demo
// needs no prior build of packages/*. `base: './'` lets the built page be served from any path.
export default defineConfig({
  base: './',
  resolve: { conditions: ['@kindling/source', ...defaultClientConditions] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  // Dawn for Node is an optional dynamic import of kernels-gpu's; the browser uses navigator.gpu
  optimizeDeps: { exclude: ['webgpu'] },
  plugins: [fashionSubset()],
});
