/**
 * torch.save for state dicts: the zip format PyTorch ≥ 1.6 writes (archive/data.pkl, protocol-2
 * pickle; archive/data/<key> storages; archive/byteorder; archive/version), loadable by
 * `torch.load(..., weights_only=True)` and by `torchLoad`. Tensors sharing a storage share it in
 * the file too.
 */
import { isTensor, type Tensor, type TypedArray } from '@kindling/tensor';
import { toHalfBits } from '@kindling/ops';
import { utf8Encode } from './bytes.js';
import { PickleWriter } from './pickle-write.js';
import { writeZip } from './zip-write.js';

const STORAGE_OF: Record<Tensor['dtype'], string> = {
  float32: 'FloatStorage',
  float64: 'DoubleStorage',
  float16: 'HalfStorage',
  int32: 'IntStorage',
  bool: 'BoolStorage',
};

/** What torchSave can write: tensors, numbers, strings, booleans, null, arrays, Maps and plain objects of these. */
export type Savable =
  | Tensor
  | number
  | string
  | boolean
  | null
  | readonly Savable[]
  | ReadonlyMap<string | number, Savable>
  | { [k: string]: Savable };

interface Plan {
  pkl: Uint8Array;
  /** Storage key → a 1-D view over the whole storage. */
  storages: [string, Tensor][];
}

function plan(fn: string, obj: unknown): Plan {
  const w = new PickleWriter().proto();
  const keys = new Map<Tensor['_storage'], string>();
  const storages: [string, Tensor][] = [];
  const seen = new Set<object>();
  const emit = (v: unknown, path: string): void => {
    if (v === null || v === undefined) w.none();
    else if (typeof v === 'boolean') w.bool(v);
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) w.int(v);
      else w.float(v);
    } else if (typeof v === 'string') w.str(v);
    else if (isTensor(v)) emitTensor(v, path);
    else if (typeof v === 'object') {
      if (seen.has(v)) throw new TypeError(`${fn}: ${path || 'the object'} contains itself`);
      seen.add(v);
      if (Array.isArray(v)) {
        w.emptyList().mark();
        v.forEach((x, i) => {
          emit(x, `${path}[${i}]`);
        });
        w.appends();
      } else if (v instanceof Map) {
        w.global('collections', 'OrderedDict').tuple(0).reduce().mark();
        for (const [k, x] of v) {
          if (typeof k !== 'string' && typeof k !== 'number')
            throw new TypeError(`${fn}: ${path} has a key of type ${typeof k}`);
          emit(k, path);
          emit(x, path ? `${path}.${String(k)}` : String(k));
        }
        w.setItems();
      } else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
        w.emptyDict().mark();
        for (const [k, x] of Object.entries(v)) {
          w.str(k);
          emit(x, path ? `${path}.${k}` : k);
        }
        w.setItems();
      } else
        throw new TypeError(
          `${fn}: cannot save ${path || 'the value'}: ${v.constructor?.name ?? 'object'} is not a tensor, array, Map or plain object`,
        );
      seen.delete(v);
    } else throw new TypeError(`${fn}: cannot save ${path || 'the value'} of type ${typeof v}`);
  };
  const emitTensor = (t: Tensor, path: string) => {
    t._checkAlive();
    let key = keys.get(t._storage);
    if (key === undefined) {
      key = String(keys.size);
      keys.set(t._storage, key);
      storages.push([key, t._viewAs([t._storage.size], [1], 0)]);
    }
    void path;
    w.global('torch._utils', '_rebuild_tensor_v2').mark();
    w.mark()
      .str('storage')
      .global('torch', STORAGE_OF[t.dtype])
      .str(key)
      .str('cpu')
      .int(t._storage.size)
      .tuple(5)
      .binpersid();
    w.int(t.offset);
    tuple(t.shape);
    tuple(t.strides);
    w.bool(false);
    w.global('collections', 'OrderedDict').tuple(0).reduce();
    w.tuple(6).reduce();
  };
  const tuple = (xs: readonly number[]) => {
    if (xs.length > 3) w.mark();
    for (const x of xs) w.int(x);
    w.tuple(xs.length);
  };
  emit(obj, '');
  return { pkl: w.stop(), storages };
}

function rawBytes(t: Tensor, values: TypedArray): Uint8Array {
  const v =
    t.dtype === 'float16' && !(values instanceof Uint16Array)
      ? Uint16Array.from(values as Float32Array, toHalfBits)
      : values;
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function archive(p: Plan, data: Uint8Array[]): Uint8Array {
  const files: [string, Uint8Array][] = [
    ['archive/data.pkl', p.pkl],
    ['archive/byteorder', utf8Encode('little')],
  ];
  p.storages.forEach(([key], i) => {
    files.push([`archive/data/${key}`, data[i]]);
  });
  files.push(['archive/version', utf8Encode('3\n')]);
  return writeZip(files);
}

/**
 * Save a state dict (or a nest of Maps, plain objects, arrays, numbers, strings and tensors) as
 * PyTorch's `torch.save` does, so `torch.load(f, weights_only=True)` reads it and
 * `torchLoad` round-trips it exactly. Maps become OrderedDicts. Reads tensors synchronously:
 * tensors on webgpu need `torchSaveAsync`.
 *
 * @example
 * writeFileSync('model.pt', torchSave(model.stateDict()));
 */
export function torchSave(obj: Savable | Map<string, Tensor>): Uint8Array {
  const p = plan('torchSave', obj);
  const data = p.storages.map(([key, t]) => {
    if (!t._storage.backend.canReadSync) {
      throw new Error(
        `torchSave: storage ${key} is on '${t.device}', which is read asynchronously; use await torchSaveAsync(...)`,
      );
    }
    return rawBytes(t, t.dataSync());
  });
  return archive(p, data);
}

/** torchSave for tensors on any device. */
export async function torchSaveAsync(obj: Savable | Map<string, Tensor>): Promise<Uint8Array> {
  const p = plan('torchSaveAsync', obj);
  const data = await Promise.all(p.storages.map(async ([, t]) => rawBytes(t, await t.data())));
  return archive(p, data);
}
