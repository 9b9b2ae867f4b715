import { describe, expect, it } from 'vitest';
import { trainCharLstm } from '../src/char-lstm.js';
import { quiet, tmpOut } from './helpers.js';

describe('char-lstm example', () => {
  it('the training and validation losses fall, and it generates text', async () => {
    const r = await trainCharLstm({
      steps: 25,
      batchSize: 8,
      seqLen: 32,
      hidden: 32,
      evalEvery: 25,
      sampleLength: 40,
      prompt: 'It is',
      out: tmpOut('lstm'),
      log: quiet,
    });
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.valLoss).toBeLessThan(r.initialValLoss);
    expect(r.sample.startsWith('It is')).toBe(true);
    expect(r.sample.length).toBe(45);
  });
});
