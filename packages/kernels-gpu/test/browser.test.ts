import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuBackend } from '@kindling/kernels-cpu';
import { registerBackend, type Tensor, tensor } from '@kindling/tensor';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * A forward and backward pass in headless Chromium on its WebGPU adapter (SwiftShader on a
 * machine without a GPU), compared with the same computation on the CPU in Node.
 */
const CHROMIUM = process.env.KINDLING_CHROMIUM ?? '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));
const required = process.env.KINDLING_REQUIRE_WEBGPU === '1';
const available = existsSync(CHROMIUM);
if (!available && required) throw new Error(`KINDLING_REQUIRE_WEBGPU=1 but no Chromium at ${CHROMIUM}`);

describe.skipIf(!available)(`browser (headless Chromium at ${CHROMIUM})`, () => {
  let server: Server | null = null;
  afterAll(() => server?.close());

  it('trains one step on navigator.gpu and matches the cpu', async () => {
    const bundle = await build({
      entryPoints: [join(here, 'browser', 'entry.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      conditions: ['@kindling/source'],
      // Dawn is the Node path only; the browser uses navigator.gpu
      external: ['webgpu'],
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0].text;
    const html = '<!doctype html><meta charset="utf-8"><script type="module" src="/main.js"></script>';
    server = createServer((req, res) => {
      const isJs = req.url === '/main.js';
      res.writeHead(200, { 'content-type': isJs ? 'text/javascript' : 'text/html' });
      res.end(isJs ? js : html);
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
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
      const page = await browser.newPage();
      const logs: string[] = [];
      page.on('console', (m) => logs.push(m.text()));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => (window as { __kindling?: unknown }).__kindling !== undefined, null, {
        timeout: 120_000,
      });
      const result = (await page.evaluate(() => (window as { __kindling?: unknown }).__kindling)) as {
        ok: boolean;
        error?: string;
        adapter?: string;
        loss: number;
        grad: number[];
      };
      expect(result.error ?? '', logs.join('\n')).toBe('');
      expect(result.ok).toBe(true);

      registerBackend(cpuBackend);
      const x = tensor([
        [0.5, -1, 2],
        [1.5, 0.25, -0.75],
      ]);
      const w = tensor([
        [0.1, -0.2],
        [0.3, 0.4],
        [-0.5, 0.6],
      ]).requiresGrad_();
      const y = tensor([1, 0]);
      const loss = x.matmul(w).tanh().logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg();
      loss.backward();
      expect(result.loss).toBeCloseTo(Number(loss.dataSync()[0]), 5);
      const g = Array.from((w.grad as Tensor).dataSync(), Number);
      for (let i = 0; i < g.length; i++) expect(result.grad[i]).toBeCloseTo(g[i], 5);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
