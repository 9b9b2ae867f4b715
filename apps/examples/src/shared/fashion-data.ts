import { join } from 'node:path';
import { type Device, type Tensor, tensor } from '@kindling/tensor';
import { hasIdx, readIdx } from './idx.js';
import { dataPath } from './paths.js';

export const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
/** Where Debian's dataset-fashion-mnist package puts the full dataset. */
export const DEBIAN_FASHION_DIR = '/usr/share/datasets/fashion-mnist';
const MEAN = 0.286;
const STD = 0.353;

/** Images as bytes (n × 28 × 28) and labels. */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
}

export interface FashionData {
  train: ImageSet;
  test: ImageSet;
  /** Where the data came from, for the log. */
  source: string;
}

function load(dir: string, split: 'train' | 't10k'): ImageSet {
  const images = readIdx(join(dir, `${split}-images-idx3-ubyte`));
  const labels = readIdx(join(dir, `${split}-labels-idx1-ubyte`));
  if (images.dims[1] !== 28 || images.dims[2] !== 28 || images.dims[0] !== labels.dims[0])
    throw new Error(`unexpected IDX shapes in ${dir}`);
  return { images: images.data, labels: labels.data, n: labels.dims[0] };
}

const slice = (s: ImageSet, from: number, to: number): ImageSet => ({
  images: s.images.subarray(from * 784, to * 784),
  labels: s.labels.subarray(from, to),
  n: to - from,
});

const hasFull = (dir: string) =>
  ['train', 't10k'].every(
    (s) => hasIdx(join(dir, `${s}-images-idx3-ubyte`)) && hasIdx(join(dir, `${s}-labels-idx1-ubyte`)),
  );

/**
 * `data`: 'auto' (the full 60k/10k set from Debian's package when installed, else the embedded
 * subset), 'embedded' (the 10k test split committed under data/, split 8,000 train / 2,000 test),
 * or a directory holding the four IDX files (gzipped or not). `limit`/`testLimit` cap the sizes (0: all).
 */
export function loadFashionMnist(data = 'auto', limit = 0, testLimit = 0): FashionData {
  let out: FashionData;
  if (data !== 'embedded' && data !== 'auto') {
    if (!hasFull(data))
      throw new Error(
        `--data ${data}: expected train-/t10k-images-idx3-ubyte[.gz] and -labels-idx1-ubyte[.gz] there`,
      );
    out = { train: load(data, 'train'), test: load(data, 't10k'), source: data };
  } else if (data === 'auto' && hasFull(DEBIAN_FASHION_DIR)) {
    out = {
      train: load(DEBIAN_FASHION_DIR, 'train'),
      test: load(DEBIAN_FASHION_DIR, 't10k'),
      source: DEBIAN_FASHION_DIR,
    };
  } else {
    const all = load(dataPath('fashion-mnist'), 't10k');
    out = {
      train: slice(all, 0, 8000),
      test: slice(all, 8000, all.n),
      source: 'embedded subset (t10k split: 8,000 train / 2,000 test)',
    };
  }
  if (limit > 0 && limit < out.train.n) out.train = slice(out.train, 0, limit);
  if (testLimit > 0 && testLimit < out.test.n) out.test = slice(out.test, 0, testLimit);
  return out;
}

/** Images `idx` of a set as a normalised (B, 1, 28, 28) float tensor and their labels (B) int32. */
export function fashionBatch(
  set: ImageSet,
  idx: ArrayLike<number>,
  device: Device = 'cpu',
  flip?: (i: number) => boolean,
): [Tensor, Tensor] {
  const b = idx.length;
  const x = new Float32Array(b * 784);
  const y = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    const src = set.images.subarray(idx[i] * 784, idx[i] * 784 + 784);
    const dst = i * 784;
    const mirror = flip?.(i) ?? false;
    for (let r = 0; r < 28; r++)
      for (let c = 0; c < 28; c++)
        x[dst + r * 28 + c] = (src[r * 28 + (mirror ? 27 - c : c)] / 255 - MEAN) / STD;
    y[i] = set.labels[idx[i]];
  }
  return [tensor(x, { shape: [b, 1, 28, 28], device }), tensor(y, { shape: [b], device })];
}
