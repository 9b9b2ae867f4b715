/**
 * A weights-only unpickler: the pickle virtual machine (protocols 0-5) run as a data parser.
 * It never imports or calls anything by name: GLOBAL / STACK_GLOBAL resolve only through an
 * allowlist of the few globals a state dict needs, each implemented here in TypeScript; any other
 * global (os.system, builtins.eval, a model class, ...) is refused on sight, before anything runs.
 * INST, OBJ, EXT* and out-of-band buffers are refused outright.
 */
import { latin1, utf8Decode } from './bytes.js';

/** A Python tuple (kept apart from lists only where it matters: dict keys, reprs). */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | Map<unknown, unknown>
  | object;

/** An allowlisted global: `call` implements REDUCE / NEWOBJ on it (absent: a type marker, not callable). */
export interface PyGlobal {
  readonly __global__: string;
  call?(args: unknown[]): unknown;
  /** BUILD on an object this global made. */
  build?(obj: unknown, state: unknown): void;
}

export interface UnpickleHooks {
  /** Resolve `module.name` to an allowlisted global, or return undefined to refuse. */
  findGlobal(module: string, name: string): PyGlobal | undefined;
  /** BINPERSID / PERSID. */
  persistentLoad(pid: unknown): unknown;
  /** Explain a refused global (appended to the error). */
  refusalHint?(fullName: string): string;
}

/** Run the pickle in `data` and return the object it builds. `fn` names the caller in errors. */
export function unpickle(data: Uint8Array, hooks: UnpickleHooks, fn: string): unknown {
  let pos = 0;
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();
  const fail = (msg: string): never => {
    throw new Error(`${fn}: ${msg} (pickle byte ${pos})`);
  };
  const need = (n: number) => {
    if (pos + n > data.length) fail('pickle data is truncated');
  };
  const u8 = () => {
    need(1);
    return data[pos++];
  };
  const u16 = () => {
    need(2);
    const v = data[pos] | (data[pos + 1] << 8);
    pos += 2;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = (data[pos] | (data[pos + 1] << 8) | (data[pos + 2] << 16)) + data[pos + 3] * 0x1000000;
    pos += 4;
    return v;
  };
  const i32 = () => {
    need(4);
    const v = data[pos] | (data[pos + 1] << 8) | (data[pos + 2] << 16) | (data[pos + 3] << 24);
    pos += 4;
    return v;
  };
  const u64 = () => {
    const lo = u32();
    const hi = u32();
    if (hi >= 0x200000) fail('8-byte length too large');
    return hi * 0x100000000 + lo;
  };
  const bytes = (n: number) => {
    need(n);
    const b = data.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const line = () => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) fail('pickle data is truncated (unterminated line)');
    const s = latin1(data.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => {
    if (stack.length === 0) fail('stack underflow');
    return stack.pop();
  };
  const top = () => {
    if (stack.length === 0) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    if (metastack.length === 0) fail('MARK missing');
    stack = metastack.pop() as unknown[];
    return items;
  };
  const intOf = (v: bigint): number | bigint =>
    v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  const longLE = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return intOf(v);
  };
  const global = (module: string, name: string): PyGlobal => {
    const g = hooks.findGlobal(module, name);
    if (!g) {
      const full = `${module}.${name}`;
      const hint = hooks.refusalHint?.(full) ?? '';
      fail(
        `refusing to load global '${full}': it is not in the weights-only allowlist, and loading it could run code${hint}`,
      );
    }
    return g as PyGlobal;
  };
  const callable = (f: unknown, op: string): ((args: unknown[]) => unknown) => {
    const g = f as PyGlobal;
    if (!g || typeof g !== 'object' || typeof g.__global__ !== 'string')
      fail(`${op} on something that is not an allowlisted global`);
    if (!g.call) fail(`${op}: '${g.__global__}' cannot be called`);
    return (args) => (g.call as (a: unknown[]) => unknown)(args);
  };
  const setItems = (d: unknown, items: unknown[]) => {
    if (!(d instanceof Map)) fail('SETITEM(S) on something that is not a dict');
    if (items.length % 2) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) (d as Map<unknown, unknown>).set(items[i], items[i + 1]);
  };
  const built = new WeakMap<object, PyGlobal>();
  const track = (obj: unknown, g: PyGlobal) => {
    if (obj && typeof obj === 'object') built.set(obj, g);
    return obj;
  };
  const getMemo = (i: number) => {
    if (!memo.has(i)) fail(`memo key ${i} is missing`);
    return memo.get(i);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: {
        const proto = u8();
        if (proto > 5) fail(`unsupported pickle protocol ${proto}`);
        break;
      }
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || metastack.length) fail('pickle ends with a malformed stack');
        return stack[0];
      case 0x28: // MARK
        metastack.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        if (stack.length) stack.pop();
        else popMark();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(longLE(bytes(u8())));
        break;
      case 0x8b: {
        // LONG4
        const n = i32();
        if (n < 0 || n > 1 << 16) fail(`LONG4 of ${n} bytes`);
        stack.push(longLE(bytes(n)));
        break;
      }
      case 0x49: {
        // INT (text)
        const s = line();
        if (s === '01') stack.push(true);
        else if (s === '00') stack.push(false);
        else if (/^[-+]?\d{1,40}$/.test(s)) stack.push(intOf(BigInt(s)));
        else fail(`bad INT ${JSON.stringify(s)}`);
        break;
      }
      case 0x4c: {
        // LONG (text)
        const s = line().replace(/L$/, '');
        if (!/^[-+]?\d{1,4000}$/.test(s)) fail(`bad LONG ${JSON.stringify(s.slice(0, 40))}`);
        stack.push(intOf(BigInt(s)));
        break;
      }
      case 0x47: {
        // BINFLOAT (big-endian)
        const b = bytes(8);
        stack.push(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false));
        break;
      }
      case 0x46: {
        // FLOAT (text)
        const s = line();
        const v = Number(s);
        if (Number.isNaN(v) && !/^[-+]?nan$/i.test(s)) fail(`bad FLOAT ${JSON.stringify(s)}`);
        stack.push(v);
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(utf8Decode(bytes(u32()), `${fn}: pickled string`));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8Decode(bytes(u8()), `${fn}: pickled string`));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8Decode(bytes(u64()), `${fn}: pickled string`));
        break;
      case 0x56: // UNICODE (raw-unicode-escape)
        stack.push(
          line().replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a, b) =>
            String.fromCodePoint(parseInt(a ?? b, 16)),
          ),
        );
        break;
      case 0x54: // BINSTRING
        stack.push(latin1(bytes(i32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1(bytes(u8())));
        break;
      case 0x53: {
        // STRING (quoted repr)
        const s = line();
        const m = /^(['"])(.*)\1$/s.exec(s);
        if (!m) fail('bad STRING');
        stack.push((m as RegExpExecArray)[2]);
        break;
      }
      case 0x42: // BINBYTES
        stack.push(bytes(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(bytes(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(bytes(u64()).slice());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x85:
        stack.push([pop()]);
        break;
      case 0x86: {
        const b = pop();
        const a = pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x74: {
        // TUPLE (popMark replaces `stack`: take the items first)
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: {
        // LIST
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        const l = top();
        if (!Array.isArray(l)) fail('APPEND to something that is not a list');
        (l as unknown[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const l = top();
        if (!Array.isArray(l)) fail('APPENDS to something that is not a list');
        for (const v of items) (l as unknown[]).push(v);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const d = new Map();
        setItems(d, items);
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new Set());
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) fail('ADDITEMS to something that is not a set');
        for (const v of items) (s as Set<unknown>).add(v);
        break;
      }
      case 0x91: {
        // FROZENSET
        const items = popMark();
        stack.push(new Set(items));
        break;
      }
      case 0x67: // GET
        stack.push(getMemo(Number(line())));
        break;
      case 0x68: // BINGET
        stack.push(getMemo(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(getMemo(u32()));
        break;
      case 0x70: // PUT
        memo.set(Number(line()), top());
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x63: {
        // GLOBAL
        const module = line();
        const name = line();
        stack.push(global(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const f = pop();
        if (!Array.isArray(args)) fail('REDUCE arguments are not a tuple');
        stack.push(track(callable(f, 'REDUCE')(args as unknown[]), f as PyGlobal));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args)
        const args = pop();
        const cls = pop();
        if (!Array.isArray(args)) fail('NEWOBJ arguments are not a tuple');
        stack.push(track(callable(cls, 'NEWOBJ')(args as unknown[]), cls as PyGlobal));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!Array.isArray(args) || !(kwargs instanceof Map) || kwargs.size)
          fail('NEWOBJ_EX with keyword arguments is not supported');
        stack.push(track(callable(cls, 'NEWOBJ_EX')(args as unknown[]), cls as PyGlobal));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const obj = top();
        const g = obj && typeof obj === 'object' ? built.get(obj) : undefined;
        if (!g?.build)
          fail(
            `BUILD (setting object state) is only allowed on allowlisted objects${g ? `, not on '${g.__global__}' results` : ''}`,
          );
        (g as PyGlobal).build?.(obj, state);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      case 0x50: // PERSID
        stack.push(hooks.persistentLoad(line()));
        break;
      case 0x69:
        fail('opcode INST (instantiate a class by name) is not allowed');
        break;
      case 0x6f:
        fail('opcode OBJ (instantiate a class) is not allowed');
        break;
      case 0x82:
      case 0x83:
      case 0x84:
        fail('extension-registry opcodes (EXT1/2/4) are not allowed');
        break;
      case 0x96:
      case 0x97:
      case 0x98:
        fail('out-of-band buffer opcodes are not supported');
        break;
      default:
        fail(`unknown pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}
