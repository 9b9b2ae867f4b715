// The OpInfo-style op suite over the PyTorch goldens (packages/testing/goldens/ops), on the CPU backend.
// @kindling/testing is imported by path: as a devDependency of @kindling/tensor it would close a
// dependency cycle (testing depends on tensor) that turbo refuses.
import { cpuBackend } from '@kindling/kernels-cpu';
import { beforeAll } from 'vitest';
import { runOpSuite } from '../../testing/src/index.js';
import { hasBackend, registerBackend } from '../src/index.js';

beforeAll(() => {
  if (!hasBackend('cpu')) registerBackend(cpuBackend);
});

runOpSuite('cpu');
