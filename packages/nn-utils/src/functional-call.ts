import type { Module } from '@kindling/nn-layers';
import { isTensor, type Tensor } from '@kindling/tensor';

export interface FunctionalCallOptions {
  /** Require every parameter and buffer of the module to be given (default false). */
  strict?: boolean;
  /** A tensor given for one name of a tied parameter is used for all its names (default true). */
  tieWeights?: boolean;
}

type Values = Map<string, Tensor> | ReadonlyMap<string, Tensor> | Record<string, Tensor>;

/**
 * Call `module` with some of its parameters and buffers replaced by the given tensors
 * (torch.func.functional_call / torch.nn.utils.stateless.functional_call): the module is
 * unchanged afterwards, and gradients flow to the given tensors. `args` is one argument or an
 * array of them; `kwargs`, when given, is passed as a trailing options object.
 *
 * @example
 * const params = new Map([...model.namedParameters()].map(([k, p]) => [k, p.detach().requiresGrad_()]));
 * const out = functionalCall(model, params, x);
 */
export function functionalCall<R = unknown>(
  module: Module,
  parametersAndBuffers: Values,
  args: unknown,
  kwargs?: Record<string, unknown> | null,
  opts: FunctionalCallOptions = {},
): R {
  const fn = 'functionalCall';
  const given: [string, Tensor][] =
    parametersAndBuffers instanceof Map
      ? [...parametersAndBuffers.entries()]
      : Object.entries(parametersAndBuffers ?? {});
  const tie = opts.tieWeights ?? true;
  // every (owner module, slot name, registry) of each tensor name, tied names included
  const slots = new Map<
    string,
    { owner: Module; name: string; kind: 'param' | 'buffer'; original: Tensor }
  >();
  for (const [key, m] of module.namedModules(undefined, '', false)) {
    for (const [n, p] of m._parameters)
      if (p) slots.set(key ? `${key}.${n}` : n, { owner: m, name: n, kind: 'param', original: p });
    for (const [n, b] of m._buffers)
      if (b) slots.set(key ? `${key}.${n}` : n, { owner: m, name: n, kind: 'buffer', original: b });
  }
  const byOriginal = new Map<Tensor, Tensor>();
  const chosen = new Map<string, Tensor>();
  for (const [k, t] of given) {
    if (!isTensor(t)) throw new TypeError(`${fn}: parametersAndBuffers["${k}"] is not a Tensor`);
    const s = slots.get(k);
    if (!s)
      throw new Error(
        `${fn}: ${module._getName()} has no parameter or buffer named '${k}' (parametersAndBuffers)`,
      );
    if (byOriginal.has(s.original) && byOriginal.get(s.original) !== t && tie) {
      throw new Error(
        `${fn}: tied weights were given different values ('${k}' and another name of the same tensor)`,
      );
    }
    byOriginal.set(s.original, t);
    chosen.set(k, t);
  }
  if (tie)
    for (const [k, s] of slots)
      if (!chosen.has(k) && byOriginal.has(s.original)) chosen.set(k, byOriginal.get(s.original) as Tensor);
  if (opts.strict) {
    const missing = [...slots.keys()].filter((k) => !chosen.has(k));
    if (missing.length)
      throw new Error(
        `${fn}: strict: missing key(s) in parametersAndBuffers: ${missing.map((k) => `'${k}'`).join(', ')}`,
      );
  }
  const restore: (() => void)[] = [];
  try {
    for (const [k, t] of chosen) {
      const s = slots.get(k) as { owner: Module; name: string; kind: 'param' | 'buffer'; original: Tensor };
      const reg = (s.kind === 'param' ? s.owner._parameters : s.owner._buffers) as Map<string, Tensor | null>;
      const prev = reg.get(s.name) as Tensor;
      reg.set(s.name, t);
      restore.push(() => reg.set(s.name, prev));
    }
    const list = Array.isArray(args) ? args : [args];
    const call = module.call as (...a: unknown[]) => unknown;
    return (kwargs ? call.apply(module, [...list, kwargs]) : call.apply(module, list)) as R;
  } finally {
    for (const r of restore.reverse()) r();
  }
}
