import { readFileSync } from 'node:fs';
import { type Device, type Tensor, tensor } from '@kindling/tensor';
import { dataPath } from './paths.js';
import type { Rng } from './rng.js';

/** The embedded corpus: chapters 1-6 of Pride and Prejudice (see data/README.md), or any UTF-8 file. */
export function loadText(file?: string): string {
  return readFileSync(file || dataPath('pride-and-prejudice.txt'), 'utf8');
}

/** Characters ↔ ids, in sorted order of the characters the text uses. */
export class CharVocab {
  readonly chars: string[];
  private readonly ids: Map<string, number>;

  constructor(text: string) {
    this.chars = [...new Set(text)].sort();
    this.ids = new Map(this.chars.map((c, i) => [c, i]));
  }

  get size(): number {
    return this.chars.length;
  }

  encode(s: string): Int32Array {
    return Int32Array.from(s, (c) => {
      const id = this.ids.get(c);
      if (id === undefined) throw new Error(`character ${JSON.stringify(c)} is not in the vocabulary`);
      return id;
    });
  }

  decode(ids: ArrayLike<number>): string {
    return Array.from(ids, (i) => this.chars[i]).join('');
  }
}

/** `batch` random windows of `seqLen` ids and the same windows shifted by one: (B, T) int32 each. */
export function textBatch(
  ids: Int32Array,
  batch: number,
  seqLen: number,
  rng: Rng,
  device: Device = 'cpu',
): [Tensor, Tensor] {
  const x = new Int32Array(batch * seqLen);
  const y = new Int32Array(batch * seqLen);
  for (let b = 0; b < batch; b++) {
    const start = rng.int(0, ids.length - seqLen - 1);
    x.set(ids.subarray(start, start + seqLen), b * seqLen);
    y.set(ids.subarray(start + 1, start + seqLen + 1), b * seqLen);
  }
  return [tensor(x, { shape: [batch, seqLen], device }), tensor(y, { shape: [batch, seqLen], device })];
}

/** Consecutive windows covering `ids` (for a deterministic validation loss). */
export function textWindows(ids: Int32Array, seqLen: number, maxWindows: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let s = 0; s + seqLen + 1 <= ids.length && out.length < maxWindows; s += seqLen)
    out.push(ids.subarray(s, s + seqLen + 1));
  return out;
}

/** Draws an id from logits at a temperature (0: the most likely one). */
export function sampleLogits(logits: ArrayLike<number>, temperature: number, rng: Rng): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temperature <= 0) return best;
  const p = Array.from(logits, (v) => Math.exp((v - logits[best]) / temperature));
  let r = rng.next() * p.reduce((a, b) => a + b, 0);
  for (let i = 0; i < p.length; i++) {
    r -= p[i];
    if (r <= 0) return i;
  }
  return best;
}
