import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainFashionMnist } from '../src/fashion-mnist.js';
import { quiet, tmpOut } from './helpers.js';

describe('fashion-mnist example', () => {
  it('trains on the embedded subset, the loss falls, and the checkpoint reloads to identical predictions', async () => {
    const out = tmpOut('fashion');
    const r = await trainFashionMnist({
      data: 'embedded',
      limit: 384,
      testLimit: 200,
      epochs: 2,
      batchSize: 32,
      out,
      log: quiet,
    });
    expect(r.trainSize).toBe(384);
    expect(r.testSize).toBe(200);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.testAccuracy).toBeGreaterThan(0.3); // well above chance (0.1) after 24 steps
    expect(r.reloadIdentical).toBe(true);
    for (const f of ['fashion-mnist.json', 'fashion-mnist.svg', 'fashion-mnist.safetensors'])
      expect(existsSync(join(out, f))).toBe(true);
  });
});
