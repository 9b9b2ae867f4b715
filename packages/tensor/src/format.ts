import type { Tensor } from './tensor.js';

function fmtNum(v: number, dtype: Tensor['dtype'], allInt: boolean): string {
  if (dtype === 'bool') return v ? 'True' : 'False';
  if (dtype === 'int32') return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (allInt) return `${v}.`;
  return v.toFixed(4);
}

/** PyTorch's repr: tensor([[1., 2.],\n        [3., 4.]]), with dtype/device/grad_fn suffixes. */
export function formatTensor(t: Tensor): string {
  const suffix: string[] = [];
  if (t.device !== 'cpu') suffix.push(`device='${t.device}'`);
  if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') suffix.push(`dtype=${t.dtype}`);
  if (t.gradFn) suffix.push(`gradFn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffix.push('requiresGrad=true');
  if (!t._storage.backend.canReadSync)
    return `tensor(<${t.shape.join('x')} on ${t.device}>${suffix.map((s) => `, ${s}`).join('')})`;
  const flat = Array.from(t.dataSync(), Number);
  const allInt = flat.every((v) => !Number.isFinite(v) || Number.isInteger(v));
  const cells = flat.map((v) => fmtNum(v, t.dtype, allInt));
  const width = Math.max(0, ...cells.map((c) => c.length));
  const pad = (s: string) => s.padStart(width);
  let i = 0;
  const rec = (d: number, indent: string): string => {
    if (d === t.ndim) return pad(cells[i++]);
    const parts: string[] = [];
    for (let k = 0; k < t.shape[d]; k++) parts.push(rec(d + 1, `${indent} `));
    const sep = d === t.ndim - 1 ? ', ' : `,${'\n'.repeat(t.ndim - d - 1)}${indent} `;
    return `[${parts.join(sep)}]`;
  };
  const body = t.ndim === 0 ? cells[0] : rec(0, '       ');
  return `tensor(${body}${suffix.map((s) => `, ${s}`).join('')})`;
}
