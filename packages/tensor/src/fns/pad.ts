import { dispatch } from '../dispatch.js';
import { tensor } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { indexSelect } from './indexing.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

export interface PadOptions {
  mode?: PadMode;
  value?: number;
}

/** Source index for each output position of one padded dim. */
function padIndices(
  mode: Exclude<PadMode, 'constant'>,
  n: number,
  before: number,
  after: number,
): Int32Array {
  const out = new Int32Array(n + before + after);
  for (let o = 0; o < out.length; o++) {
    const i = o - before;
    let s: number;
    if (mode === 'replicate') s = Math.min(Math.max(i, 0), n - 1);
    else if (mode === 'circular') s = ((i % n) + n) % n;
    else {
      // reflect without repeating the edge: ... 2 1 | 0 1 2 ... n-1 | n-2 ...
      const period = 2 * (n - 1);
      let k = period === 0 ? 0 : ((i % period) + period) % period;
      if (k >= n) k = period - k;
      s = k;
    }
    out[o] = s;
  }
  return out;
}

/** torch.nn.functional.pad. `pad` lists (before, after) pairs starting from the last dim. */
export function pad(x: Tensor, padding: readonly number[], opts: PadOptions = {}): Tensor {
  const mode = opts.mode ?? 'constant';
  if (mode === 'constant') return dispatch('constantPad', [x], { pad: [...padding], value: opts.value ?? 0 });
  if (padding.length % 2 !== 0) throw new RangeError('pad: Padding length must be divisible by 2');
  const k = padding.length / 2;
  if (k > 3 || x.ndim < k + 1 || x.ndim > k + 2) {
    throw new RangeError(
      `pad: ${mode} padding of ${k} dims expects a ${k + 1}-D or ${k + 2}-D input, got ${x.ndim}-D input of shape [${x.shape.join(', ')}] (Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now)`,
    );
  }
  let out = x;
  for (let i = 0; i < k; i++) {
    const d = x.ndim - 1 - i;
    const before = padding[2 * i];
    const after = padding[2 * i + 1];
    const n = x.shape[d];
    if (mode === 'reflect' && (before >= n || after >= n)) {
      throw new RangeError(
        `pad: Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${d} of input [${x.shape.join(', ')}]`,
      );
    }
    if (mode === 'circular' && (before > n || after > n)) {
      throw new RangeError(
        `pad: Padding value causes wrapping around more than once (padding (${before}, ${after}) at dimension ${d} of input [${x.shape.join(', ')}])`,
      );
    }
    if (n === 0 && (before > 0 || after > 0)) {
      throw new RangeError(
        `pad: ${mode} padding of an empty dimension ${d} of input [${x.shape.join(', ')}]`,
      );
    }
    if (before < 0 || after < 0) {
      // negative padding crops, then the rest pads
      const start = Math.max(0, -before);
      const end = n - Math.max(0, -after);
      out = out.narrow(d, start, end - start);
      const idx = padIndices(mode, end - start, Math.max(0, before), Math.max(0, after));
      out = indexSelect(out, d, tensor(idx, { shape: [idx.length], dtype: 'int32', device: x.device }));
      continue;
    }
    if (before === 0 && after === 0) continue;
    const idx = padIndices(mode, n, before, after);
    out = indexSelect(out, d, tensor(idx, { shape: [idx.length], dtype: 'int32', device: x.device }));
  }
  return out;
}
