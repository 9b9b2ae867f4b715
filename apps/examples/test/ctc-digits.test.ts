import { describe, expect, it } from 'vitest';
import { trainCtcDigits } from '../src/ctc-digits.js';
import { quiet, tmpOut } from './helpers.js';

describe('ctc-digits example', () => {
  it('the CTC loss falls and the error rates are scored', async () => {
    const r = await trainCtcDigits({
      steps: 20,
      batchSize: 16,
      hidden: 24,
      valSize: 32,
      evalEvery: 20,
      out: tmpOut('ctc'),
      log: quiet,
    });
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.cer).toBeGreaterThanOrEqual(0);
    expect(r.examples).toHaveLength(8);
  });
});
