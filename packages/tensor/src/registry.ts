import type { Backend, Device } from '@kindling/ops';

const backends = new Map<Device, Backend>();

/** Make a backend available under its device name (replacing any earlier one for that device). */
export function registerBackend(backend: Backend): void {
  const prev = backends.get(backend.device);
  if (prev && prev !== backend) prev.destroy?.();
  backends.set(backend.device, backend);
}

export function unregisterBackend(device: Device): void {
  const prev = backends.get(device);
  backends.delete(device);
  prev?.destroy?.();
}

export function hasBackend(device: Device): boolean {
  return backends.has(device);
}

export function getBackend(device: Device): Backend {
  const b = backends.get(device);
  if (!b) {
    const hint =
      device === 'cpu'
        ? "import { cpuBackend } from '@kindling/kernels-cpu'; registerBackend(cpuBackend);"
        : "import { createWebGPUBackend } from '@kindling/kernels-gpu'; registerBackend(await createWebGPUBackend());";
    throw new Error(`No backend registered for device '${device}'. Register one first: ${hint}`);
  }
  return b;
}

export function registeredDevices(): Device[] {
  return [...backends.keys()];
}
