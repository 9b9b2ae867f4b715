import { describe, expect, it } from 'vitest';
import { trainTransformerLm } from '../src/transformer-lm.js';
import { quiet, tmpOut } from './helpers.js';

describe('transformer-lm example', () => {
  it('the training and validation losses fall, and it generates text', async () => {
    const r = await trainTransformerLm({
      steps: 25,
      batchSize: 8,
      seqLen: 32,
      dModel: 32,
      layers: 1,
      dimFeedforward: 64,
      evalEvery: 25,
      sampleLength: 40,
      prompt: 'It is',
      out: tmpOut('transformer'),
      log: quiet,
    });
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.valLoss).toBeLessThan(r.initialValLoss);
    expect(r.sample.startsWith('It is')).toBe(true);
    expect(r.sample.length).toBe(45);
  });
});
