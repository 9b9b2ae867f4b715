import { empty, Generator, manualSeed, type Tensor } from '@kindling/tensor';
import { describe, expect, it } from 'vitest';
import { init, Linear } from '../src/index.js';
import { expectClose, mean, std, useCpu, vals } from './helpers.js';

useCpu();

const big = (...shape: number[]): Tensor => empty(shape);

describe('nn.init', () => {
  it('calculateGain and fans follow PyTorch', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2);
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.0001)));
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3));
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish')).toThrow('Unsupported nonlinearity swish');
    expect(init.calculateFanInAndFanOut(big(16, 8, 3, 3))).toEqual([72, 144]);
    expect(() => init.calculateFanInAndFanOut(big(4))).toThrow(/fewer than 2 dimensions/);
  });

  it('uniform_, normal_, constant_ and truncNormal_ have the right statistics', () => {
    manualSeed(0);
    const u = vals(init.uniform_(big(200, 100), -2, 4));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(4);
    expect(mean(u)).toBeCloseTo(1, 1);
    const n = vals(init.normal_(big(200, 100), 3, 0.5));
    expect(mean(n)).toBeCloseTo(3, 1);
    expect(std(n)).toBeCloseTo(0.5, 1);
    const t = vals(init.truncNormal_(big(200, 100), { std: 1, a: -1, b: 1.5 }));
    expect(Math.min(...t)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...t)).toBeLessThanOrEqual(1.5);
    // mean of N(0,1) truncated to [-1, 1.5]: (φ(-1) − φ(1.5)) / (Φ(1.5) − Φ(-1))
    expect(mean(t)).toBeCloseTo((0.2419707 - 0.1295176) / (0.9331928 - 0.1586553), 1);
    expect(vals(init.constant_(big(3), 0.3))).toEqual(Array(3).fill(Math.fround(0.3)));
    expect(vals(init.ones_(big(2)))).toEqual([1, 1]);
    expect(vals(init.zeros_(big(2)))).toEqual([0, 0]);
  });

  it('xavier and kaiming use the fans and the gain', () => {
    manualSeed(1);
    const w = big(256, 128);
    const xu = vals(init.xavierUniform_(w, 2));
    const a = 2 * Math.sqrt(6 / (256 + 128));
    expect(Math.max(...xu.map(Math.abs))).toBeLessThanOrEqual(a);
    expect(std(xu)).toBeCloseTo(a / Math.sqrt(3), 2);
    expect(std(vals(init.xavierNormal_(w)))).toBeCloseTo(Math.sqrt(2 / 384), 2);
    const ku = vals(init.kaimingUniform_(w, { a: 0, nonlinearity: 'relu' }));
    expect(std(ku)).toBeCloseTo(Math.SQRT2 / Math.sqrt(128), 2);
    const kn = vals(init.kaimingNormal_(w, 0, 'fan_out', 'relu'));
    expect(std(kn)).toBeCloseTo(Math.SQRT2 / Math.sqrt(256), 2);
    expect(() => init.kaimingNormal_(w, { mode: 'fan_avg' as 'fan_in' })).toThrow(
      'Mode fan_avg not supported, please use one of fan_in, fan_out',
    );
  });

  it('Linear defaults: weight and bias within 1/sqrt(fanIn)', () => {
    manualSeed(2);
    const fc = new Linear(400, 300);
    const bound = 1 / Math.sqrt(400);
    const w = vals(fc.weight);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(std(w)).toBeCloseTo(bound / Math.sqrt(3), 3);
    expect(Math.max(...vals(fc.bias).map(Math.abs))).toBeLessThanOrEqual(bound);
  });

  it('a generator makes the draw reproducible', () => {
    const a = vals(init.normal_(big(5), 0, 1, new Generator(7)));
    const b = vals(init.normal_(big(5), 0, 1, { generator: new Generator(7) }));
    expect(a).toEqual(b);
  });

  it('eye_, dirac_, orthogonal_ and sparse_', () => {
    expect(vals(init.eye_(big(2, 3)))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(() => init.eye_(big(2, 2, 2))).toThrow('Only tensors with 2 dimensions are supported');
    const d = vals(init.dirac_(big(2, 2, 3)));
    expect(d).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    const g = vals(init.dirac_(big(4, 1, 3), 2));
    expect(g).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    for (const [r, c] of [
      [6, 3],
      [3, 6],
    ]) {
      const q = vals(init.orthogonal_(big(r, c), 2));
      const rows = Array.from({ length: r }, (_, i) => q.slice(i * c, i * c + c));
      const cols = Array.from({ length: c }, (_, j) => rows.map((row) => row[j]));
      const vecs = r >= c ? cols : rows;
      for (let i = 0; i < vecs.length; i++) {
        for (let j = 0; j < vecs.length; j++) {
          const dot = vecs[i].reduce((s, v, k) => s + v * vecs[j][k], 0);
          expect(dot).toBeCloseTo(i === j ? 4 : 0, 4);
        }
      }
    }
    const s = vals(init.sparse_(big(10, 4), 0.3));
    for (let c = 0; c < 4; c++) {
      const zeros = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((r) => s[r * 4 + c] === 0).length;
      expect(zeros).toBe(3);
    }
  });

  it('works in place on a parameter that requires grad', () => {
    const fc = new Linear(3, 3);
    const w = fc.weight;
    init.eye_(fc.weight);
    expect(fc.weight).toBe(w);
    expect(w.requiresGrad).toBe(true);
    expectClose(w, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
});
