import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/shared/cli.js';
import { editDistance, greedyDecode, renderDigits } from '../src/shared/digit-strings.js';
import { parseIdx } from '../src/shared/idx.js';
import { Rng } from '../src/shared/rng.js';
import { renderCharts } from '../src/shared/svg.js';
import { CharVocab } from '../src/shared/text.js';

describe('example helpers', () => {
  it('parses flags typed by their defaults, in camelCase', () => {
    const a = parseCli({ epochs: 3, 'batch-size': 64, device: 'cpu', flag: false }, '', [
      '--batch-size',
      '8',
      '--device',
      'webgpu',
      '--flag',
    ]);
    expect(a).toEqual({ epochs: 3, batchSize: 8, device: 'webgpu', flag: true });
    expect(() => parseCli({ epochs: 3 }, '', ['--epochs', 'x'])).toThrow(/expects a number/);
    expect(parseCli({ epochs: 3 }, '', ['--', '--epochs', '2']).epochs).toBe(2); // pnpm train -- --epochs 2
    expect(() => parseCli({ epochs: 3 }, '', ['--epoch', '1'])).toThrow();
  });

  it('reads IDX files, gzipped or not', () => {
    const raw = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
    for (const bytes of [raw, new Uint8Array(gzipSync(raw))]) {
      const { dims, data } = parseIdx(bytes);
      expect(dims).toEqual([2, 3]);
      expect([...data]).toEqual([1, 2, 3, 4, 5, 6]);
    }
    expect(() => parseIdx(raw.subarray(0, 15))).toThrow(/truncated/);
  });

  it('decodes CTC paths and measures edit distance', () => {
    // blank = 0, digit d = d + 1: "1 1 _ 1 2 2 _" → 0, 0, 1
    expect(greedyDecode([2, 2, 0, 2, 3, 3, 0], 7)).toEqual([1, 1, 2]);
    expect(editDistance([1, 2, 3], [1, 3])).toBe(1);
    expect(editDistance([], [4, 5])).toBe(2);
    const im = renderDigits(new Rng(3), 4);
    expect(im.digits.length).toBeGreaterThanOrEqual(1);
    expect(im.width).toBeGreaterThanOrEqual(3 * im.digits.length);
  });

  it('maps characters to ids and back; renders charts', () => {
    const v = new CharVocab('hello');
    expect(v.chars).toEqual(['e', 'h', 'l', 'o']);
    expect(v.decode(v.encode('hole'))).toBe('hole');
    const svg = renderCharts([
      {
        title: 'loss',
        xLabel: 'step',
        logY: true,
        series: {
          train: [
            [1, 2],
            [2, 1],
            [3, 0.5],
          ],
        },
      },
    ]);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('<polyline');
  });
});
