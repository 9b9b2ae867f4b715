import { type Device, type Tensor, tensor } from '@kindling/tensor';
import type { Rng } from './rng.js';

/** 3×5 bitmaps of the digits 0-9, row by row. */
const GLYPHS = [
  '111101101101111',
  '010110010010111',
  '111001111100111',
  '111001111001111',
  '101101111001001',
  '111100111001111',
  '111100111101111',
  '111001010010010',
  '111101111101111',
  '111101111001111',
];
/** Image height: a glyph (5 rows) placed at a random vertical offset. */
export const HEIGHT = 8;
export const BLANK = 0;
/** Classes: the CTC blank, then the digits 0-9 as 1-10. */
export const NUM_CLASSES = 11;

/** One rendered string: pixel columns (width × HEIGHT, column-major) and its digits. */
export interface DigitImage {
  pixels: Float32Array;
  width: number;
  digits: number[];
}

/**
 * Renders 1..maxDigits random digits left to right with 1-3 blank columns between them, 0-3
 * columns of margin, a random vertical offset per glyph, random ink intensity and pixel noise.
 */
export function renderDigits(rng: Rng, maxDigits = 6): DigitImage {
  const digits = Array.from({ length: rng.int(1, maxDigits + 1) }, () => rng.int(0, 10));
  const gaps = digits.map((_, i) => (i === 0 ? rng.int(0, 4) : rng.int(1, 4)));
  const width = digits.length * 3 + gaps.reduce((a, b) => a + b, 0) + rng.int(0, 4);
  const pixels = new Float32Array(width * HEIGHT);
  for (let i = 0; i < pixels.length; i++) pixels[i] = 0.15 * rng.next();
  let x = 0;
  digits.forEach((d, i) => {
    x += gaps[i];
    const top = rng.int(0, HEIGHT - 4);
    const ink = 0.6 + 0.4 * rng.next();
    for (let r = 0; r < 5; r++)
      for (let c = 0; c < 3; c++) if (GLYPHS[d][r * 3 + c] === '1') pixels[(x + c) * HEIGHT + top + r] = ink;
    x += 3;
  });
  return { pixels, width, digits };
}

/** A batch for CTC: inputs (T, N, HEIGHT) zero-padded, targets (N, S) padded with blanks, and both lengths. */
export function digitBatch(
  images: DigitImage[],
  device: Device = 'cpu',
): { x: Tensor; targets: Tensor; inputLengths: number[]; targetLengths: number[] } {
  const n = images.length;
  const T = Math.max(...images.map((im) => im.width));
  const S = Math.max(...images.map((im) => im.digits.length));
  const x = new Float32Array(T * n * HEIGHT);
  const y = new Int32Array(n * S);
  images.forEach((im, b) => {
    for (let t = 0; t < im.width; t++)
      x.set(im.pixels.subarray(t * HEIGHT, (t + 1) * HEIGHT), (t * n + b) * HEIGHT);
    im.digits.forEach((d, j) => {
      y[b * S + j] = d + 1;
    });
  });
  return {
    x: tensor(x, { shape: [T, n, HEIGHT], device }),
    targets: tensor(y, { shape: [n, S], device }),
    inputLengths: images.map((im) => im.width),
    targetLengths: images.map((im) => im.digits.length),
  };
}

/** Best-path decoding: the most likely class per column, repeats merged, blanks dropped. */
export function greedyDecode(best: ArrayLike<number>, length: number, stride = 1, offset = 0): number[] {
  const out: number[] = [];
  let prev = BLANK;
  for (let t = 0; t < length; t++) {
    const k = best[offset + t * stride];
    if (k !== BLANK && k !== prev) out.push(k - 1);
    prev = k;
  }
  return out;
}

/** Levenshtein distance between two digit strings. */
export function editDistance(a: number[], b: number[]): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** The image as text (# for ink), for printing. */
export function asciiArt(im: DigitImage): string {
  const rows: string[] = [];
  for (let r = 0; r < HEIGHT; r++) {
    let s = '';
    for (let t = 0; t < im.width; t++) s += im.pixels[t * HEIGHT + r] > 0.5 ? '#' : '·';
    rows.push(s);
  }
  return rows.join('\n');
}
