/**
 * @kindling/io: checkpoints. safetensors read/write, and PyTorch's `torch.save` zip format
 * (weights only) read/write, from and to bytes, in Node and in browsers.
 */
export {
  loadSafetensors,
  readSafetensorsHeader,
  SAFETENSORS_MAX_HEADER,
  type SafetensorsEntry,
  type SafetensorsHeader,
  safetensorsMetadata,
  saveSafetensors,
  saveSafetensorsAsync,
} from './safetensors.js';
export { torchLoad, type TorchLoadOptions } from './torch-load.js';
export { type Savable, torchSave, torchSaveAsync } from './torch-save.js';
export type { StoredType } from './dtypes.js';
