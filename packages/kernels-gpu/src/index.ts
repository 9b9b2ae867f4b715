/// <reference types="@webgpu/types" />
export { createWebGPUBackend, type WebGPUBackend, type WebGPUBackendOptions } from './backend.js';
export type { GpuBuffer } from './buffer.js';
