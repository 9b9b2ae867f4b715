import type { DType } from '@kindling/ops';
import { BufferPool, type GpuBuffer, MAP_READ, USAGE } from './buffer.js';
import type { Params, Program } from './wgsl/program.js';

export interface DispatchSpec {
  /** The kernel, for error messages (`unary(exp)`). */
  readonly kernel: string;
  /** Pipeline cache key: the shape class (dims, dtypes, op), without sizes. */
  readonly key: string;
  readonly program: Program;
  readonly params: Params;
  /** The whole WGSL module; called only when the pipeline is not cached. */
  readonly source: () => string;
  /** Workgroup count (split over x/y past the per-dimension limit) or an explicit [x, y, z]. */
  readonly groups: number | readonly [number, number, number];
}

export interface RuntimeOptions {
  /** Most bytes of freed buffers kept for reuse. */
  readonly poolBytes: number;
  /** Dispatches recorded before the batch is submitted without waiting for a read. */
  readonly maxBatch: number;
  /** Bytes of the staging arena that carries uniforms and small uploads with each batch. */
  readonly arenaBytes: number;
}

interface CachedPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/** Words of the index-error record (see `ERROR_CODES`). */
export const ERROR_WORDS = 8;
/** Kernels that report out-of-range indices through the error buffer. */
export const ERROR_CODES: Record<number, string> = { 1: 'gather', 2: 'scatter', 3: 'scatter_add' };

const align = (n: number, a: number) => Math.ceil(n / a) * a;

/**
 * The device side of the backend: pipeline cache, command batching (one encoder and compute pass
 * collecting dispatches, submitted after `maxBatch` dispatches or when a read needs it), the
 * staging arena (uniforms and small uploads written once per batch, so upload and kernel order is
 * kept without a submit per op), buffer pool, error scopes and device loss.
 */
export class Runtime {
  readonly pool: BufferPool;
  readonly maxPerDim: number;
  /** The index-error record every gather/scatter may write; read back with every `read`. */
  readonly errors: GpuBuffer;
  lost: Error | null = null;
  destroyed = false;

  private readonly pipelines = new Map<string, CachedPipeline>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private batch: string[] = [];
  private readonly arena: Uint8Array<ArrayBuffer>;
  private readonly arenaGpu: GPUBuffer;
  private arenaUsed = 0;
  private readonly uniformAlign: number;
  private destroyQueue: GPUBuffer[] = [];
  private readonly checks = new Set<Promise<void>>();
  private failures: Error[] = [];
  private readonly staging = new Map<number, GPUBuffer[]>();
  private readonly waiters = new Set<(e: Error) => void>();

  constructor(
    readonly device: GPUDevice,
    private readonly options: RuntimeOptions,
  ) {
    this.maxPerDim = device.limits.maxComputeWorkgroupsPerDimension;
    this.uniformAlign = device.limits.minUniformBufferOffsetAlignment;
    this.pool = new BufferPool(
      (capacity) =>
        this.createBuffer(capacity, USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, 'kindling storage'),
      (b) => this.destroyLater(b),
      options.poolBytes,
    );
    this.arena = new Uint8Array(options.arenaBytes);
    this.arenaGpu = device.createBuffer({
      size: options.arenaBytes,
      usage: USAGE.UNIFORM | USAGE.COPY_SRC | USAGE.COPY_DST,
      label: 'kindling staging arena',
    });
    const errBytes = ERROR_WORDS * 4;
    const errGpu = device.createBuffer({
      size: errBytes,
      usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST,
      label: 'kindling index errors',
    });
    this.errors = {
      gpu: errGpu,
      dtype: 'int32',
      numel: ERROR_WORDS,
      capacity: errBytes,
      bytes: errBytes,
      host: null,
      freed: false,
    };
    device.queue.writeBuffer(errGpu, 0, new Int32Array(ERROR_WORDS));
    device.lost.then((info) => {
      if (this.destroyed) return;
      this.lost = new Error(`webgpu device lost (${info.reason}): ${info.message || 'no message'}`);
      for (const w of this.waiters) w(this.lost);
      this.waiters.clear();
    });
    // errors outside any scope (should not happen; kept as a backstop)
    device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
      this.failures.push(new Error(`webgpu: uncaptured error: ${ev.error.message}`));
    };
  }

  /** Throws if the device is lost or the backend destroyed. */
  check(what: string): void {
    if (this.lost)
      throw new Error(`webgpu ${what}: ${this.lost.message}; the backend cannot be used any more`);
    if (this.destroyed) throw new Error(`webgpu ${what}: the backend was destroyed`);
  }

  private createBuffer(size: number, usage: number, label: string): GPUBuffer {
    const limits = this.device.limits;
    if (
      size > limits.maxBufferSize ||
      ((usage & USAGE.STORAGE) !== 0 && size > limits.maxStorageBufferBindingSize)
    ) {
      const max = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
      throw new RangeError(
        `webgpu: cannot allocate ${size} bytes: the device allows buffers of at most ${max} bytes`,
      );
    }
    return this.scoped(`alloc of ${size} bytes`, () => this.device.createBuffer({ size, usage, label }));
  }

  /** Runs `fn` inside validation and out-of-memory error scopes; errors are reported by the next read. */
  scoped<T>(what: string, fn: () => T): T {
    const d = this.device;
    d.pushErrorScope('out-of-memory');
    d.pushErrorScope('validation');
    let result: T;
    try {
      result = fn();
    } catch (e) {
      d.popErrorScope().catch(() => {});
      d.popErrorScope().catch(() => {});
      throw new Error(`webgpu ${what}: ${(e as Error).message}`, { cause: e });
    }
    const record = (kind: string) => (err: GPUError | null) => {
      if (err) this.failures.push(new Error(`webgpu ${what} failed (${kind}): ${err.message}`));
    };
    const p = Promise.all([
      d.popErrorScope().then(record('validation error')),
      d.popErrorScope().then(record('out of memory')),
    ]).then(
      () => {},
      () => {},
    );
    this.checks.add(p);
    p.then(() => this.checks.delete(p));
    return result;
  }

  /** Rejects with the first error recorded since the last call (all scopes popped first). */
  async settle(): Promise<void> {
    while (this.checks.size > 0) await Promise.all([...this.checks]);
    if (this.failures.length > 0) {
      const [first, ...rest] = this.failures;
      this.failures = [];
      if (rest.length > 0) first.message += ` (and ${rest.length} more error${rest.length > 1 ? 's' : ''})`;
      throw first;
    }
  }

  private pipeline(spec: DispatchSpec): CachedPipeline {
    const storage = spec.program.storage();
    const key = `${spec.key}|${spec.program.signature()}`;
    let p = this.pipelines.get(key);
    if (p) return p;
    const sig = storage.map((s) => (s.write ? 'w' : 'r')).join('');
    let layout = this.layouts.get(sig);
    if (!layout) {
      const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: 4, buffer: { type: 'uniform' } }];
      storage.forEach((s, j) => {
        entries.push({
          binding: j + 1,
          visibility: 4,
          buffer: { type: s.write ? 'storage' : 'read-only-storage' },
        });
      });
      layout = this.device.createBindGroupLayout({ entries, label: `kindling ${sig}` });
      this.layouts.set(sig, layout);
    }
    const code = spec.source();
    const bgl = layout;
    const pipeline = this.scoped(`kernel ${spec.kernel}: building pipeline '${key}'`, () => {
      const module = this.device.createShaderModule({ code, label: key });
      return this.device.createComputePipeline({
        label: key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [bgl] }),
        compute: { module, entryPoint: 'main' },
      });
    });
    p = { pipeline, layout };
    this.pipelines.set(key, p);
    return p;
  }

  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /** Copies `bytes` into the arena at an offset aligned to `alignment`; flushes first when full. */
  private stage(bytes: Uint8Array<ArrayBuffer>, alignment: number): number {
    let off = align(this.arenaUsed, alignment);
    if (off + bytes.byteLength > this.arena.byteLength) {
      this.flush();
      off = 0;
    }
    this.arena.set(bytes, off);
    this.arenaUsed = off + bytes.byteLength;
    return off;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder({ label: 'kindling batch' });
    if (!this.pass) this.pass = this.encoder.beginComputePass();
    return this.pass;
  }

  private copyEncoder(): GPUCommandEncoder {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    if (!this.encoder) this.encoder = this.device.createCommandEncoder({ label: 'kindling batch' });
    return this.encoder;
  }

  /** Grid for `n` workgroups: x up to the per-dimension limit, the rest in y. */
  grid(n: number): [number, number, number] {
    if (n <= this.maxPerDim) return [n, 1, 1];
    const y = Math.ceil(n / this.maxPerDim);
    if (y > this.maxPerDim)
      throw new RangeError(`webgpu: ${n} workgroups exceed the device's dispatch limits`);
    return [this.maxPerDim, y, 1];
  }

  dispatch(spec: DispatchSpec): void {
    this.check(spec.kernel);
    const groups = typeof spec.groups === 'number' ? this.grid(spec.groups) : spec.groups;
    if (groups[0] === 0 || groups[1] === 0 || groups[2] === 0) return;
    const { pipeline, layout } = this.pipeline(spec);
    const data = spec.params.data();
    const off = this.stage(new Uint8Array(data.buffer as ArrayBuffer), this.uniformAlign);
    const pass = this.computePass();
    this.scoped(`kernel ${spec.kernel}`, () => {
      const entries: GPUBindGroupEntry[] = [
        { binding: 0, resource: { buffer: this.arenaGpu, offset: off, size: data.byteLength } },
      ];
      spec.program.storage().forEach((s, j) => {
        entries.push({ binding: j + 1, resource: { buffer: s.buffer.gpu } });
      });
      const group = this.device.createBindGroup({ layout, entries, label: spec.kernel });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    });
    this.batch.push(spec.kernel);
    if (this.batch.length >= this.options.maxBatch) this.flush();
  }

  /** Writes `data` (whole u32 words) into `dst` at byte 0, in order with the recorded kernels. */
  write(dst: GpuBuffer, data: ArrayBuffer): void {
    this.check('upload');
    const bytes = new Uint8Array(data);
    if (!this.encoder) {
      // nothing recorded: a queue write is ordered after everything submitted
      this.device.queue.writeBuffer(dst.gpu, 0, bytes);
      return;
    }
    if (bytes.byteLength <= this.arena.byteLength / 4) {
      const off = this.stage(bytes, 4);
      // stage() may have flushed; copyEncoder() opens the next batch then
      this.copyEncoder().copyBufferToBuffer(this.arenaGpu, off, dst.gpu, 0, bytes.byteLength);
      return;
    }
    this.flush();
    this.device.queue.writeBuffer(dst.gpu, 0, bytes);
  }

  /** Submits the recorded batch (if any). */
  flush(): void {
    if (!this.encoder) return;
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    const encoder = this.encoder;
    const kernels = this.batch;
    this.encoder = null;
    this.batch = [];
    const names = summarize(kernels);
    this.scoped(`batch of ${kernels.length} kernel${kernels.length === 1 ? '' : 's'} (${names})`, () => {
      if (this.arenaUsed > 0)
        this.device.queue.writeBuffer(this.arenaGpu, 0, this.arena, 0, align(this.arenaUsed, 4));
      this.device.queue.submit([encoder.finish()]);
    });
    this.arenaUsed = 0;
    const dead = this.destroyQueue;
    this.destroyQueue = [];
    for (const b of dead) b.destroy();
  }

  /** Destroys a buffer after the commands recorded so far (which may use it) are submitted. */
  destroyLater(b: GPUBuffer): void {
    if (this.encoder) this.destroyQueue.push(b);
    else b.destroy();
  }

  /**
   * Copies `bytes` bytes of `src` from `srcOffset` (both multiples of 4) to the host, together
   * with the index-error record, after everything recorded so far.
   */
  async readBytes(
    src: GPUBuffer,
    srcOffset: number,
    bytes: number,
  ): Promise<{ data: ArrayBuffer; errors: Int32Array }> {
    this.check('read');
    const errBytes = ERROR_WORDS * 4;
    const size = align(bytes + errBytes, 256);
    const staging = this.stagingBuffer(size);
    const enc = this.copyEncoder();
    this.scoped('read', () => {
      enc.copyBufferToBuffer(src, srcOffset, staging, 0, bytes);
      enc.copyBufferToBuffer(this.errors.gpu, 0, staging, bytes, errBytes);
    });
    this.flush();
    let fail: ((e: Error) => void) | null = null;
    const lost = new Promise<never>((_, reject) => {
      fail = reject;
    });
    const waiter = (e: Error) => fail?.(new Error(`webgpu read: ${e.message}; pending reads were rejected`));
    this.waiters.add(waiter);
    try {
      await Promise.race([staging.mapAsync(MAP_READ, 0, size), lost]);
    } catch (e) {
      // a destroyed or lost device rejects the mapping before `lost` settles: give it a moment
      if (!this.lost) await Promise.race([this.device.lost, new Promise((r) => setTimeout(r, 200))]);
      if (this.lost)
        throw new Error(`webgpu read: ${this.lost.message}; pending reads were rejected`, { cause: e });
      await this.settle();
      throw new Error(`webgpu read: mapping the result failed: ${(e as Error).message}`, { cause: e });
    } finally {
      this.waiters.delete(waiter);
    }
    const all = staging.getMappedRange(0, bytes + errBytes).slice(0);
    staging.unmap();
    this.returnStaging(size, staging);
    await this.settle();
    return { data: all, errors: new Int32Array(all, bytes, ERROR_WORDS) };
  }

  /** Clears the index-error record (after a read reported it). */
  clearErrors(): void {
    this.write(this.errors, new Int32Array(ERROR_WORDS).buffer);
  }

  private stagingBuffer(size: number): GPUBuffer {
    const b = this.staging.get(size)?.pop();
    if (b) return b;
    return this.createStaging(size);
  }

  private createStaging(size: number): GPUBuffer {
    return this.scoped(`staging buffer of ${size} bytes`, () =>
      this.device.createBuffer({ size, usage: USAGE.MAP_READ | USAGE.COPY_DST, label: 'kindling readback' }),
    );
  }

  private returnStaging(size: number, b: GPUBuffer): void {
    let list = this.staging.get(size);
    if (!list) this.staging.set(size, (list = []));
    if (list.length < 4 && size <= 64 << 20) list.push(b);
    else b.destroy();
  }

  alloc(dtype: DType, numel: number): GpuBuffer {
    return this.pool.alloc(dtype, numel);
  }

  destroy(ownDevice: boolean): void {
    if (this.destroyed) return;
    try {
      if (!this.lost) this.flush();
    } catch {
      // a failing flush must not keep the device alive
    }
    this.destroyed = true;
    this.pool.clear();
    for (const list of this.staging.values()) for (const b of list) b.destroy();
    this.staging.clear();
    for (const b of this.destroyQueue) b.destroy();
    this.destroyQueue = [];
    this.errors.gpu.destroy();
    this.arenaGpu.destroy();
    this.pipelines.clear();
    this.layouts.clear();
    if (ownDevice) this.device.destroy();
  }
}

function summarize(kernels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const k of kernels) counts.set(k, (counts.get(k) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => (n > 1 ? `${k} x${n}` : k));
  return parts.length > 8 ? `${parts.slice(0, 8).join(', ')}, ...` : parts.join(', ');
}
