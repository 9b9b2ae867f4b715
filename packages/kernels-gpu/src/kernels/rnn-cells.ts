import { type DType, UNARY } from '@kindling/ops';
import type { GpuView } from '../buffer.js';
import { entry1d, natTo, Params, pi, Program, pu, toNat } from '../wgsl/program.js';
import { fitBindings } from './bindings.js';
import type { GpuContext, GpuKernel } from './context.js';

/**
 * The fused gate kernels of one recurrent step (Elman, LSTM, GRU) and their gradients: one
 * dispatch, one invocation per (batch row, hidden unit), doing all of a step's elementwise work.
 * Operands are 2-D views with any strides (a bias is a vector read with row stride 0). f32
 * arithmetic with the unary kernels' sigmoid, tanh and relu (the op table's WGSL), so the
 * fused and composite paths agree. Backward kernels recompute the gates from the
 * pre-activations rather than saving them.
 */

interface CellOperand {
  /** WGSL name (ld_NAME / st_NAME). */
  readonly name: string;
  readonly view: GpuView;
  readonly write?: boolean;
  /** Columns the operand has (its [B, cols] shape is checked), or 'bias' for a [cols] vector. */
  readonly cols: number;
  readonly bias?: boolean;
}

// NaN in, NaN out, as the unary kernels guarantee (builtins such as exp need not on every driver)
const ACTIVATIONS = (['sigmoid', 'tanh', 'relu'] as const)
  .map((op) => `fn kd_act_${op}(x: f32) -> f32 { return select(${UNARY[op].wgsl}, x, kd_isnan(x)); }`)
  .join('\n');

function checkOperand(kernel: string, o: CellOperand, B: number): void {
  const v = o.view;
  const ok = o.bias
    ? v.shape.length === 1 && v.shape[0] === o.cols
    : v.shape.length === 2 && v.shape[0] === B && v.shape[1] === o.cols;
  if (!ok) {
    throw new RangeError(
      `webgpu ${kernel}: expected ${o.name} of shape [${o.bias ? o.cols : `${B}, ${o.cols}`}], got [${v.shape}]`,
    );
  }
  if (v.dtype !== 'float32' && v.dtype !== 'float16') {
    throw new TypeError(`webgpu ${kernel}: expected float32 or float16 operands, got ${v.dtype}`);
  }
}

/**
 * One invocation per element of [B, H]: `kd_b`, `kd_j` are its row and unit; `body` reads with
 * `ld(name, col)` and writes with `st(name, col, value)` (col a WGSL i32 expression; H is `kd_H`).
 */
function cellKernel(
  ctx: GpuContext,
  kernel: string,
  variant: string,
  B: number,
  H: number,
  given: readonly CellOperand[],
  body: (
    ld: (name: string, col: string) => string,
    st: (name: string, col: string, v: string) => string,
  ) => string,
): void {
  for (const o of given) checkOperand(kernel, o, B);
  const n = B * H;
  if (n === 0) return;
  if (n > 0x7fffffff) throw new RangeError(`webgpu ${kernel}: ${n} elements exceed the int32 index range`);
  const fit = fitBindings(
    ctx,
    given.map((o) => o.view),
    given.map((o) => !!o.write),
  );
  const operands = given.map((o, i) => ({ ...o, view: fit.views[i] }));
  const p = new Params();
  const count = p.u32(n);
  const hIdx = p.i32(H);
  const idx = operands.map((o) => ({
    off: p.i32(o.view.offset),
    rs: p.i32(o.bias ? 0 : o.view.strides[0]),
    cs: p.i32(o.view.strides[o.bias ? 0 : 1]),
  }));
  const program = new Program(
    operands.map((o) => ({ name: o.name, buffer: o.view.buffer, dtype: o.view.dtype, write: o.write })),
  );
  const dtypeOf = new Map<string, DType>(operands.map((o) => [o.name, o.view.dtype]));
  const at = (name: string, col: string) => `kd_r_${name} + (${col}) * kd_c_${name}`;
  const ld = (name: string, col: string) =>
    natTo(`ld_${name}(${at(name, col)})`, dtypeOf.get(name) as DType, 'f32');
  const st = (name: string, col: string, v: string) =>
    `st_${name}(${at(name, col)}, ${toNat(v, 'f32', dtypeOf.get(name) as DType)});`;
  const dtypes = operands.map((o) => (o.view.dtype === 'float16' ? 'h' : 'f')).join('');
  ctx.rt.dispatch({
    kernel,
    key: `${kernel}:${variant}:${dtypes}`,
    program,
    params: p,
    groups: Math.ceil(n / ctx.wg),
    source: () => {
      const head = [
        `  if (kd_id >= ${pu(count)}) { return; }`,
        `  let kd_H = ${pi(hIdx)};`,
        '  let kd_b = i32(kd_id) / kd_H;',
        '  let kd_j = i32(kd_id) % kd_H;',
        ...operands.map(
          (o, k) =>
            `  let kd_r_${o.name} = ${pi(idx[k].off)} + kd_b * ${pi(idx[k].rs)};\n  let kd_c_${o.name} = ${pi(idx[k].cs)};`,
        ),
      ].join('\n');
      return `${program.declarations(p.length)}\n${ACTIVATIONS}\n${entry1d(ctx.wg, `${head}\n${body(ld, st)}`)}`;
    },
  });
  fit.release();
}

/** WGSL for Σ of the dh' addends at unit kd_j. */
const sumParts = (ld: (name: string, col: string) => string, k: number) =>
  Array.from({ length: k }, (_, i) => ld(`dh${i}`, 'kd_j')).join(' + ');

const parts = (dh: readonly GpuView[], H: number): CellOperand[] =>
  dh.map((view, i) => ({ name: `dh${i}`, view, cols: H }));

function requireParts(kernel: string, dh: readonly GpuView[]): void {
  if (dh.length === 0) throw new RangeError(`webgpu ${kernel}: expected at least one dh' input`);
}

function stateSize(kernel: string, v: GpuView): [number, number] {
  if (v.shape.length !== 2)
    throw new RangeError(`webgpu ${kernel}: expected a [B, H] state, got [${v.shape}]`);
  return [v.shape[0], v.shape[1]];
}

export const rnnCell: GpuKernel<'rnnCell'> = (ctx, [out], [gi, hh], { nonlinearity }) => {
  const [B, H] = stateSize('rnnCell', out);
  cellKernel(
    ctx,
    'rnnCell',
    nonlinearity,
    B,
    H,
    [
      { name: 'out', view: out, write: true, cols: H },
      { name: 'gi', view: gi, cols: H },
      { name: 'hh', view: hh, cols: H },
    ],
    (ld, st) => `  ${st('out', 'kd_j', `kd_act_${nonlinearity}(${ld('gi', 'kd_j')} + ${ld('hh', 'kd_j')})`)}`,
  );
};

export const rnnCellBackward: GpuKernel<'rnnCellBackward'> = (ctx, [dpre], [h, ...dh], { nonlinearity }) => {
  requireParts('rnnCellBackward', dh);
  const [B, H] = stateSize('rnnCellBackward', h);
  const slope = nonlinearity === 'tanh' ? '(1.0 - kd_y * kd_y)' : 'select(0.0, 1.0, kd_y > 0.0)';
  cellKernel(
    ctx,
    'rnnCellBackward',
    `${nonlinearity}:${dh.length}`,
    B,
    H,
    [{ name: 'dpre', view: dpre, write: true, cols: H }, { name: 'h', view: h, cols: H }, ...parts(dh, H)],
    (ld, st) => `  let kd_y = ${ld('h', 'kd_j')};
  let kd_g = ${sumParts(ld, dh.length)};
  ${st('dpre', 'kd_j', `kd_g * ${slope}`)}`,
  );
};

/** WGSL computing LSTM gates i, f, g, o at unit kd_j from gi + hh. */
const lstmGates = (ld: (name: string, col: string) => string) => {
  const a = (k: number) => `${ld('gi', `kd_j + ${k} * kd_H`)} + ${ld('hh', `kd_j + ${k} * kd_H`)}`;
  return `  let kd_i = kd_act_sigmoid(${a(0)});
  let kd_f = kd_act_sigmoid(${a(1)});
  let kd_g = kd_act_tanh(${a(2)});
  let kd_o = kd_act_sigmoid(${a(3)});`;
};

export const lstmCell: GpuKernel<'lstmCell'> = (ctx, [hOut, cOut], [gi, hh, c]) => {
  const [B, H] = stateSize('lstmCell', c);
  cellKernel(
    ctx,
    'lstmCell',
    '',
    B,
    H,
    [
      { name: 'hout', view: hOut, write: true, cols: H },
      { name: 'cout', view: cOut, write: true, cols: H },
      { name: 'gi', view: gi, cols: 4 * H },
      { name: 'hh', view: hh, cols: 4 * H },
      { name: 'c', view: c, cols: H },
    ],
    (ld, st) => `${lstmGates(ld)}
  let kd_c2 = kd_f * ${ld('c', 'kd_j')} + kd_i * kd_g;
  ${st('cout', 'kd_j', 'kd_c2')}
  ${st('hout', 'kd_j', 'kd_o * kd_act_tanh(kd_c2)')}`,
  );
};

export const lstmCellBackward: GpuKernel<'lstmCellBackward'> = (
  ctx,
  [dgates, dcOut],
  [gi, hh, c, c2, dc2, ...dh],
) => {
  requireParts('lstmCellBackward', dh);
  const [B, H] = stateSize('lstmCellBackward', c);
  cellKernel(
    ctx,
    'lstmCellBackward',
    `${dh.length}`,
    B,
    H,
    [
      { name: 'dgates', view: dgates, write: true, cols: 4 * H },
      { name: 'dc', view: dcOut, write: true, cols: H },
      { name: 'gi', view: gi, cols: 4 * H },
      { name: 'hh', view: hh, cols: 4 * H },
      { name: 'c', view: c, cols: H },
      { name: 'c2', view: c2, cols: H },
      { name: 'dc2', view: dc2, cols: H },
      ...parts(dh, H),
    ],
    (ld, st) => `${lstmGates(ld)}
  let kd_tc = kd_act_tanh(${ld('c2', 'kd_j')});
  let kd_d = ${sumParts(ld, dh.length)};
  let kd_dc = ${ld('dc2', 'kd_j')} + kd_d * kd_o * (1.0 - kd_tc * kd_tc);
  ${st('dgates', 'kd_j', 'kd_dc * kd_g * (kd_i * (1.0 - kd_i))')}
  ${st('dgates', 'kd_j + kd_H', `kd_dc * ${ld('c', 'kd_j')} * (kd_f * (1.0 - kd_f))`)}
  ${st('dgates', 'kd_j + 2 * kd_H', 'kd_dc * kd_i * (1.0 - kd_g * kd_g)')}
  ${st('dgates', 'kd_j + 3 * kd_H', 'kd_d * kd_tc * (kd_o * (1.0 - kd_o))')}
  ${st('dc', 'kd_j', 'kd_dc * kd_f')}`,
  );
};

/** WGSL computing GRU gates r, z, n and gh_n at unit kd_j. */
const gruGates = (ld: (name: string, col: string) => string, bias: boolean) => {
  const gh = (k: number) =>
    `${ld('hh', `kd_j + ${k} * kd_H`)}${bias ? ` + ${ld('bhh', `kd_j + ${k} * kd_H`)}` : ''}`;
  return `  let kd_r = kd_act_sigmoid(${ld('gi', 'kd_j')} + ${gh(0)});
  let kd_z = kd_act_sigmoid(${ld('gi', 'kd_j + kd_H')} + ${gh(1)});
  let kd_hn = ${gh(2)};
  let kd_n = kd_act_tanh(${ld('gi', 'kd_j + 2 * kd_H')} + kd_r * kd_hn);`;
};

function gruInputs(gi: GpuView, hh: GpuView, h: GpuView, bhh: GpuView | null, H: number): CellOperand[] {
  const ops: CellOperand[] = [
    { name: 'gi', view: gi, cols: 3 * H },
    { name: 'hh', view: hh, cols: 3 * H },
    { name: 'h', view: h, cols: H },
  ];
  if (bhh) ops.push({ name: 'bhh', view: bhh, cols: 3 * H, bias: true });
  return ops;
}

export const gruCell: GpuKernel<'gruCell'> = (ctx, [out], [gi, hh, h, bhh], { hhBias }) => {
  const [B, H] = stateSize('gruCell', h);
  cellKernel(
    ctx,
    'gruCell',
    hhBias ? 'b' : '',
    B,
    H,
    [{ name: 'out', view: out, write: true, cols: H }, ...gruInputs(gi, hh, h, hhBias ? bhh : null, H)],
    (ld, st) => `${gruGates(ld, hhBias)}
  ${st('out', 'kd_j', `kd_n + kd_z * (${ld('h', 'kd_j')} - kd_n)`)}`,
  );
};

export const gruCellBackward: GpuKernel<'gruCellBackward'> = (ctx, [dgi, dgh, direct], ins, { hhBias }) => {
  const [gi, hh, h] = ins;
  const dh = ins.slice(hhBias ? 4 : 3);
  requireParts('gruCellBackward', dh);
  const [B, H] = stateSize('gruCellBackward', h);
  cellKernel(
    ctx,
    'gruCellBackward',
    `${hhBias ? 'b' : ''}${dh.length}`,
    B,
    H,
    [
      { name: 'dgi', view: dgi, write: true, cols: 3 * H },
      { name: 'dgh', view: dgh, write: true, cols: 3 * H },
      { name: 'direct', view: direct, write: true, cols: H },
      ...gruInputs(gi, hh, h, hhBias ? ins[3] : null, H),
      ...parts(dh, H),
    ],
    (ld, st) => `${gruGates(ld, hhBias)}
  let kd_d = ${sumParts(ld, dh.length)};
  let kd_dz = kd_d * (${ld('h', 'kd_j')} - kd_n) * (kd_z * (1.0 - kd_z));
  let kd_dn = (kd_d - kd_d * kd_z) * (1.0 - kd_n * kd_n);
  let kd_dr = kd_dn * kd_hn * (kd_r * (1.0 - kd_r));
  ${st('dgi', 'kd_j', 'kd_dr')}
  ${st('dgi', 'kd_j + kd_H', 'kd_dz')}
  ${st('dgi', 'kd_j + 2 * kd_H', 'kd_dn')}
  ${st('dgh', 'kd_j', 'kd_dr')}
  ${st('dgh', 'kd_j + kd_H', 'kd_dz')}
  ${st('dgh', 'kd_j + 2 * kd_H', 'kd_dn * kd_r')}
  ${st('direct', 'kd_j', 'kd_d * kd_z')}`,
  );
};
