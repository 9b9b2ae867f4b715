export { type CpuBackendOptions, cpuBackend, createCpuBackend } from './backend.js';
export type { CpuBuffer } from './context.js';
