import { toHalfBits, type View } from '@kindling/ops';
import { describe, expect, it } from 'vitest';
import { type CpuBuffer, cpuBackend, createCpuBackend } from '../src/index.js';
import { capacityFor } from '../src/pool.js';
import { makeView } from './helpers.js';

describe('cpu backend', () => {
  it('describes itself', () => {
    expect(cpuBackend.device).toBe('cpu');
    expect(cpuBackend.name).toBe('cpu');
    expect(cpuBackend.canReadSync).toBe(true);
    for (const d of ['float32', 'float64', 'int32', 'bool'] as const)
      expect(cpuBackend.supportsDType(d)).toBe(true);
    expect(cpuBackend.supportsDType('float16')).toBe(false);
  });

  it('allocates typed arrays of each dtype', () => {
    const be = createCpuBackend();
    expect(be.alloc('float32', 3)).toBeInstanceOf(Float32Array);
    expect(be.alloc('float64', 3)).toBeInstanceOf(Float64Array);
    expect(be.alloc('int32', 3)).toBeInstanceOf(Int32Array);
    expect(be.alloc('bool', 3)).toBeInstanceOf(Uint8Array);
    expect(be.alloc('float16', 3)).toBeInstanceOf(Uint16Array);
    expect(be.alloc('float32', 3).length).toBe(3);
    expect(be.alloc('float32', 0).length).toBe(0);
    expect(() => be.alloc('float32', -1)).toThrow(RangeError);
  });

  it('upload copies its data and converts foreign arrays', () => {
    const be = createCpuBackend();
    const data = new Float32Array([1, 2, 3]);
    const buf = be.upload('float32', data);
    data[0] = 100;
    expect([...buf]).toEqual([1, 2, 3]);
    expect([...be.upload('bool', new Float32Array([0, 2, Number.NaN]))]).toEqual([0, 1, 1]);
    expect([...be.upload('float16', new Float32Array([1.5, -2]))]).toEqual([toHalfBits(1.5), toHalfBits(-2)]);
    expect([...be.upload('float16', new Uint16Array([15360]))]).toEqual([15360]);
    expect([...be.upload('int32', new Float64Array([2.7, -2.7]))]).toEqual([2, -2]);
    expect(() => be.upload('float32', [1, 2] as unknown as Float32Array)).toThrow(TypeError);
    expect(be.memoryStats().liveBuffers).toBe(5);
  });

  it('reads strided views row-major, sync and async; float16 comes back as bits', async () => {
    const v = makeView('float64', [2, 3], [1, 2, 3, 4, 5, 6], 'permuted');
    expect([...cpuBackend.readSync(v)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...(await cpuBackend.read(v))]).toEqual([1, 2, 3, 4, 5, 6]);
    const bcast: View<CpuBuffer> = {
      buffer: new Int32Array([7, 8]),
      dtype: 'int32',
      shape: [2, 2],
      strides: [0, 1],
      offset: 0,
    };
    const r = cpuBackend.readSync(bcast);
    expect(r).toBeInstanceOf(Int32Array);
    expect([...r]).toEqual([7, 8, 7, 8]);
    const h = cpuBackend.readSync(makeView('float16', [2], [1, 0.5], 'padded'));
    expect(h).toBeInstanceOf(Uint16Array);
    expect([...h]).toEqual([toHalfBits(1), toHalfBits(0.5)]);
    // the read is a copy
    const c = makeView('float32', [2], [1, 2]);
    const out = cpuBackend.readSync(c);
    out[0] = 9;
    expect(c.buffer[0]).toBe(1);
  });

  it('reuses freed buffers and keeps memory stats', () => {
    const be = createCpuBackend();
    expect(be.memoryStats()).toEqual({ liveBuffers: 0, bytesInUse: 0, bytesCached: 0 });
    const a = be.alloc('float32', 1000);
    const b = be.alloc('float64', 10);
    expect(be.memoryStats()).toEqual({ liveBuffers: 2, bytesInUse: 4080, bytesCached: 0 });
    be.free(a);
    expect(be.memoryStats()).toEqual({ liveBuffers: 1, bytesInUse: 80, bytesCached: capacityFor(4000) });
    // any dtype of a size in the same bucket reuses the memory
    const c = be.alloc('int32', 990);
    expect(c.buffer).toBe(a.buffer);
    expect(be.memoryStats().bytesCached).toBe(0);
    be.free(b);
    be.free(c);
    be.free(c); // a second free is ignored: the buffer is pooled once
    const d = be.alloc('int32', 990);
    const e = be.alloc('int32', 990);
    expect(d.buffer).not.toBe(e.buffer);
    be.free(new Float32Array(4)); // foreign buffers are ignored
    expect(be.memoryStats().liveBuffers).toBe(2);
    be.destroy?.();
    expect(be.memoryStats().bytesCached).toBe(0);
  });

  it('never hands out a live buffer', () => {
    const be = createCpuBackend();
    // small buffers share slabs: a live region is an ArrayBuffer and a byte offset
    const live = new Map<ArrayBufferLike, Set<number>>();
    const held: CpuBuffer[] = [];
    for (let i = 0; i < 500; i++) {
      if (held.length && i % 3 === 0) {
        const b = held.splice((i * 7) % held.length, 1)[0];
        live.get(b.buffer)?.delete(b.byteOffset);
        be.free(b);
      } else {
        const b = be.alloc(i % 2 ? 'float32' : 'float64', 1 + ((i * 37) % 300));
        const offsets = live.get(b.buffer) ?? new Set<number>();
        expect(offsets.has(b.byteOffset)).toBe(false);
        offsets.add(b.byteOffset);
        live.set(b.buffer, offsets);
        held.push(b);
      }
    }
    expect(be.memoryStats().liveBuffers).toBe(held.length);
    // slots of one slab never overlap
    for (const b of held) {
      for (const c of held) {
        if (b === c || b.buffer !== c.buffer) continue;
        const overlap =
          b.byteOffset < c.byteOffset + c.byteLength && c.byteOffset < b.byteOffset + b.byteLength;
        expect(overlap).toBe(false);
      }
    }
  });

  it('shares slabs between small buffers and reuses freed slots once', () => {
    const be = createCpuBackend();
    const a = be.alloc('float32', 4);
    const b = be.alloc('float32', 4);
    expect(a.buffer).toBe(b.buffer);
    expect(be.memoryStats()).toEqual({ liveBuffers: 2, bytesInUse: 32, bytesCached: 0 });
    be.free(a);
    be.free(a); // a second free is ignored
    be.free(b.subarray(1)); // not a buffer the pool handed out
    expect(be.memoryStats()).toEqual({ liveBuffers: 1, bytesInUse: 16, bytesCached: 64 });
    const c = be.alloc('int32', 3);
    expect(c.buffer).toBe(a.buffer);
    expect(c.byteOffset).toBe(a.byteOffset);
    expect(be.memoryStats()).toEqual({ liveBuffers: 2, bytesInUse: 28, bytesCached: 0 });
    const d = be.alloc('float64', 100);
    d.fill(1);
    expect([...b, ...c]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('caps the pool', () => {
    const be = createCpuBackend({ poolBytes: 10_000 });
    const bufs = Array.from({ length: 5 }, () => be.alloc('float32', 1000));
    for (const b of bufs) be.free(b);
    expect(be.memoryStats().bytesCached).toBeLessThanOrEqual(10_000);
  });

  it('rounds capacities up by at most a quarter, to multiples of 8', () => {
    for (let bytes = 1; bytes < 100_000; bytes += 13) {
      const cap = capacityFor(bytes);
      const ok = cap >= bytes && cap % 8 === 0 && (bytes <= 64 || cap <= bytes * 1.25 + 8);
      if (!ok) throw new Error(`capacity ${cap} for ${bytes} bytes`);
    }
  });

  it('falls back to closure loops where new Function is forbidden (CSP)', () => {
    const be = createCpuBackend();
    const original = globalThis.Function;
    const x = makeView('float32', [2, 2], [1, 4, 9, 16], 'permuted');
    const out = makeView('float32', [2, 2], [0, 0, 0, 0]);
    try {
      globalThis.Function = function Forbidden() {
        throw new EvalError('Refused to evaluate a string as JavaScript (CSP)');
      } as unknown as FunctionConstructor;
      be.run('unary', [out], [x], { op: 'sqrt', params: [] });
      be.run('binary', [out], [out, x], { op: 'add' });
    } finally {
      globalThis.Function = original;
    }
    expect([...be.readSync(out)]).toEqual([2, 6, 12, 20]);
  });

  it('rejects unknown kernels and float16 compute', () => {
    const v = makeView('float16', [2], [1, 2]);
    expect(() => cpuBackend.run('unary', [v], [v], { op: 'exp', params: [] })).toThrow(/float16/);
    expect(() => cpuBackend.run('nope' as 'fill', [v], [], { value: 0 })).toThrow(/unknown kernel/);
  });
});
