import { GEMM_F32_WASM } from './gemm-f32-bytes.js';

/** The instantiated float32 GEMM module (gemm-f32.wat) and its memory. */
export interface GemmF32Module {
  /** One block of C (+)= A @ B: see gemm-f32.wat for the arguments (addresses and steps in bytes). */
  block(
    mc: number,
    nc: number,
    kc: number,
    a: number,
    ak: number,
    as: number,
    b: number,
    bk: number,
    bs: number,
    c: number,
    ldc: number,
    add: number,
  ): void;
  /** Interleaves staged rows into slivers: see gemm-f32.wat for the arguments. */
  pack(src: number, ld: number, rows: number, kc: number, width: number, dst: number): void;
  /** A float32 view of the module's memory, grown first to hold at least `bytes`. */
  floats(bytes: number): Float32Array;
}

// undefined: not tried yet; null: no WebAssembly, no SIMD, or compiling failed
let loaded: GemmF32Module | null | undefined;

/**
 * The module, compiled and instantiated synchronously on first use (nothing happens at import).
 * Synchronous compiles are fine here: the module is under 1 KB (Chrome refuses them on the main
 * thread only above 4 KB). Returns null where it cannot run, and callers use the JS kernels.
 */
export function gemmF32Module(): GemmF32Module | null {
  if (loaded === undefined) {
    try {
      loaded = instantiate();
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

function instantiate(): GemmF32Module | null {
  if (typeof WebAssembly !== 'object') return null;
  const bin = atob(GEMM_F32_WASM);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const memory = exports.memory as WebAssembly.Memory;
  const block = exports.block as GemmF32Module['block'];
  const pack = exports.pack as GemmF32Module['pack'];
  let view = new Float32Array(memory.buffer);
  return {
    block,
    pack,
    floats(bytes) {
      const have = memory.buffer.byteLength;
      if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
      // growing detaches the old buffer, so views are made afresh after it
      if (view.buffer !== memory.buffer) view = new Float32Array(memory.buffer);
      return view;
    },
  };
}

const PAGE = 65536;
