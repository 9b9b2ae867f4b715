/** One panel: named series of (x, y) points drawn as lines on shared axes. */
export interface Chart {
  title: string;
  xLabel: string;
  series: Record<string, Array<[number, number]>>;
  /** Log scale for y (losses). */
  logY?: boolean;
  /** Series drawn dashed (to show one curve lying on another). */
  dashed?: string[];
}

const W = 440;
const H = 280;
const M = { l: 56, r: 16, t: 30, b: 40 };
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) =>
  Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.01) ? v.toPrecision(2) : String(+v.toPrecision(3));

function ticks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const step0 = span / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** Tick positions (log10 units) for a log axis: 1-2-5 steps per decade, or linear ones within a decade. */
function logTicks(l0: number, l1: number): number[] {
  const out: number[] = [];
  for (let k = Math.floor(l0); k <= Math.ceil(l1); k++)
    for (const m of [1, 2, 5]) out.push(Math.log10(m * 10 ** k));
  const inside = out.filter((t) => t >= l0 && t <= l1);
  return inside.length >= 3
    ? inside
    : ticks(10 ** l0, 10 ** l1)
        .filter((v) => v > 0)
        .map(Math.log10);
}

function panel(chart: Chart, ox: number): string {
  const pts = Object.values(chart.series)
    .flat()
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!chart.logY || y > 0));
  if (!pts.length)
    return `<text x="${ox + W / 2}" y="${H / 2}" text-anchor="middle">${esc(chart.title)}: no data</text>`;
  const fy = chart.logY ? Math.log10 : (v: number) => v;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => fy(p[1]));
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const px = (x: number) => ox + M.l + ((x - x0) / (x1 - x0)) * (W - M.l - M.r);
  const py = (y: number) => M.t + (1 - (y - y0) / (y1 - y0)) * (H - M.t - M.b);
  const parts = [
    `<text x="${ox + W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(chart.title)}</text>`,
  ];
  parts.push(
    `<rect x="${ox + M.l}" y="${M.t}" width="${W - M.l - M.r}" height="${H - M.t - M.b}" fill="none" stroke="#999"/>`,
  );
  for (const t of ticks(x0, x1))
    parts.push(`<text x="${px(t)}" y="${H - M.b + 14}" text-anchor="middle">${fmt(t)}</text>`);
  const yt = chart.logY ? logTicks(y0, y1) : ticks(y0, y1);
  for (const t of yt) {
    const y = py(t);
    parts.push(`<line x1="${ox + M.l}" x2="${ox + W - M.r}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(
      `<text x="${ox + M.l - 4}" y="${y + 4}" text-anchor="end">${fmt(chart.logY ? 10 ** t : t)}</text>`,
    );
  }
  parts.push(`<text x="${ox + W / 2}" y="${H - 6}" text-anchor="middle">${esc(chart.xLabel)}</text>`);
  Object.entries(chart.series).forEach(([name, points], i) => {
    const c = COLORS[i % COLORS.length];
    const ok = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!chart.logY || y > 0));
    const d = ok.map(([x, y]) => `${px(x).toFixed(1)},${py(fy(y)).toFixed(1)}`).join(' ');
    const dash = chart.dashed?.includes(name) ? ' stroke-dasharray="6 4"' : '';
    if (ok.length > 1)
      parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5"${dash} points="${d}"/>`);
    else if (ok.length === 1)
      parts.push(`<circle cx="${px(ok[0][0])}" cy="${py(fy(ok[0][1]))}" r="3" fill="${c}"/>`);
    parts.push(
      `<text x="${ox + W - M.r - 6}" y="${M.t + 16 + 16 * i}" text-anchor="end" fill="${c}" stroke="white" stroke-width="3" paint-order="stroke">${esc(name)}</text>`,
    );
  });
  return parts.join('\n');
}

/** The charts side by side in one SVG document. */
export function renderCharts(charts: Chart[]): string {
  const body = charts.map((c, i) => panel(c, i * W)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W * charts.length}" height="${H}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
${body}
</svg>
`;
}
