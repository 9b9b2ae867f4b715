import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoState } from '../src/main.js';
import { buildFashionSubset } from '../fashion-subset.js';
import { run, tempDir } from '../../../tools/packaging/test/helpers.js';

/**
 * The browser demo end to end: builds the page with Vite (into a temp dir), serves it on
 * localhost, opens it in headless Chromium on its WebGPU adapter (SwiftShader on a machine without
 * a GPU) and checks that the CNN trains: the loss falls, the test accuracy rises, the sample
 * predictions are shown. The run is short (SwiftShader is slow); the page's defaults train longer.
 */
const CHROMIUM = process.env.KINDLING_CHROMIUM ?? '/usr/bin/chromium';
const required = process.env.KINDLING_REQUIRE_WEBGPU === '1';
const available = existsSync(CHROMIUM);
if (!available && required) throw new Error(`KINDLING_REQUIRE_WEBGPU=1 but no Chromium at ${CHROMIUM}`);

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const STEPS = 24;
const QUERY = `?steps=${STEPS}&batch=16&eval=12&test=200&lr=0.004&seed=0`;
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.bin': 'application/octet-stream',
};

function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    let file = normalize(join(dir, decodeURIComponent((req.url ?? '/').split('?')[0])));
    if (!file.startsWith(dir + sep) && file !== dir) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const title = available
  ? `web demo in headless Chromium (${CHROMIUM})`
  : `web demo (skipped: no Chromium at ${CHROMIUM}; install chromium or set KINDLING_CHROMIUM)`;

describe.skipIf(!available)(title, () => {
  const out = tempDir('web-demo');
  let server: Server | null = null;
  afterAll(() => {
    server?.close();
    out.cleanup();
  });

  it('builds with Vite, trains the CNN on navigator.gpu: loss falls, accuracy rises', async (ctx) => {
    const vite = join(
      dirname(createRequire(join(app, 'package.json')).resolve('vite/package.json')),
      'bin',
      'vite.js',
    );
    const built = await run(
      process.execPath,
      [vite, 'build', '--outDir', out.dir, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: app,
        timeout: 240_000,
      },
    );
    expect(built.code, `${built.stdout}\n${built.stderr}`).toBe(0);
    expect(existsSync(join(out.dir, 'index.html'))).toBe(true);
    const embedded = buildFashionSubset() !== null;
    expect(existsSync(join(out.dir, 'fashion-subset.bin'))).toBe(embedded);

    server = await serve(out.dir);
    const port = (server.address() as AddressInfo).port;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--enable-features=Vulkan',
        '--use-angle=swiftshader',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
      const logs: string[] = [];
      page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
      await page.goto(`http://127.0.0.1:${port}/${QUERY}`);
      await page.waitForFunction(
        () => ['done', 'error', 'stopped'].includes((window as { __demo?: DemoState }).__demo?.status ?? ''),
        null,
        { timeout: 540_000, polling: 1000 },
      );
      const s = (await page.evaluate(() => (window as { __demo?: DemoState }).__demo)) as DemoState;
      if (s.status === 'error' && !required && /navigator\.gpu|adapter/i.test(s.error ?? '')) {
        ctx.skip(`Chromium has no WebGPU adapter here: ${s.error}`);
      }
      expect(s.error ?? '', logs.join('\n')).toBe('');
      expect(s.status).toBe('done');
      expect(s.adapter).toBeTruthy();
      expect(s.data).toBe(embedded ? 'fashion-mnist' : 'synthetic');

      // the loss falls
      expect(s.losses).toHaveLength(STEPS);
      expect(s.losses.every(Number.isFinite)).toBe(true);
      const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
      const head = mean(s.losses.slice(0, 4));
      const tail = mean(s.losses.slice(-6));
      expect(tail, `losses ${s.losses.map((l) => l.toFixed(3)).join(' ')}`).toBeLessThan(head * 0.8);

      // the test accuracy rises (from chance before training)
      expect(s.evals.map((e) => e.step)).toEqual([0, 12, 24]);
      const [first, , last] = s.evals.map((e) => e.accuracy);
      expect(last, JSON.stringify(s.evals)).toBeGreaterThan(first + 0.15);
      expect(last).toBeGreaterThan(0.35);

      // the page shows it: status, sample predictions with labels
      expect(await page.textContent('#status')).toMatch(/^Done: 24 steps, test accuracy \d+\.\d%/);
      expect(s.samples).toHaveLength(16);
      for (const x of s.samples) expect(x.pred).toBeGreaterThanOrEqual(0);
      expect(await page.locator('#samples figure.sample').count()).toBe(16);
      expect(await page.locator('#samples figure.right').count()).toBe(
        s.samples.filter((x) => x.pred === x.label).length,
      );
      console.log(
        `web demo: ${s.adapter}; ${s.data}; loss ${head.toFixed(3)} -> ${tail.toFixed(3)}; test accuracy ${(first * 100).toFixed(1)}% -> ${(last * 100).toFixed(1)}%; ${s.msPerStep?.toFixed(0)} ms/step`,
      );
    } finally {
      await browser.close();
    }
  }, 600_000);
});
