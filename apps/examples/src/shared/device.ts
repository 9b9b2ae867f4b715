import { cpuBackend } from '@kindling/kernels-cpu';
import { type Device, hasBackend, registerBackend } from '@kindling/tensor';

/**
 * Registers the backends a run needs: cpu always (data are built there), plus webgpu when asked
 * (Dawn in Node; set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json for SwiftShader).
 */
export async function useDevice(device: string): Promise<Device> {
  if (!hasBackend('cpu')) registerBackend(cpuBackend);
  if (device === 'cpu') return 'cpu';
  if (device !== 'webgpu') throw new Error(`--device must be cpu or webgpu, got ${JSON.stringify(device)}`);
  if (!hasBackend('webgpu')) {
    const { createWebGPUBackend } = await import('@kindling/kernels-gpu');
    registerBackend(await createWebGPUBackend());
  }
  return 'webgpu';
}
