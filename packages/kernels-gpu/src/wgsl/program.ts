import type { DType } from '@kindling/ops';
import type { GpuBuffer } from '../buffer.js';
import { PRELUDE } from './prelude.js';

/**
 * Shader assembly shared by the kernels: storage bindings for a list of operands (deduplicated
 * by buffer, so an in-place op binds its buffer once, read_write), typed load/store functions per
 * operand, and the uniform parameter block.
 *
 * Natural types: every dtype loads as the WGSL type it computes in: float32 and float16 as f32
 * (halves decode from their packed word), int32 as i32, bool as u32 (0/1).
 */
export type Nat = 'f32' | 'i32' | 'u32';
/** Expression kinds a kernel computes with. */
export type Kind = 'f32' | 'i32' | 'bool';

export function natOf(dt: DType): Nat {
  if (dt === 'int32') return 'i32';
  if (dt === 'bool') return 'u32';
  if (dt === 'float32' || dt === 'float16') return 'f32';
  throw new TypeError(`webgpu does not support ${dt}; convert with .float() first`);
}

/** The kind a dtype computes in (floats in f32, int32 and bool in i32). */
export function kindOf(dt: DType): Kind {
  return dt === 'float32' || dt === 'float16' ? 'f32' : 'i32';
}

/** Converts `e`, a natural value of dtype `dt`, to kind `to`. */
export function natTo(e: string, dt: DType, to: Kind): string {
  const n = natOf(dt);
  if (to === 'f32') return n === 'f32' ? e : `f32(${e})`;
  if (to === 'i32') return n === 'i32' ? e : n === 'u32' ? `i32(${e})` : `kd_f2i(${e})`;
  return n === 'f32' ? `kd_nz(${e})` : n === 'i32' ? `(${e} != 0)` : `(${e} != 0u)`;
}

/** Converts `e` of kind `from` to the natural type of dtype `dt` (what its store takes). */
export function toNat(e: string, from: Kind, dt: DType): string {
  const n = natOf(dt);
  if (from === 'bool')
    return n === 'f32'
      ? `select(0.0, 1.0, ${e})`
      : n === 'i32'
        ? `select(0, 1, ${e})`
        : `select(0u, 1u, ${e})`;
  if (from === 'f32') return n === 'f32' ? e : n === 'i32' ? `kd_f2i(${e})` : `select(0u, 1u, kd_nz(${e}))`;
  return n === 'f32' ? `f32(${e})` : n === 'i32' ? e : `select(0u, 1u, (${e}) != 0)`;
}

export interface Operand {
  readonly name: string;
  readonly buffer: GpuBuffer;
  readonly dtype: DType;
  readonly write?: boolean;
  /** Declare the binding atomic (scatter accumulation, flags). float16 writes always are. */
  readonly atomic?: boolean;
}

interface Binding {
  readonly buffer: GpuBuffer;
  readonly dtype: DType;
  write: boolean;
  atomic: boolean;
}

/** Uniform parameters: u32 words, written as u32, i32 or f32 bits; index -> WGSL accessor. */
export class Params {
  private words: number[] = [];
  private readonly f = new Float32Array(1);
  private readonly u = new Uint32Array(this.f.buffer);

  u32(v: number): number {
    this.words.push(v >>> 0);
    return this.words.length - 1;
  }
  i32(v: number): number {
    if (!Number.isSafeInteger(v) || v > 0x7fffffff || v < -0x80000000) {
      throw new RangeError(`webgpu: index arithmetic value ${v} does not fit in int32`);
    }
    this.words.push(v >>> 0);
    return this.words.length - 1;
  }
  f32(v: number): number {
    this.f[0] = v;
    this.words.push(this.u[0]);
    return this.words.length - 1;
  }
  get length(): number {
    return this.words.length;
  }
  data(): Uint32Array {
    const n = Math.max(4, Math.ceil(this.words.length / 4) * 4);
    const a = new Uint32Array(n);
    a.set(this.words);
    return a;
  }
}

/** WGSL accessor of parameter word `i` as u32 / i32 / f32. */
export const pu = (i: number) => `kd_P.v[${i >> 2}].${'xyzw'[i & 3]}`;
export const pi = (i: number) => `bitcast<i32>(${pu(i)})`;
export const pf = (i: number) => `bitcast<f32>(${pu(i)})`;

export class Program {
  private readonly bindings: Binding[] = [];
  private readonly ops = new Map<string, { binding: number; dtype: DType; write: boolean }>();

  constructor(operands: readonly Operand[]) {
    for (const o of operands) {
      natOf(o.dtype);
      let b = this.bindings.findIndex((x) => x.buffer === o.buffer);
      if (b < 0) {
        this.bindings.push({ buffer: o.buffer, dtype: o.dtype, write: false, atomic: false });
        b = this.bindings.length - 1;
      }
      const bind = this.bindings[b];
      if (bind.dtype !== o.dtype)
        throw new TypeError(`webgpu: one buffer viewed as ${bind.dtype} and ${o.dtype} in one kernel`);
      if (o.write) bind.write = true;
      if (o.atomic || (o.write && o.dtype === 'float16')) bind.atomic = true;
      this.ops.set(o.name, { binding: b, dtype: o.dtype, write: !!o.write });
    }
  }

  /** The binding structure, for pipeline keys (which operand shares which binding, access, atomics). */
  signature(): string {
    const b = this.bindings.map((x) => `${x.dtype[0]}${x.write ? 'w' : 'r'}${x.atomic ? 'a' : ''}`).join('');
    const o = [...this.ops.values()].map((x) => x.binding).join('');
    return `${b}/${o}`;
  }

  /** The WGSL name of an operand's binding (an array of its storage type). */
  ref(name: string): string {
    const op = this.ops.get(name);
    if (!op) throw new Error(`internal: no operand ${name}`);
    return `kd_B${op.binding}`;
  }

  /** Storage bindings in binding order (binding 0 is the uniform block). */
  storage(): { buffer: GpuBuffer; write: boolean }[] {
    return this.bindings.map((b) => ({ buffer: b.buffer, write: b.write }));
  }

  /** The shader's declarations: prelude, uniform block, bindings and per-operand accessors. */
  declarations(nParams: number): string {
    const out: string[] = [PRELUDE];
    out.push(`struct KdParams { v: array<vec4<u32>, ${Math.max(1, Math.ceil(nParams / 4))}> }`);
    out.push('@group(0) @binding(0) var<uniform> kd_P: KdParams;');
    this.bindings.forEach((b, j) => {
      const elem = storageType(b.dtype, b.atomic);
      out.push(
        `@group(0) @binding(${j + 1}) var<storage, ${b.write ? 'read_write' : 'read'}> kd_B${j}: array<${elem}>;`,
      );
    });
    for (const [name, op] of this.ops)
      out.push(accessors(name, `kd_B${op.binding}`, op.dtype, this.bindings[op.binding].atomic, op.write));
    return out.join('\n');
  }
}

function storageType(dt: DType, atomic: boolean): string {
  if (dt === 'int32') return atomic ? 'atomic<i32>' : 'i32';
  if (dt === 'float32') return atomic ? 'atomic<u32>' : 'f32';
  return atomic ? 'atomic<u32>' : 'u32';
}

/**
 * ld_NAME(i) -> natural value of element i; st_NAME(i, v) stores one; for float16 also
 * ldb_NAME / stb_NAME on the raw half bits (copies keep NaN payloads). Kernels that do atomic
 * read-modify-write use the binding directly (`Program.ref`).
 */
function accessors(name: string, b: string, dt: DType, atomic: boolean, write: boolean): string {
  const lines: string[] = [];
  const load = (idx: string) => (atomic ? `atomicLoad(&${b}[${idx}])` : `${b}[${idx}]`);
  if (dt === 'float16') {
    lines.push(
      `fn ldb_${name}(i: i32) -> u32 { return (${load('u32(i) >> 1u')} >> ((u32(i) & 1u) << 4u)) & 0xffffu; }`,
    );
    lines.push(`fn ld_${name}(i: i32) -> f32 { return kd_h2f(ldb_${name}(i)); }`);
    if (write) {
      lines.push(
        `fn stb_${name}(i: i32, h: u32) { let w = u32(i) >> 1u; let sh = (u32(i) & 1u) << 4u; atomicAnd(&${b}[w], ~(0xffffu << sh)); atomicOr(&${b}[w], (h & 0xffffu) << sh); }`,
      );
      lines.push(`fn st_${name}(i: i32, v: f32) { stb_${name}(i, kd_f2h(v)); }`);
    }
    return lines.join('\n');
  }
  const nat = natOf(dt);
  if (dt === 'float32') {
    lines.push(
      `fn ld_${name}(i: i32) -> f32 { return ${atomic ? `bitcast<f32>(${load('i')})` : load('i')}; }`,
    );
    lines.push(`fn ldb_${name}(i: i32) -> u32 { return bitcast<u32>(ld_${name}(i)); }`);
    if (write) {
      lines.push(
        `fn st_${name}(i: i32, v: f32) { ${atomic ? `atomicStore(&${b}[i], bitcast<u32>(v))` : `${b}[i] = v`}; }`,
      );
      lines.push(`fn stb_${name}(i: i32, v: u32) { st_${name}(i, bitcast<f32>(v)); }`);
    }
  } else {
    lines.push(`fn ld_${name}(i: i32) -> ${nat} { return ${load('i')}; }`);
    lines.push(`fn ldb_${name}(i: i32) -> u32 { return bitcast<u32>(ld_${name}(i)); }`);
    if (write) {
      lines.push(
        `fn st_${name}(i: i32, v: ${nat}) { ${atomic ? `atomicStore(&${b}[i], v)` : `${b}[i] = v`}; }`,
      );
      lines.push(`fn stb_${name}(i: i32, v: u32) { st_${name}(i, bitcast<${nat}>(v)); }`);
    }
  }
  return lines.join('\n');
}

/** The compute entry point: `id` is the linear invocation index over a 2-D grid of 1-D workgroups. */
export function entry1d(wg: number, body: string): string {
  return `@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) kd_gid: vec3<u32>, @builtin(num_workgroups) kd_nwg: vec3<u32>) {
  let kd_id = kd_gid.x + kd_gid.y * kd_nwg.x * ${wg}u;
${body}
}`;
}

/** Entry point with one workgroup per item: `kd_row` the item, `kd_t` the thread in the group. */
export function entryGroup(wg: number, body: string): string {
  return `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) kd_wid: vec3<u32>, @builtin(local_invocation_index) kd_lid: u32, @builtin(num_workgroups) kd_nwg: vec3<u32>) {
  let kd_row = kd_wid.x + kd_wid.y * kd_nwg.x;
  let kd_t = i32(kd_lid);
${body}
}`;
}

/**
 * WGSL that decomposes the linear index `lin` (an i32 expression) over `nd` dims whose sizes
 * are parameter words `shape[d]`, accumulating each operand's offset: `vars[k] += c * strides[k][d]`.
 */
export function decompose(
  lin: string,
  shapeIdx: readonly number[],
  vars: readonly string[],
  strideIdx: readonly (readonly number[])[],
): string {
  const nd = shapeIdx.length;
  const lines = ['  {', `  var kd_rem = ${lin};`];
  for (let d = nd - 1; d >= 0; d--) {
    if (d === 0) lines.push('  let kd_c0 = kd_rem;');
    else {
      lines.push(`  let kd_c${d} = kd_rem % ${pi(shapeIdx[d])};`);
      lines.push(`  kd_rem = kd_rem / ${pi(shapeIdx[d])};`);
    }
    vars.forEach((v, k) => {
      lines.push(`  ${v} += kd_c${d} * ${pi(strideIdx[k][d])};`);
    });
  }
  lines.push('  }');
  return lines.join('\n');
}
