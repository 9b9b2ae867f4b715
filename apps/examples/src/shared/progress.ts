/** Metrics shown after the bar: numbers print with 4 significant decimals, strings as they are. */
export type Metrics = Record<string, number | string>;

export interface ProgressOptions {
  total: number;
  label?: string;
  /** What is counted, for the speed (`samples/s`). */
  unit?: string;
  /** Where lines go when the output is not a terminal (default console.log). */
  log?: (line: string) => void;
  /** Force the plain periodic lines even on a terminal (and no output at all with `false` log). */
  plain?: boolean;
}

const fmtTime = (s: number) => {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  const r = Math.floor(s % 60);
  return m >= 60
    ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(r).padStart(2, '0')}`
    : `${m}:${String(r).padStart(2, '0')}`;
};
const fmtMetric = (v: number | string) =>
  typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4)) : v;

/**
 * A one-line progress bar with metrics, speed and ETA: redrawn in place on a terminal (at most
 * ten times a second), plain lines every 10 s and at each quarter otherwise.
 */
export class Progress {
  private done = 0;
  private readonly t0 = performance.now();
  private lastDraw = 0;
  private lastQuarter = 0;
  private metrics: Metrics = {};
  private readonly tty: boolean;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: ProgressOptions) {
    this.tty = !opts.plain && !opts.log && Boolean(process.stdout.isTTY);
    this.log = opts.log ?? ((line) => console.log(line));
  }

  get elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** `n` more units done; `metrics` replace the shown ones. */
  tick(n = 1, metrics?: Metrics): void {
    this.done = Math.min(this.opts.total, this.done + n);
    if (metrics) this.metrics = { ...this.metrics, ...metrics };
    const now = performance.now();
    const quarter = Math.floor((4 * this.done) / this.opts.total);
    if (this.tty) {
      if (now - this.lastDraw > 100 || this.done === this.opts.total) {
        process.stdout.write(`\r${this.fit(this.line(true))}\x1b[K`);
        this.lastDraw = now;
      }
    } else if (this.done < this.opts.total && (now - this.lastDraw > 10_000 || quarter > this.lastQuarter)) {
      this.log(this.line(false));
      this.lastDraw = now;
      this.lastQuarter = quarter;
    }
  }

  /** Ends the bar (a newline on a terminal). */
  finish(metrics?: Metrics): void {
    if (metrics) this.metrics = { ...this.metrics, ...metrics };
    if (this.tty) process.stdout.write(`\r${this.fit(this.line(true))}\x1b[K\n`);
    else this.log(this.line(false));
  }

  /** Cut to the terminal's width: a wrapped line cannot be redrawn in place. */
  private fit(line: string): string {
    const cols = process.stdout.columns || 120;
    return line.length < cols ? line : line.slice(0, cols - 1);
  }

  private line(bar: boolean): string {
    const { total, label = '', unit = 'it' } = this.opts;
    const frac = total ? this.done / total : 1;
    const t = this.elapsed;
    const rate = t > 0 ? this.done / t : 0;
    const eta = rate > 0 ? (total - this.done) / rate : Number.POSITIVE_INFINITY;
    const width = 24;
    const filled = Math.round(frac * width);
    const head = bar ? `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]` : '';
    const ms = Object.entries(this.metrics).map(([k, v]) => `${k} ${fmtMetric(v)}`);
    const pct = `${String(Math.floor(frac * 100)).padStart(3)}%`;
    const speed = `${rate >= 10 ? rate.toFixed(0) : rate.toFixed(2)} ${unit}/s`;
    const time = this.done === total ? `${fmtTime(t)} elapsed` : `ETA ${fmtTime(eta)}`;
    return [label, head, pct, `${this.done}/${total}`, ...ms, speed, time].filter(Boolean).join('  ');
  }
}
