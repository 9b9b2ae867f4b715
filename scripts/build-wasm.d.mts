// Types for scripts/build-wasm.mjs (used by packages/kernels-cpu/test/wasm-bytes.test.ts).

export interface WasmSource {
  /** The .wat file and the generated TS module, relative to the repository root. */
  wat: string;
  out: string;
  /** The exported constant holding the base64 bytes. */
  name: string;
}
export declare const WASM_SOURCES: WasmSource[];
export declare function assemble(watPath: string): Promise<Uint8Array>;
export declare function render(source: WasmSource, base?: string): Promise<string>;
