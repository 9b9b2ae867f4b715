import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Chart, renderCharts } from './svg.js';

/** Panels of a run's SVG: which series go together, against what. */
export interface ChartLayout {
  title: string;
  xLabel: string;
  series: string[];
  logY?: boolean;
  dashed?: string[];
}

/**
 * Curves and results of a run: `add` points to named series while training, then `write` puts
 * `<name>.json` (config, series, results) and `<name>.svg` (the curves) in the output directory.
 */
export class RunLog {
  readonly series: Record<string, Array<[number, number]>> = {};
  results: Record<string, unknown> = {};
  private readonly started = new Date().toISOString();

  constructor(
    readonly name: string,
    readonly config: Record<string, unknown>,
  ) {}

  add(series: string, x: number, y: number): void {
    (this.series[series] ??= []).push([x, y]);
  }

  last(series: string): number | undefined {
    const s = this.series[series];
    return s?.[s.length - 1]?.[1];
  }

  write(outDir: string, layout: ChartLayout[]): { json: string; svg: string } {
    const dir = resolve(outDir);
    mkdirSync(dir, { recursive: true });
    const json = join(dir, `${this.name}.json`);
    const svg = join(dir, `${this.name}.svg`);
    const doc = {
      name: this.name,
      started: this.started,
      finished: new Date().toISOString(),
      config: this.config,
      results: this.results,
      series: this.series,
    };
    writeFileSync(json, `${JSON.stringify(doc, null, 1)}\n`);
    const charts: Chart[] = layout.map((l) => ({
      title: l.title,
      xLabel: l.xLabel,
      logY: l.logY,
      dashed: l.dashed,
      series: Object.fromEntries(l.series.filter((s) => this.series[s]).map((s) => [s, this.series[s]])),
    }));
    writeFileSync(svg, renderCharts(charts));
    return { json, svg };
  }
}
