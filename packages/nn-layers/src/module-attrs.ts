/**
 * PyTorch's Module.__setattr__ / __getattr__ / __delattr__ for JavaScript: the Module
 * constructor returns a Proxy with this handler, so `this.weight = new Parameter(...)` and
 * `this.fc = new Linear(...)` register the parameter / submodule, and reading `this.weight`
 * finds it again.
 */
import { keep, type Tensor } from '@kindling/tensor';
import { Parameter } from './parameter.js';

/** The registries every module keeps (the fields `Module` declares). */
export interface ModuleSlots {
  _parameters: Map<string, Parameter | null>;
  _buffers: Map<string, Tensor | null>;
  _nonPersistentBuffers: Set<string>;
  _modules: Map<string, ModuleSlots | null>;
  registerParameter(name: string, p: Parameter | null): void;
}

export const isModule = (v: unknown): v is ModuleSlots =>
  !!v && typeof v === 'object' && (v as { _isModule?: boolean })._isModule === true;
export const isTensor = (v: unknown): v is Tensor =>
  !!v && typeof v === 'object' && (v as { _isTensor?: boolean })._isTensor === true;

const TENSOR_TYPE: Record<Tensor['dtype'], string> = {
  float32: 'torch.FloatTensor',
  float64: 'torch.DoubleTensor',
  float16: 'torch.HalfTensor',
  int32: 'torch.IntTensor',
  bool: 'torch.BoolTensor',
};

/** Python-ish type name of a value, for error messages. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (isTensor(v)) return TENSOR_TYPE[v.dtype];
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

export function isRegistered(m: ModuleSlots, name: string): boolean {
  return m._parameters.has(name) || m._buffers.has(name) || m._modules.has(name);
}

/** hasattr(module, name): a real property or a registered parameter, buffer or module. */
export function hasAttr(m: ModuleSlots, name: string): boolean {
  return Reflect.has(m, name) || isRegistered(m, name);
}

function removeFrom(m: ModuleSlots, name: string, stay: 'param' | 'module'): void {
  if (Object.hasOwn(m, name)) Reflect.deleteProperty(m, name);
  if (stay !== 'param') m._parameters.delete(name);
  if (stay !== 'module') m._modules.delete(name);
  m._buffers.delete(name);
  m._nonPersistentBuffers.delete(name);
}

/** Module.__setattr__: returns true when `value` was stored in a registry. */
export function setAttr(m: ModuleSlots, name: string, value: unknown): boolean {
  if (!m._parameters) return false; // before the Module constructor ran
  if (value instanceof Parameter) {
    removeFrom(m, name, 'param');
    m.registerParameter(name, value);
    return true;
  }
  if (m._parameters.has(name)) {
    if (value != null) {
      throw new TypeError(
        `cannot assign '${typeName(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`,
      );
    }
    m._parameters.set(name, null);
    return true;
  }
  if (isModule(value)) {
    removeFrom(m, name, 'module');
    m._modules.set(name, value);
    return true;
  }
  if (m._modules.has(name)) {
    if (value != null) {
      throw new TypeError(
        `cannot assign '${typeName(value)}' as child module '${name}' (torch.nn.Module or None expected)`,
      );
    }
    m._modules.set(name, null);
    return true;
  }
  if (m._buffers.has(name)) {
    if (value != null && !isTensor(value)) {
      throw new TypeError(
        `cannot assign '${typeName(value)}' as buffer '${name}' (torch.Tensor or None expected)`,
      );
    }
    m._buffers.set(name, value ? keep(value as Tensor) : null);
    return true;
  }
  return false;
}

export const moduleProxyHandler: ProxyHandler<ModuleSlots> = {
  get(target, prop, receiver) {
    if (typeof prop === 'string' && !(prop in target)) {
      if (target._parameters.has(prop)) return target._parameters.get(prop);
      if (target._buffers.has(prop)) return target._buffers.get(prop);
      if (target._modules.has(prop)) return target._modules.get(prop);
    }
    return Reflect.get(target, prop, receiver);
  },
  set(target, prop, value, receiver) {
    if (typeof prop === 'string' && setAttr(target, prop, value)) return true;
    return Reflect.set(target, prop, value, receiver);
  },
  defineProperty(target, prop, desc) {
    if (typeof prop === 'string' && 'value' in desc) {
      // a TypeScript field declaration (`weight!: Parameter`) must not unregister anything
      if (desc.value === undefined && isRegistered(target, prop)) return true;
      if (setAttr(target, prop, desc.value)) return true;
    }
    return Reflect.defineProperty(target, prop, desc);
  },
  has(target, prop) {
    return Reflect.has(target, prop) || (typeof prop === 'string' && isRegistered(target, prop));
  },
  deleteProperty(target, prop) {
    if (typeof prop === 'string' && isRegistered(target, prop)) {
      target._parameters.delete(prop);
      target._buffers.delete(prop);
      target._nonPersistentBuffers.delete(prop);
      target._modules.delete(prop);
      return true;
    }
    return Reflect.deleteProperty(target, prop);
  },
};
