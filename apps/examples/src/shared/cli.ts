import { parseArgs } from 'node:util';

type Flag = number | string | boolean;
type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
type Widen<T> = T extends number ? number : T extends boolean ? boolean : string;
export type Parsed<D extends Record<string, Flag>> = { [K in keyof D & string as Camel<K>]: Widen<D[K]> };

/** Flags every example takes. */
export const commonFlags = { device: 'cpu', seed: 0, out: '', help: false };

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * `--name value` flags typed by their defaults (numbers are checked), returned in camelCase.
 * `--help` prints `usage` and the flags with their defaults, then exits.
 */
export function parseCli<D extends Record<string, Flag>>(
  defaults: D,
  usage: string,
  argv = process.argv.slice(2),
): Parsed<D> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [k, v] of Object.entries(defaults))
    options[k] = { type: typeof v === 'boolean' ? 'boolean' : 'string' };
  // `pnpm train -- --epochs 5` hands the script a literal '--' first
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  if (values.help) {
    console.log(usage);
    for (const [k, v] of Object.entries(defaults))
      if (k !== 'help') console.log(`  --${k.padEnd(14)} default ${JSON.stringify(v)}`);
    process.exit(0);
  }
  const out: Record<string, Flag> = {};
  for (const [k, d] of Object.entries(defaults)) {
    const raw = values[k];
    let v: Flag = d;
    if (raw !== undefined) {
      v = raw as string | boolean;
      if (typeof d === 'number') {
        v = Number(raw);
        if (!Number.isFinite(v)) throw new Error(`--${k} expects a number, got ${JSON.stringify(raw)}`);
      }
    }
    out[camel(k)] = v;
  }
  return out as Parsed<D>;
}

/** Runs an example's main, printing errors without a stack trace for bad flags. */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 1;
  });
}
