/**
 * Trains a small CNN on WebGPU in the page (navigator.gpu through @kindling/kernels-gpu) and shows
 * the loss, the test accuracy and predictions on test images as it goes. Everything the page
 * shows is also on `window.__demo`, which the Playwright test reads.
 *
 * URL options: steps (300), batch (32), lr (0.003), eval (every 25 steps), seed (0),
 * data ('auto': the embedded Fashion-MNIST subset when the build found it, else synthetic;
 * 'synthetic'), samples (16 test images shown), test (at most 500 test images evaluated).
 */
import { cpuBackend } from '@kindling/kernels-cpu';
import { createWebGPUBackend } from '@kindling/kernels-gpu';
import { CrossEntropyLoss } from '@kindling/nn-losses';
import { Adam } from '@kindling/optim';
import { manualSeed, noGrad, registerBackend, scope, type Tensor, tensor } from '@kindling/tensor';
import { batchOf, type Dataset, parseSubset, rng, syntheticDataset } from './data.js';
import { smallCnn } from './model.js';

export interface DemoState {
  status: 'loading' | 'training' | 'done' | 'stopped' | 'error';
  error?: string;
  adapter?: string;
  data?: Dataset['kind'];
  classes?: string[];
  trainSize?: number;
  testSize?: number;
  steps: number;
  batch: number;
  step: number;
  /** Training loss of every step. */
  losses: number[];
  /** Test accuracy after `step` steps (step 0: before training). */
  evals: { step: number; accuracy: number }[];
  /** The shown test images: true label and the latest prediction. */
  samples: { label: number; pred: number }[];
  msPerStep?: number;
}

declare global {
  interface Window {
    __demo?: DemoState;
  }
}

const params = new URLSearchParams(location.search);
const num = (k: string, d: number) => {
  const v = Number(params.get(k));
  return params.has(k) && Number.isFinite(v) && v > 0 ? v : d;
};
const STEPS = Math.floor(num('steps', 300));
const BATCH = Math.floor(num('batch', 32));
const LR = num('lr', 0.003);
const EVAL_EVERY = Math.floor(num('eval', 25));
const SEED = Math.floor(num('seed', 0.5)) || 0;
const SAMPLES = Math.min(32, Math.floor(num('samples', 16)));
const TEST_LIMIT = Math.floor(num('test', 500));
const DATA = params.get('data') ?? 'auto';

const state: DemoState = {
  status: 'loading',
  steps: STEPS,
  batch: BATCH,
  step: 0,
  losses: [],
  evals: [],
  samples: [],
};
window.__demo = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusEl = $('status');
let stopRequested = false;
$('stop').addEventListener('click', () => {
  stopRequested = true;
});

function setStatus(s: DemoState['status'], text: string): void {
  state.status = s;
  statusEl.dataset.state = s;
  statusEl.textContent = text;
  $<HTMLButtonElement>('stop').disabled = s !== 'loading' && s !== 'training';
}

async function loadData(): Promise<Dataset> {
  if (DATA !== 'synthetic') {
    try {
      const res = await fetch(new URL('fashion-subset.bin', document.baseURI));
      if (res.ok) return parseSubset(await res.arrayBuffer());
    } catch {
      // no embedded subset: fall through to the synthetic set
    }
  }
  return syntheticDataset(2000, 500, SEED + 1);
}

/** The shown test images, each a canvas with its predicted and true label. */
function renderSamples(data: Dataset): (preds: ArrayLike<number>) => void {
  const host = $('samples');
  const cells: { el: HTMLElement; pred: HTMLElement }[] = [];
  const px = data.rows * data.cols;
  for (let i = 0; i < SAMPLES; i++) {
    const el = document.createElement('figure');
    el.className = 'sample';
    el.style.margin = '0';
    const c = document.createElement('canvas');
    c.width = data.cols;
    c.height = data.rows;
    const ctx = c.getContext('2d');
    if (ctx) {
      const img = ctx.createImageData(data.cols, data.rows);
      for (let j = 0; j < px; j++) {
        const v = 255 - data.test.images[i * px + j];
        img.data.set([v, v, v, 255], j * 4);
      }
      ctx.putImageData(img, 0, 0);
    }
    const pred = document.createElement('div');
    pred.className = 'pred';
    pred.textContent = '…';
    const truth = document.createElement('div');
    truth.className = 'truth';
    truth.textContent = data.classes[data.test.labels[i]];
    el.append(c, pred, truth);
    host.append(el);
    cells.push({ el, pred });
    state.samples.push({ label: data.test.labels[i], pred: -1 });
  }
  return (preds) => {
    cells.forEach((cell, i) => {
      const p = preds[i];
      state.samples[i].pred = p;
      cell.pred.textContent = data.classes[p] ?? '?';
      cell.el.className = `sample ${p === state.samples[i].label ? 'right' : 'wrong'}`;
    });
  };
}

function drawChart(): void {
  const canvas = $<HTMLCanvasElement>('chart');
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width: w, height: h } = canvas;
  const pad = 28;
  const padR = 40;
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = '#e2e5ea';
  ctx.fillStyle = '#5b6475';
  ctx.font = '11px system-ui, sans-serif';
  for (let i = 0; i <= 4; i++) {
    const y = pad / 2 + ((h - pad) * i) / 4;
    ctx.beginPath();
    ctx.moveTo(pad, y);
    ctx.lineTo(w - padR, y);
    ctx.stroke();
    ctx.fillText(`${100 - i * 25}%`, w - padR + 4, y + 4);
  }
  const losses = state.losses;
  const maxLoss = Math.max(2.5, ...losses.slice(0, 5));
  ctx.fillText(maxLoss.toFixed(1), 2, pad / 2 + 4);
  ctx.fillText('0', 2, h - pad / 2 + 4);
  const x = (step: number) => pad + ((w - pad - padR) * step) / Math.max(1, state.steps);
  const yLoss = (l: number) => pad / 2 + (h - pad) * (1 - Math.min(l, maxLoss) / maxLoss);
  const yAcc = (a: number) => pad / 2 + (h - pad) * (1 - a);
  ctx.strokeStyle = 'rgb(47 111 222 / 0.25)';
  ctx.beginPath();
  losses.forEach((l, i) => {
    if (i) ctx.lineTo(x(i + 1), yLoss(l));
    else ctx.moveTo(x(1), yLoss(l));
  });
  ctx.stroke();
  ctx.strokeStyle = '#2f6fde';
  ctx.lineWidth = 2;
  ctx.beginPath();
  let ema = losses[0] ?? 0;
  losses.forEach((l, i) => {
    ema = i ? 0.9 * ema + 0.1 * l : l;
    if (i) ctx.lineTo(x(i + 1), yLoss(ema));
    else ctx.moveTo(x(1), yLoss(ema));
  });
  ctx.stroke();
  ctx.lineWidth = 1;
  ctx.fillStyle = '#e07b00';
  for (const e of state.evals) {
    ctx.beginPath();
    ctx.arc(x(e.step), yAcc(e.accuracy), 3.5, 0, 2 * Math.PI);
    ctx.fill();
  }
}

async function main(): Promise<void> {
  if (!('gpu' in navigator) || !navigator.gpu) {
    throw new Error(
      'WebGPU is not available in this browser (no navigator.gpu): try a recent Chrome or Edge',
    );
  }
  registerBackend(cpuBackend); // images are assembled on the CPU, then uploaded
  const gpu = await createWebGPUBackend();
  registerBackend(gpu);
  state.adapter = gpu.adapterInfo || gpu.name;
  $('stat-adapter').textContent = state.adapter;

  const data = await loadData();
  if (data.test.n > TEST_LIMIT) {
    const px0 = data.rows * data.cols;
    const t = data.test;
    data.test = {
      images: t.images.subarray(0, TEST_LIMIT * px0),
      labels: t.labels.subarray(0, TEST_LIMIT),
      n: TEST_LIMIT,
    };
  }
  Object.assign(state, {
    data: data.kind,
    classes: data.classes,
    trainSize: data.train.n,
    testSize: data.test.n,
  });
  $('stat-data').textContent =
    data.kind === 'fashion-mnist'
      ? `Fashion-MNIST subset (${data.train.n} train / ${data.test.n} test)`
      : `synthetic shapes (${data.train.n} train / ${data.test.n} test)`;
  const showPreds = renderSamples(data);
  const px = data.rows * data.cols;

  manualSeed(SEED);
  const model = smallCnn(data.classes.length).to('webgpu');
  const opt = new Adam(model.parameters(), { lr: LR });
  const lossFn = new CrossEntropyLoss();

  // the test set lives on the GPU for the whole run
  const testIdx = Array.from({ length: data.test.n }, (_, i) => i);
  const { x: tx, y: ty } = batchOf(data.test, testIdx, px);
  const testX = tensor(tx, { shape: [data.test.n, 1, data.rows, data.cols], device: 'webgpu' });

  const evaluate = async (step: number) => {
    model.eval();
    const preds = scope(() => noGrad(() => (model.call(testX) as Tensor).argmax(1)));
    const p = await preds.data();
    preds.dispose();
    model.train();
    let right = 0;
    for (let i = 0; i < data.test.n; i++) if (Number(p[i]) === ty[i]) right++;
    const accuracy = right / data.test.n;
    state.evals.push({ step, accuracy });
    showPreds(Array.from(p.subarray(0, SAMPLES), Number));
    $('stat-acc').textContent = `${(accuracy * 100).toFixed(1)}% (step ${step})`;
    drawChart();
  };

  setStatus('training', 'Training on WebGPU…');
  await evaluate(0);

  const rand = rng(SEED + 7);
  let order: number[] = [];
  let pos = data.train.n;
  const nextBatch = () => {
    if (pos + BATCH > data.train.n) {
      order = Array.from({ length: data.train.n }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      pos = 0;
    }
    pos += BATCH;
    return order.slice(pos - BATCH, pos);
  };

  const t0 = performance.now();
  for (let step = 1; step <= STEPS; step++) {
    if (stopRequested) {
      setStatus('stopped', `Stopped after ${state.step} steps.`);
      return;
    }
    const { x, y } = batchOf(data.train, nextBatch(), px);
    const loss = scope(() => {
      const xb = tensor(x, { shape: [BATCH, 1, data.rows, data.cols], device: 'webgpu' });
      const yb = tensor(y, { shape: [BATCH], device: 'webgpu' });
      opt.zeroGrad();
      const l = lossFn.call(model.call(xb) as Tensor, yb);
      l.backward();
      opt.step();
      opt.zeroGrad();
      return l.detach();
    });
    const value = await loss.item();
    loss.dispose();
    state.losses.push(value);
    state.step = step;
    state.msPerStep = (performance.now() - t0) / step;
    $('stat-step').textContent = `${step} / ${STEPS}`;
    $('stat-loss').textContent = value.toFixed(4);
    $('stat-speed').textContent = `${state.msPerStep.toFixed(0)} ms/step`;
    if (step % EVAL_EVERY === 0 || step === STEPS) await evaluate(step);
    else drawChart();
  }
  const last = state.evals[state.evals.length - 1];
  setStatus('done', `Done: ${STEPS} steps, test accuracy ${(last.accuracy * 100).toFixed(1)}%.`);
}

main().catch((e: unknown) => {
  state.error = String((e as Error)?.stack ?? e);
  setStatus('error', `Error: ${(e as Error)?.message ?? e}`);
  console.error(e);
});
