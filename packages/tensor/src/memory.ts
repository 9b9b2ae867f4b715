import type { Device, MemoryStats } from '@kindling/ops';
import { getBackend } from './registry.js';

/** Live buffers and bytes of a device's backend (for leak tests and monitoring). */
export function memoryStats(device: Device = 'cpu'): MemoryStats {
  return getBackend(device).memoryStats();
}
