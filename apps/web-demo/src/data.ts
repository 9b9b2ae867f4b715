/**
 * The demo's images: the embedded Fashion-MNIST subset (fashion-subset.bin, produced at build
 * time by fashion-subset.ts) or, when the build found no Fashion-MNIST files, a synthetic
 * image-classification set of ten shape classes generated here.
 */
export const FASHION_CLASSES = [
  'T-shirt',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Boot',
];
export const SYNTHETIC_CLASSES = [
  'H-bar',
  'V-bar',
  'Square',
  'Disc',
  'Plus',
  'Cross',
  'Triangle',
  'Diagonal',
  'Dots',
  'Frame',
];

export interface ImageSet {
  /** n images of rows × cols bytes (0 = background). */
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
}

export interface Dataset {
  train: ImageSet;
  test: ImageSet;
  rows: number;
  cols: number;
  classes: string[];
  kind: 'fashion-mnist' | 'synthetic';
}

/** Mean and standard deviation the pixels are normalised with (Fashion-MNIST's). */
export const MEAN = 0.286;
export const STD = 0.353;

export function parseSubset(buf: ArrayBuffer): Dataset {
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  if (bytes.length < 20 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'KFM1')
    throw new Error('not a KFM1 data file');
  const nTrain = view.getUint32(4, true);
  const nTest = view.getUint32(8, true);
  const rows = view.getUint32(12, true);
  const cols = view.getUint32(16, true);
  const px = rows * cols;
  let o = 20;
  const take = (n: number): ImageSet => {
    const images = bytes.subarray(o, o + n * px);
    o += n * px;
    const labels = bytes.subarray(o, o + n);
    o += n;
    return { images, labels, n };
  };
  const train = take(nTrain);
  const test = take(nTest);
  if (o > bytes.length) throw new Error('data file truncated');
  return { train, test, rows, cols, classes: FASHION_CLASSES, kind: 'fashion-mnist' };
}

/** A small seeded generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ten classes of shapes drawn at jittered positions and sizes, with noise. */
export function syntheticDataset(nTrain: number, nTest: number, seed = 1): Dataset {
  const rows = 28;
  const cols = 28;
  const rand = rng(seed);
  const make = (n: number): ImageSet => {
    const images = new Uint8Array(n * rows * cols);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % 10;
      labels[i] = k;
      drawShape(images.subarray(i * rows * cols, (i + 1) * rows * cols), k, rand);
    }
    return { images, labels, n };
  };
  return {
    train: make(nTrain),
    test: make(nTest),
    rows,
    cols,
    classes: SYNTHETIC_CLASSES,
    kind: 'synthetic',
  };
}

function drawShape(img: Uint8Array, k: number, rand: () => number): void {
  const cx = 14 + (rand() - 0.5) * 8;
  const cy = 14 + (rand() - 0.5) * 8;
  const r = 5 + rand() * 4;
  const ink = 150 + rand() * 105;
  const inside = (x: number, y: number): boolean => {
    const dx = x - cx;
    const dy = y - cy;
    switch (k) {
      case 0:
        return Math.abs(dy) < 1.5 && Math.abs(dx) < r + 2;
      case 1:
        return Math.abs(dx) < 1.5 && Math.abs(dy) < r + 2;
      case 2:
        return Math.abs(dx) < r && Math.abs(dy) < r;
      case 3:
        return dx * dx + dy * dy < r * r;
      case 4:
        return (Math.abs(dx) < 1.5 && Math.abs(dy) < r) || (Math.abs(dy) < 1.5 && Math.abs(dx) < r);
      case 5:
        return (Math.abs(dx - dy) < 1.8 || Math.abs(dx + dy) < 1.8) && Math.abs(dx) < r;
      case 6:
        return dy < r && dy > -r && Math.abs(dx) < (dy + r) / 2;
      case 7:
        return Math.abs(dx + dy) < 1.8 && Math.abs(dx) < r;
      case 8:
        return Math.round(dx) % 4 === 0 && Math.round(dy) % 4 === 0 && Math.abs(dx) < r && Math.abs(dy) < r;
      default:
        return Math.abs(dx) < r && Math.abs(dy) < r && (Math.abs(dx) > r - 2 || Math.abs(dy) > r - 2);
    }
  };
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = (inside(x, y) ? ink : 0) + rand() * 60;
      img[y * 28 + x] = Math.min(255, v);
    }
  }
}

/** Images `idx` of a set as normalised floats (B·rows·cols) and their labels (B) as int32. */
export function batchOf(
  set: ImageSet,
  idx: ArrayLike<number>,
  px: number,
): { x: Float32Array; y: Int32Array } {
  const b = idx.length;
  const x = new Float32Array(b * px);
  const y = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    const src = set.images.subarray(idx[i] * px, idx[i] * px + px);
    for (let j = 0; j < px; j++) x[i * px + j] = (src[j] / 255 - MEAN) / STD;
    y[i] = set.labels[idx[i]];
  }
  return { x, y };
}
