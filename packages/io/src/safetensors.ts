/**
 * safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian header
 * length N, N bytes of UTF-8 JSON `{name: {dtype, shape, data_offsets: [begin, end]}, ...,
 * "__metadata__"?: {string: string}}`, then the raw little-endian data. Offsets are relative to
 * the end of the header; the tensors' byte ranges tile the data exactly.
 */
import { toHalfBits } from '@kindling/ops';
import { type DType, isTensor, type Tensor, tensor, type TypedArray } from '@kindling/tensor';
import { alignedBytes, asBytes, dataView, LITTLE_ENDIAN, u64, utf8Decode, utf8Encode } from './bytes.js';
import { decode, isStoredType, LOADS_AS, SAVES_AS, STORED_SIZE, type StoredType } from './dtypes.js';
import { parseStrictJson } from './strict-json.js';

/** The largest header accepted (the reference implementation's limit). */
export const SAFETENSORS_MAX_HEADER = 100_000_000;

export interface SafetensorsEntry {
  dtype: StoredType;
  shape: number[];
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string> | null;
  /** Where the data section starts in the file. */
  dataStart: number;
}

/** Parse and validate the header of a safetensors file (no tensor is created). */
export function readSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  const fn = 'loadSafetensors';
  const b = asBytes(fn, bytes);
  if (b.length < 8)
    throw new Error(`${fn}: file is truncated (${b.length} bytes; the 8-byte header length is missing)`);
  const n = u64(dataView(b), 0, `${fn}: header length`);
  if (n > SAFETENSORS_MAX_HEADER)
    throw new Error(`${fn}: header too large (${n} bytes; the limit is ${SAFETENSORS_MAX_HEADER})`);
  if (8 + n > b.length)
    throw new Error(`${fn}: file is truncated (header says ${n} bytes, ${b.length - 8} follow)`);
  const text = utf8Decode(b.subarray(8, 8 + n), `${fn}: header`);
  if (!text.startsWith('{')) throw new Error(`${fn}: header must be a JSON object starting with '{'`);
  const parsed = parseStrictJson(text, `${fn}: header`) as Record<string, unknown>;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`${fn}: header must be a JSON object`);
  const dataStart = 8 + n;
  const dataLen = b.length - dataStart;
  let metadata: Record<string, string> | null = null;
  const tensors = new Map<string, SafetensorsEntry>();
  for (const [name, info] of Object.entries(parsed)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info))
        throw new Error(`${fn}: __metadata__ must be an object of strings`);
      metadata = {};
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== 'string')
          throw new Error(`${fn}: __metadata__["${k}"] must be a string, got ${typeof v}`);
        metadata[k] = v;
      }
      continue;
    }
    const e = info as Record<string, unknown>;
    if (e === null || typeof e !== 'object' || Array.isArray(e))
      throw new Error(`${fn}: tensor "${name}": entry must be an object`);
    for (const k of Object.keys(e)) {
      if (k !== 'dtype' && k !== 'shape' && k !== 'data_offsets')
        throw new Error(`${fn}: tensor "${name}": unknown field "${k}"`);
    }
    if (!isStoredType(e.dtype))
      throw new Error(`${fn}: tensor "${name}": unknown dtype ${JSON.stringify(e.dtype)}`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(
        `${fn}: tensor "${name}": shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
      );
    }
    const off = e.data_offsets;
    if (
      !Array.isArray(off) ||
      off.length !== 2 ||
      !off.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      off[0] > off[1]
    ) {
      throw new Error(
        `${fn}: tensor "${name}": data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(off)}`,
      );
    }
    let numel = 1;
    for (const d of shape as number[]) {
      numel *= d;
      if (!Number.isSafeInteger(numel))
        throw new Error(`${fn}: tensor "${name}": shape ${JSON.stringify(shape)} overflows`);
    }
    const want = numel * STORED_SIZE[e.dtype];
    if (off[1] - off[0] !== want) {
      throw new Error(
        `${fn}: tensor "${name}": data_offsets ${JSON.stringify(off)} span ${off[1] - off[0]} bytes, but ${e.dtype}${JSON.stringify(shape)} needs ${want}`,
      );
    }
    tensors.set(name, { dtype: e.dtype, shape: shape as number[], dataOffsets: [off[0], off[1]] });
  }
  // the byte ranges must tile [0, dataLen) exactly: no gaps, no overlaps, nothing after
  const sorted = [...tensors.entries()].sort(
    (x, y) => x[1].dataOffsets[0] - y[1].dataOffsets[0] || x[1].dataOffsets[1] - y[1].dataOffsets[1],
  );
  let end = 0;
  for (const [name, e] of sorted) {
    const [s, t] = e.dataOffsets;
    if (s !== end) {
      throw new Error(
        s < end
          ? `${fn}: tensor "${name}": data_offsets [${s}, ${t}] overlap the previous tensor (ending at ${end})`
          : `${fn}: tensor "${name}": data_offsets [${s}, ${t}] leave a gap after byte ${end}`,
      );
    }
    end = t;
  }
  if (end > dataLen)
    throw new Error(`${fn}: file is truncated (tensors need ${end} data bytes, ${dataLen} present)`);
  if (end < dataLen) throw new Error(`${fn}: ${dataLen - end} trailing bytes after the last tensor`);
  return { tensors, metadata, dataStart };
}

/**
 * Read a safetensors file into tensors, in the header's order. Every dtype PyTorch writes is
 * accepted and loaded into the nearest Kindling dtype: F64, F32, F16 as themselves, BF16 as
 * float32, I64 as int32 (values outside int32 throw), I32/I16/I8/U8 as int32, BOOL as bool.
 * Malformed files throw: truncated, header over 100 MB, offsets not tiling the data, duplicate
 * keys, trailing bytes, invalid UTF-8, unknown dtypes.
 *
 * @example
 * const sd = loadSafetensors(new Uint8Array(await (await fetch('model.safetensors')).arrayBuffer()));
 * model.loadStateDict(sd);
 */
export function loadSafetensors(
  bytes: Uint8Array,
  opts: { device?: Tensor['device'] } = {},
): Map<string, Tensor> {
  if (!LITTLE_ENDIAN) throw new Error('loadSafetensors: big-endian hosts are not supported');
  const b = asBytes('loadSafetensors', bytes);
  const { tensors, dataStart } = readSafetensorsHeader(b);
  const out = new Map<string, Tensor>();
  for (const [name, e] of tensors) {
    const numel = e.shape.reduce((a, d) => a * d, 1);
    const raw = alignedBytes(
      b,
      dataStart + e.dataOffsets[0],
      e.dataOffsets[1] - e.dataOffsets[0],
      STORED_SIZE[e.dtype],
    );
    const values = decode(e.dtype, raw, numel, `loadSafetensors: tensor "${name}"`);
    out.set(name, tensor(values, { shape: e.shape, dtype: LOADS_AS[e.dtype], device: opts.device }));
  }
  return out;
}

/** The metadata of a safetensors file (`__metadata__`), or null. */
export function safetensorsMetadata(bytes: Uint8Array): Record<string, string> | null {
  return readSafetensorsHeader(asBytes('safetensorsMetadata', bytes)).metadata;
}

type Named = Map<string, Tensor> | ReadonlyMap<string, Tensor> | Record<string, Tensor>;

function entries(fn: string, tensors: Named): [string, Tensor][] {
  if (tensors === null || typeof tensors !== 'object')
    throw new TypeError(`${fn}: tensors must be a Map or an object of tensors`);
  const list: [string, Tensor][] =
    tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors as Record<string, Tensor>);
  for (const [k, t] of list) {
    if (typeof k !== 'string') throw new TypeError(`${fn}: tensor names must be strings, got ${typeof k}`);
    if (k === '__metadata__') throw new Error(`${fn}: "__metadata__" is reserved and cannot name a tensor`);
    if (!isTensor(t)) throw new TypeError(`${fn}: "${k}" is not a Tensor`);
  }
  return list;
}

function checkMetadata(fn: string, metadata: Record<string, string> | undefined): void {
  if (metadata === undefined || metadata === null) return;
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string')
      throw new TypeError(`${fn}: metadata["${k}"] must be a string, got ${typeof v}`);
  }
}

/** Raw little-endian bytes of `values` of a tensor of `dtype` (float16 values → half bits). */
function rawBytes(dtype: DType, values: TypedArray): Uint8Array {
  const v =
    dtype === 'float16' && !(values instanceof Uint16Array)
      ? Uint16Array.from(values as Float32Array, toHalfBits)
      : values;
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function assemble(
  list: [string, Tensor][],
  data: Uint8Array[],
  metadata?: Record<string, string>,
): Uint8Array {
  // largest element type first, then by name (the reference writer's order): aligned data
  const order = list
    .map((_, i) => i)
    .sort((i, j) => {
      const a = STORED_SIZE[SAVES_AS[list[i][1].dtype]];
      const bb = STORED_SIZE[SAVES_AS[list[j][1].dtype]];
      return bb - a || (list[i][0] < list[j][0] ? -1 : list[i][0] > list[j][0] ? 1 : 0);
    });
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let off = 0;
  for (const i of order) {
    const [name, t] = list[i];
    header[name] = {
      dtype: SAVES_AS[t.dtype],
      shape: [...t.shape],
      data_offsets: [off, off + data[i].length],
    };
    off += data[i].length;
  }
  let json = utf8Encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + off);
  const dv = dataView(out);
  dv.setUint32(0, json.length, true);
  dv.setUint32(4, 0, true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const i of order) {
    out.set(data[i], at);
    at += data[i].length;
  }
  return out;
}

/**
 * Write tensors (a Map or a plain object, e.g. `model.stateDict()`) as a safetensors file;
 * `metadata` is a string → string record stored as `__metadata__`. Reads tensor values
 * synchronously: tensors on webgpu need `saveSafetensorsAsync`.
 *
 * @example
 * const bytes = saveSafetensors(model.stateDict(), { format: 'pt' });
 */
export function saveSafetensors(tensors: Named, metadata?: Record<string, string>): Uint8Array {
  const fn = 'saveSafetensors';
  const list = entries(fn, tensors);
  checkMetadata(fn, metadata);
  const data = list.map(([name, t]) => {
    if (!t._storage.backend.canReadSync) {
      throw new Error(
        `${fn}: tensor "${name}" is on '${t.device}', which is read asynchronously; use await saveSafetensorsAsync(...)`,
      );
    }
    return rawBytes(t.dtype, t.dataSync());
  });
  return assemble(list, data, metadata);
}

/** saveSafetensors for tensors on any device (values are read with `await t.data()`). */
export async function saveSafetensorsAsync(
  tensors: Named,
  metadata?: Record<string, string>,
): Promise<Uint8Array> {
  const fn = 'saveSafetensorsAsync';
  const list = entries(fn, tensors);
  checkMetadata(fn, metadata);
  const data = await Promise.all(list.map(async ([, t]) => rawBytes(t.dtype, await t.data())));
  return assemble(list, data, metadata);
}
