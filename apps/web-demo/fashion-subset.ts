/**
 * Build-time data for the demo (runs in Node, from vite.config.ts): a small embedded subset of
 * Fashion-MNIST taken from the t10k IDX files that apps/examples ships under data/fashion-mnist
 * (or KINDLING_FASHION_DIR, or Debian's dataset-fashion-mnist), packed into one binary asset that
 * the page fetches. Without those files the page generates a synthetic set instead.
 *
 * Asset layout (little-endian): "KFM1", u32 nTrain, u32 nTest, u32 rows, u32 cols, then the train
 * images (nTrain·rows·cols bytes), train labels (nTrain bytes), test images, test labels.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

export const ASSET_NAME = 'fashion-subset.bin';
/** Images the page trains on and evaluates on (the t10k split's first images / images from 8,000 on, like apps/examples). */
export const TRAIN_COUNT = 2000;
export const TEST_COUNT = 500;
const TEST_OFFSET = 8000;

const here = dirname(fileURLToPath(import.meta.url));

function candidates(): string[] {
  return [
    process.env.KINDLING_FASHION_DIR,
    join(here, '..', 'examples', 'data', 'fashion-mnist'),
    '/usr/share/datasets/fashion-mnist',
  ].filter((d): d is string => !!d);
}

function readIdx(base: string): { dims: number[]; data: Uint8Array } | null {
  for (const p of [base, `${base}.gz`]) {
    if (!existsSync(p)) continue;
    const raw = new Uint8Array(readFileSync(p));
    const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? new Uint8Array(gunzipSync(raw)) : raw;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint16(0) !== 0 || bytes[2] !== 0x08) throw new Error(`${p}: not an unsigned-byte IDX file`);
    const nd = bytes[3];
    const dims = Array.from({ length: nd }, (_, i) => view.getUint32(4 + 4 * i));
    const start = 4 + 4 * nd;
    return { dims, data: bytes.subarray(start, start + dims.reduce((a, b) => a * b, 1)) };
  }
  return null;
}

/** The packed subset and where it came from, or null when no Fashion-MNIST files are found. */
export function buildFashionSubset(): { bytes: Uint8Array; source: string } | null {
  for (const dir of candidates()) {
    const images = readIdx(join(dir, 't10k-images-idx3-ubyte'));
    const labels = readIdx(join(dir, 't10k-labels-idx1-ubyte'));
    if (!images || !labels) continue;
    const [n, rows, cols] = images.dims;
    if (labels.dims[0] !== n || n < TEST_OFFSET + TEST_COUNT)
      throw new Error(`${dir}: unexpected t10k shapes`);
    const px = rows * cols;
    const out = new Uint8Array(20 + (TRAIN_COUNT + TEST_COUNT) * (px + 1));
    const view = new DataView(out.buffer);
    out.set([0x4b, 0x46, 0x4d, 0x31]); // KFM1
    view.setUint32(4, TRAIN_COUNT, true);
    view.setUint32(8, TEST_COUNT, true);
    view.setUint32(12, rows, true);
    view.setUint32(16, cols, true);
    let o = 20;
    for (const [from, count] of [
      [0, TRAIN_COUNT],
      [TEST_OFFSET, TEST_COUNT],
    ]) {
      out.set(images.data.subarray(from * px, (from + count) * px), o);
      o += count * px;
      out.set(labels.data.subarray(from, from + count), o);
      o += count;
    }
    return { bytes: out, source: dir };
  }
  return null;
}

/** Serves the subset in `vite` (dev/preview) and emits it as an asset in `vite build`. */
export function fashionSubset(): Plugin {
  let subset: ReturnType<typeof buildFashionSubset> | undefined;
  const get = () => {
    if (subset === undefined) subset = buildFashionSubset();
    return subset;
  };
  return {
    name: 'kindling-fashion-subset',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const s = req.url?.split('?')[0].endsWith(`/${ASSET_NAME}`) ? get() : null;
        if (!s) return next();
        res.setHeader('content-type', 'application/octet-stream');
        res.end(s.bytes);
      });
    },
    generateBundle() {
      const s = get();
      if (s) {
        this.emitFile({ type: 'asset', fileName: ASSET_NAME, source: s.bytes });
        this.info?.(`embedded ${TRAIN_COUNT} + ${TEST_COUNT} Fashion-MNIST images from ${s.source}`);
      } else {
        this.warn('no Fashion-MNIST IDX files found: the page will generate a synthetic data set');
      }
    },
  };
}
