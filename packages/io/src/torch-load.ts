/**
 * torch.load for the zip format torch.save has written since PyTorch 1.6, weights only:
 * `archive/data.pkl` is unpickled with an allowlist of the globals state dicts use, tensors come
 * from `archive/data/<key>` storages (shared between tensors, with offsets and strides), and the
 * `archive/byteorder` record is honoured.
 */
import { type Device, type Tensor, tensor } from '@kindling/tensor';
import { asBytes, LITTLE_ENDIAN, swapBytes, utf8Decode } from './bytes.js';
import { decode, LOADS_AS, STORED_SIZE, type StoredType } from './dtypes.js';
import { type PyGlobal, unpickle } from './unpickle.js';
import { ZipReader } from './zip-read.js';

export interface TorchLoadOptions {
  /** Where the tensors go (PyTorch's map_location), default 'cpu'. */
  device?: Device;
  /** Largest uncompressed zip entry accepted, in bytes (default 4 GiB − 1). */
  maxEntryBytes?: number;
}

const FN = 'torchLoad';

const STORAGE_TYPES: Record<string, StoredType> = {
  DoubleStorage: 'F64',
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/** A storage type marker (torch.FloatStorage, ...). */
interface StorageType extends PyGlobal {
  readonly stored: StoredType;
}

/** A storage from `archive/data/<key>`, turned into one Kindling tensor on first use. */
class StorageRef {
  private base: Tensor | null = null;
  constructor(
    readonly key: string,
    readonly type: StoredType,
    readonly numel: number,
    private raw: Uint8Array | null,
    private readonly device: Device,
  ) {}

  tensor(): Tensor {
    if (!this.base) {
      const values = decode(this.type, this.raw as Uint8Array, this.numel, `${FN}: storage '${this.key}'`);
      this.base = tensor(values, { shape: [this.numel], dtype: LOADS_AS[this.type], device: this.device });
      this.raw = null;
    }
    return this.base;
  }
}

const intList = (v: unknown, what: string): number[] => {
  if (!Array.isArray(v) || !v.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`${FN}: ${what} must be a tuple of non-negative integers, got ${String(v)}`);
  }
  return v as number[];
};

/** torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata?) */
function rebuildTensor(args: unknown[]): Tensor {
  const [storage, offset, sizeV, strideV, requiresGrad] = args;
  if (!(storage instanceof StorageRef))
    throw new Error(`${FN}: _rebuild_tensor_v2 expects a storage as its first argument`);
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0)
    throw new Error(`${FN}: bad storage offset ${String(offset)}`);
  const size = intList(sizeV, 'tensor size');
  const stride = intList(strideV, 'tensor stride');
  if (size.length !== stride.length)
    throw new Error(`${FN}: tensor size [${size}] and stride [${stride}] differ in length`);
  const numel = size.reduce((a, d) => a * d, 1);
  if (numel > 0) {
    const last = offset + size.reduce((a, d, i) => a + (d - 1) * stride[i], 0);
    if (last >= storage.numel) {
      throw new Error(
        `${FN}: tensor of size [${size}], stride [${stride}] at offset ${offset} reaches element ${last} of storage '${storage.key}', which has ${storage.numel}`,
      );
    }
  }
  const t = storage.tensor()._viewAs(size, stride, offset);
  if (requiresGrad === true && t.isFloatingPoint()) t.requiresGrad_(true);
  return t;
}

function marker(name: string): PyGlobal {
  return { __global__: name };
}

function fnGlobal(
  name: string,
  call: (args: unknown[]) => unknown,
  build?: (obj: unknown, state: unknown) => void,
): PyGlobal {
  return { __global__: name, call, build };
}

const ORDERED_DICT = fnGlobal(
  'collections.OrderedDict',
  (args) => {
    const m = new Map<unknown, unknown>();
    if (args.length && Array.isArray(args[0])) for (const kv of args[0] as unknown[][]) m.set(kv[0], kv[1]);
    return m;
  },
  (obj, state) => {
    // state dicts carry `_metadata` (per-module versions) as instance state: keep it aside
    const entries =
      state instanceof Map
        ? [...state.entries()]
        : Array.isArray(state) && state[0] instanceof Map
          ? [...(state[0] as Map<unknown, unknown>).entries()]
          : null;
    if (!entries) throw new Error(`${FN}: unexpected OrderedDict state`);
    for (const [k, v] of entries)
      Object.defineProperty(obj as object, String(k), {
        value: v,
        enumerable: false,
        configurable: true,
        writable: true,
      });
  },
);

const TENSOR_TYPE = marker('torch.Tensor');
const PARAMETER_TYPE = marker('torch.nn.parameter.Parameter');

const ALLOWED: Record<string, PyGlobal> = {
  'collections.OrderedDict': ORDERED_DICT,
  'torch._utils._rebuild_tensor_v2': fnGlobal('torch._utils._rebuild_tensor_v2', rebuildTensor),
  'torch._utils._rebuild_tensor': fnGlobal('torch._utils._rebuild_tensor', (a) =>
    rebuildTensor([a[0], a[1], a[2], a[3], false]),
  ),
  'torch._utils._rebuild_parameter': fnGlobal('torch._utils._rebuild_parameter', (a) => {
    const t = a[0] as Tensor;
    if (a[1] === true && t.isFloatingPoint()) t.requiresGrad_(true);
    return t;
  }),
  'torch._utils._rebuild_parameter_with_state': fnGlobal(
    'torch._utils._rebuild_parameter_with_state',
    (a) => {
      const t = a[0] as Tensor;
      if (a[1] === true && t.isFloatingPoint()) t.requiresGrad_(true);
      return t;
    },
  ),
  'torch._tensor._rebuild_from_type_v2': fnGlobal('torch._tensor._rebuild_from_type_v2', (a) => {
    const [func, newType, args] = a as [PyGlobal, PyGlobal, unknown[]];
    if (newType !== TENSOR_TYPE && newType !== PARAMETER_TYPE)
      throw new Error(`${FN}: tensor subclass ${String(newType?.__global__)} is not supported`);
    if (!func?.call || !Array.isArray(args)) throw new Error(`${FN}: bad _rebuild_from_type_v2 arguments`);
    return func.call(args);
  }),
  'torch.Tensor': TENSOR_TYPE,
  'torch.nn.parameter.Parameter': PARAMETER_TYPE,
  'torch.Size': fnGlobal('torch.Size', (a) => (Array.isArray(a[0]) ? [...(a[0] as unknown[])] : [])),
  'torch.device': fnGlobal('torch.device', (a) => a.filter((x) => x !== null).join(':')),
  '_codecs.encode': fnGlobal('_codecs.encode', (a) => {
    const [s, enc] = a;
    if (typeof s !== 'string') throw new Error(`${FN}: _codecs.encode expects a string`);
    if (enc !== 'latin1' && enc !== 'latin-1')
      throw new Error(`${FN}: _codecs.encode with encoding ${String(enc)} is not supported`);
    return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
  }),
};
for (const [name, stored] of Object.entries(STORAGE_TYPES)) {
  ALLOWED[`torch.${name}`] = { __global__: `torch.${name}`, stored } as StorageType;
}

function hint(full: string): string {
  if (full.startsWith('__main__.') || full.startsWith('__torch__.') || full.startsWith('torch.nn.modules.')) {
    return '. This file pickles a whole model (its Python classes); save model.state_dict() instead';
  }
  if (/^torch\.(Complex\w+|QU?Int\w+)Storage$/.test(full))
    return '. Kindling has no complex or quantized dtypes';
  if (full.startsWith('numpy.')) return '. numpy objects are not part of a weights-only state dict';
  return '';
}

/**
 * Load what `torch.save` wrote (the zip format of PyTorch ≥ 1.6), weights only. A state dict
 * comes back as a `Map<string, Tensor>` in its saved order (any pickled dict is a Map, lists and
 * tuples are arrays), ready for `module.loadStateDict`. Only the globals a state dict uses are
 * allowed; anything else (a pickled class, `os.system`, ...) throws, naming the global, before
 * anything is built from it. int64 tensors load as int32 (out-of-range values throw), bfloat16 as
 * float32, int8/int16/uint8 as int32.
 *
 * @example
 * const bytes = new Uint8Array(await (await fetch('resnet.pth')).arrayBuffer());
 * model.loadStateDict(torchLoad(bytes));
 */
export function torchLoad<T = Map<string, Tensor>>(bytes: Uint8Array, opts: TorchLoadOptions = {}): T {
  if (!LITTLE_ENDIAN) throw new Error(`${FN}: big-endian hosts are not supported`);
  const b = asBytes(FN, bytes);
  if (b.length >= 2 && b[0] === 0x80 && b[1] <= 5) {
    throw new Error(
      `${FN}: this is the legacy (pre-1.6) torch.save format, which is not supported; re-save it with a current PyTorch`,
    );
  }
  const zip = new ZipReader(b, FN, { maxEntryBytes: opts.maxEntryBytes });
  const pkl = [...zip.entries.keys()].filter((n) => n.endsWith('/data.pkl') && n.split('/').length === 2);
  if (pkl.length !== 1) {
    throw new Error(
      `${FN}: expected exactly one <archive>/data.pkl in the zip, found ${pkl.length ? pkl.join(', ') : 'none'} (not a torch.save file?)`,
    );
  }
  const prefix = pkl[0].slice(0, -'data.pkl'.length);
  let bigEndian = false;
  if (zip.entries.has(`${prefix}byteorder`)) {
    const order = utf8Decode(zip.read(`${prefix}byteorder`), `${FN}: byteorder record`).trim();
    if (order !== 'little' && order !== 'big') throw new Error(`${FN}: unknown byteorder '${order}'`);
    bigEndian = order === 'big';
  }
  const device = opts.device ?? 'cpu';
  const storages = new Map<string, StorageRef>();
  const result = unpickle(
    zip.read(pkl[0]),
    {
      findGlobal: (module, name) =>
        Object.hasOwn(ALLOWED, `${module}.${name}`) ? ALLOWED[`${module}.${name}`] : undefined,
      refusalHint: hint,
      persistentLoad(pid) {
        if (!Array.isArray(pid) || pid.length < 5 || pid[0] !== 'storage') {
          throw new Error(
            `${FN}: unsupported persistent id ${Array.isArray(pid) ? `('${String(pid[0])}', ...)` : String(pid)}`,
          );
        }
        const [, typeG, keyV, , numelV] = pid as [string, StorageType, unknown, unknown, unknown];
        if (!typeG || typeof typeG !== 'object' || !('stored' in typeG))
          throw new Error(`${FN}: persistent id names no storage type`);
        const key = String(keyV);
        if (!/^[\w.-]+$/.test(key)) throw new Error(`${FN}: bad storage key ${JSON.stringify(key)}`);
        const numel = Number(numelV);
        if (!Number.isSafeInteger(numel) || numel < 0)
          throw new Error(`${FN}: storage '${key}' has a bad element count ${String(numelV)}`);
        const have = storages.get(key);
        if (have) {
          if (have.type !== typeG.stored)
            throw new Error(
              `${FN}: storage '${key}' is used with two dtypes (${have.type}, ${typeG.stored})`,
            );
          return have;
        }
        const name = `${prefix}data/${key}`;
        const entry = zip.entries.get(name);
        if (!entry) throw new Error(`${FN}: storage '${key}' is missing from the archive (no ${name})`);
        const want = numel * STORED_SIZE[typeG.stored];
        if (entry.size !== want) {
          throw new Error(
            `${FN}: storage '${key}' holds ${entry.size} bytes, but ${numel} ${typeG.stored} elements need ${want}`,
          );
        }
        const size = STORED_SIZE[typeG.stored];
        const data = zip.read(name);
        // a view into the file when aligned (PyTorch aligns storages to 64 bytes), else a copy
        const raw = bigEndian || data.byteOffset % size !== 0 ? data.slice() : data;
        if (bigEndian) swapBytes(raw, size);
        const ref = new StorageRef(key, typeG.stored, numel, raw, device);
        storages.set(key, ref);
        return ref;
      },
    },
    FN,
  );
  return result as T;
}
