import { cpuBackend } from '@kindling/kernels-cpu';
import { registerBackend } from '@kindling/tensor';
import { beforeAll, describe, it } from 'vitest';
// by path, as packages/tensor/test/ops.test.ts does (see packages/testing/README.md)
import { runOpSuite } from '../../testing/src/index.js';
import { probeWebGPU, suiteTitle } from './helpers.js';

/**
 * The whole OpInfo suite (PyTorch goldens) on webgpu. What cannot run there (float64, ops whose
 * output size depends on values) is skipped by typed rules in @kindling/testing's OP_INFO.
 */
const probe = await probeWebGPU();

beforeAll(() => {
  registerBackend(cpuBackend);
  if (probe.backend) registerBackend(probe.backend);
});

if (probe.backend) {
  runOpSuite('webgpu');
} else {
  describe.skip(suiteTitle('op suite on webgpu', probe), () => {
    it('needs a WebGPU adapter', () => {});
  });
}
