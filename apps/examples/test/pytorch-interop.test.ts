import { describe, expect, it } from 'vitest';
import { interopOk, runInterop } from '../src/pytorch-interop.js';
import { quiet, tmpOut } from './helpers.js';

describe('pytorch-interop example', () => {
  it("reproduces PyTorch's logits, predictions, resumed losses and greedy text", async () => {
    const r = await runInterop({ testLimit: 256, out: tmpOut('interop'), log: quiet });
    expect(r.ptMaxDiff).toBeLessThan(1e-4);
    expect(r.safetensorsMaxDiff).toBeLessThan(1e-4);
    expect(r.predictionMismatches).toBe(0);
    expect(r.resumeLossMaxRelDiff).toBeLessThan(1e-3);
    expect(r.lstmLogitsMaxDiff).toBeLessThan(1e-4);
    expect(r.greedyMatches).toBe(true);
    expect(interopOk(r)).toBe(true);
  });
});
