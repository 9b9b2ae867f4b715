/**
 * The main job until the nn packages land: a two-layer MLP written with raw tensor ops and
 * autograd, trained with plain SGD on generated data (two interleaved spirals, 3 classes).
 *
 *   pnpm train            # or: node apps/examples/dist/mlp.js --steps 300
 */
import { cpuBackend } from '@kindling/kernels-cpu';
import { manualSeed, noGrad, randn, registerBackend, type Tensor, tensor } from '@kindling/tensor';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Spirals: class k's points wind around the origin at angle offset 2πk/3, with noise. */
function spirals(perClass: number, classes: number): { x: Tensor; y: Tensor } {
  const xs = new Float32Array(perClass * classes * 2);
  const ys = new Int32Array(perClass * classes);
  const noise = randn([perClass * classes, 2]).dataSync();
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      const r = i / perClass;
      const t = (k * 4 + 4 * r) * 1.0 + noise[(k * perClass + i) * 2] * 0.2;
      const j = k * perClass + i;
      xs[2 * j] = r * Math.sin(t);
      xs[2 * j + 1] = r * Math.cos(t);
      ys[j] = k;
    }
  }
  return {
    x: tensor(xs, { shape: [perClass * classes, 2] }),
    y: tensor(ys, { shape: [perClass * classes] }),
  };
}

/** Cross-entropy over class indices, from log-softmax and a gather. */
function crossEntropy(logits: Tensor, y: Tensor): Tensor {
  const logp = logits.logSoftmax(1);
  return logp.gather(1, y.unsqueeze(1)).mean().neg();
}

function main() {
  registerBackend(cpuBackend);
  manualSeed(0);
  const steps = arg('steps', 400);
  const hidden = arg('hidden', 64);
  const lr = arg('lr', 0.5);
  const { x, y } = spirals(200, 3);
  const { x: xTest, y: yTest } = spirals(100, 3);

  // parameters with PyTorch's Linear initialisation scale
  const w1 = randn([2, hidden])
    .mul(Math.sqrt(2 / 2))
    .requiresGrad_();
  const b1 = randn([hidden]).mul(0).requiresGrad_();
  const w2 = randn([hidden, hidden])
    .mul(Math.sqrt(2 / hidden))
    .requiresGrad_();
  const b2 = randn([hidden]).mul(0).requiresGrad_();
  const w3 = randn([hidden, 3])
    .mul(Math.sqrt(1 / hidden))
    .requiresGrad_();
  const b3 = randn([3]).mul(0).requiresGrad_();
  const params = [w1, b1, w2, b2, w3, b3];
  const forward = (inp: Tensor) => inp.matmul(w1).add(b1).relu().matmul(w2).add(b2).relu().matmul(w3).add(b3);
  const accuracy = (inp: Tensor, target: Tensor) =>
    Number(forward(inp).argmax(1).eq(target).float().mean().dataSync()[0]);

  console.log(
    `Kindling MLP on generated spirals: 2 -> ${hidden} -> ${hidden} -> 3, SGD lr ${lr}, ${steps} steps`,
  );
  const t0 = performance.now();
  let first = Number.NaN;
  let last = Number.NaN;
  for (let step = 1; step <= steps; step++) {
    const loss = crossEntropy(forward(x), y);
    for (const p of params) p.grad = null;
    loss.backward();
    noGrad(() => {
      for (const p of params) p.sub_((p.grad as Tensor).mul(lr));
    });
    last = Number(loss.dataSync()[0]);
    if (step === 1) first = last;
    if (step === 1 || step % 50 === 0 || step === steps) {
      const acc = noGrad(() => accuracy(x, y));
      const rate = (step / (performance.now() - t0)) * 1000;
      console.log(
        `step ${String(step).padStart(4)}  loss ${last.toFixed(4)}  train acc ${(acc * 100).toFixed(1)}%  ${rate.toFixed(0)} steps/s`,
      );
    }
  }
  const testAcc = noGrad(() => accuracy(xTest, yTest));
  console.log(
    `done in ${((performance.now() - t0) / 1000).toFixed(1)} s: loss ${first.toFixed(4)} -> ${last.toFixed(4)}, test accuracy ${(testAcc * 100).toFixed(1)}%`,
  );
  if (!(last < first)) process.exitCode = 1;
}

main();
