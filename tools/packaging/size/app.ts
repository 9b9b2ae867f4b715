/**
 * The size-budget app: what a small training script pulls in from the published builds. A
 * bundler that tree-shakes (esbuild, platform browser, minified) must keep this within the
 * budget in .size-limit.json, and must not drag in recurrent, transformer or WebGPU code.
 */
import { cpuBackend } from '@kindling/kernels-cpu';
import { Linear, ReLU, Sequential } from '@kindling/nn-layers';
import { MSELoss } from '@kindling/nn-losses';
import { SGD } from '@kindling/optim';
import { randn, registerBackend, type Tensor } from '@kindling/tensor';

export async function train(steps = 100): Promise<number[]> {
  registerBackend(cpuBackend);
  const model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 1));
  const opt = new SGD(model.parameters(), { lr: 0.05 });
  const lossFn = new MSELoss();
  const x = randn([64, 4]);
  const y = x.sum(1, true);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = lossFn.call(model.call(x) as Tensor, y);
    loss.backward();
    opt.step();
    losses.push(await loss.item());
  }
  return losses;
}
