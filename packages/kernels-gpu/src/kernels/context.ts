import type { KernelAttrs, KernelName } from '@kindling/ops';
import type { GpuView } from '../buffer.js';
import { coalesce, numelOf } from '../layout.js';
import type { Runtime } from '../runtime.js';
import { decompose, entry1d, Params, pi, Program, pu } from '../wgsl/program.js';

/** What kernels share: the runtime and the workgroup sizes chosen for the device. */
export interface GpuContext {
  readonly rt: Runtime;
  /** Threads per workgroup for one-thread-per-element kernels (a power of two). */
  readonly wg: number;
  /** Threads per workgroup for workgroup-per-row kernels (reduce, softmax, scan). */
  readonly wgRow: number;
}

export type GpuKernel<K extends KernelName> = (
  ctx: GpuContext,
  outputs: readonly GpuView[],
  inputs: readonly GpuView[],
  attrs: KernelAttrs[K],
) => void;

export interface EwOperand {
  /** WGSL name: ld_NAME / st_NAME, and `kd_o_NAME` is the element's offset. */
  readonly name: string;
  readonly view: GpuView;
  readonly write?: boolean;
}

/**
 * One invocation per element of the first operand's shape (every operand has that shape):
 * dims are coalesced on the host, the shader turns the linear index into each operand's
 * offset (`kd_o_NAME`) and runs `body`. `extra` adds kernel parameters (indices into Params).
 */
export function elementwise(
  ctx: GpuContext,
  kernel: string,
  opKey: string,
  operands: readonly EwOperand[],
  extra: (p: Params) => number[],
  body: (extraIdx: number[]) => string,
): void {
  const shape = operands[0].view.shape;
  const n = numelOf(shape);
  if (n === 0) return;
  if (n > 0x7fffffff) throw new RangeError(`webgpu ${kernel}: ${n} elements exceed the int32 index range`);
  const layout = coalesce(
    shape,
    operands.map((o) => o.view.strides),
  );
  const p = new Params();
  const total = p.u32(n);
  const shapeIdx = layout.shape.map((s) => p.i32(s));
  const offIdx: number[] = [];
  const strideIdx: number[][] = [];
  operands.forEach((o, k) => {
    offIdx.push(p.i32(o.view.offset));
    strideIdx.push(layout.strides[k].map((s) => p.i32(s)));
  });
  const extraIdx = extra(p);
  const program = new Program(
    operands.map((o) => ({ name: o.name, buffer: o.view.buffer, dtype: o.view.dtype, write: o.write })),
  );
  const dtypes = operands.map((o) => o.view.dtype[0] + o.view.dtype.replace(/\D/g, '')).join(',');
  const key = `${kernel}:${opKey}:nd${layout.shape.length}:${dtypes}`;
  const wg = ctx.wg;
  ctx.rt.dispatch({
    kernel,
    key,
    program,
    params: p,
    groups: Math.ceil(n / wg),
    source: () => {
      const vars = operands.map((o) => `kd_o_${o.name}`);
      const head = [
        `  if (kd_id >= ${pu(total)}) { return; }`,
        ...operands.map((o, k) => `  var kd_o_${o.name} = ${pi(offIdx[k])};`),
        decompose('i32(kd_id)', shapeIdx, vars, strideIdx),
      ].join('\n');
      return `${program.declarations(p.length)}\n${entry1d(wg, `${head}\n${body(extraIdx)}`)}`;
    },
  });
}
