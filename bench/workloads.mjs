// W1-W7 of ../shared/bench/anchors/README.md, written against Kindling's public API. Layers come
// from the nn packages when they are built; until then the same math is written with tensor ops.
import { round, timeIt } from './harness.mjs';

const sync = (t) => async () => {
  await t().data();
};

function linearParams(K, inF, outF) {
  const bound = 1 / Math.sqrt(inF);
  const w = K.rand([outF, inF]).mul(2 * bound).sub(bound).requiresGrad_();
  const b = K.rand([outF]).mul(2 * bound).sub(bound).requiresGrad_();
  return { w, b, f: (x) => x.matmul(w.t()).add(b) };
}

function crossEntropy(K, logits, y) {
  if (K.crossEntropy) return K.crossEntropy(logits, y);
  return logits.logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg();
}

function sgdStep(K, params, lr) {
  K.noGrad(() => {
    for (const p of params) p.sub_(p.grad.mul(lr));
  });
  for (const p of params) p.grad = null;
}

export const WORKLOADS = [
  {
    id: 'DISPATCH_add_tiny',
    metric: 'dispatch_overhead',
    unit: 'us/op',
    async run(K, o) {
      const a = K.rand([4]);
      const b = K.rand([4]);
      let c = a;
      const r = await timeIt(() => {
        for (let i = 0; i < 100; i++) c = a.add(b);
      }, sync(() => c), o);
      return { metric: 'dispatch_overhead', value: round((r.ms_per_iter * 1000) / 100, 3), unit: 'us/op', ...r, op: 'a.add(b), 4 floats' };
    },
  },
  ...[128, 512, 1024].map((n) => ({
    id: `W1_matmul_N${n}`,
    metric: 'throughput',
    unit: 'GFLOP/s',
    async run(K, o) {
      const a = K.rand([n, n]);
      const b = K.rand([n, n]);
      let c = a;
      const r = await timeIt(() => {
        c = a.matmul(b);
      }, sync(() => c), o);
      return { metric: 'throughput', value: round((2 * n ** 3) / (r.ms_per_iter * 1e6), 4), unit: 'GFLOP/s', ...r };
    },
  })),
  {
    id: 'W2_mlp_train',
    metric: 'train_steps',
    unit: 'steps/s',
    async run(K, o) {
      const l1 = linearParams(K, 784, 256);
      const l2 = linearParams(K, 256, 128);
      const l3 = linearParams(K, 128, 10);
      const params = [l1.w, l1.b, l2.w, l2.b, l3.w, l3.b];
      const x = K.randn([128, 784]);
      const y = K.randint(0, 10, [128]);
      let loss = null;
      const r = await timeIt(() => {
        const h = l3.f(l2.f(l1.f(x).relu()).relu());
        loss = crossEntropy(K, h, y);
        loss.backward();
        sgdStep(K, params, 0.01);
      }, sync(() => loss), o);
      return { metric: 'train_steps', value: round(1000 / r.ms_per_iter, 4), unit: 'steps/s', ...r, batch: 128 };
    },
  },
  {
    id: 'W3_cnn_train',
    metric: 'train_steps',
    unit: 'steps/s',
    async run(K, o) {
      const conv = (cin, cout) => {
        const bound = 1 / Math.sqrt(cin * 9);
        const w = K.rand([cout, cin, 3, 3]).mul(2 * bound).sub(bound).requiresGrad_();
        const b = K.rand([cout]).mul(2 * bound).sub(bound).requiresGrad_();
        return { w, b, f: (x) => K.conv2d(x, w, b, { padding: 1 }) };
      };
      const c1 = conv(1, 16);
      const c2 = conv(16, 32);
      const fc = linearParams(K, 1568, 10);
      const params = [c1.w, c1.b, c2.w, c2.b, fc.w, fc.b];
      const x = K.randn([64, 1, 28, 28]);
      const y = K.randint(0, 10, [64]);
      let loss = null;
      const r = await timeIt(() => {
        let h = K.maxPool2d(c1.f(x).relu(), 2);
        h = K.maxPool2d(c2.f(h).relu(), 2);
        loss = crossEntropy(K, fc.f(h.flatten(1)), y);
        loss.backward();
        sgdStep(K, params, 0.01);
      }, sync(() => loss), o);
      return { metric: 'train_steps', value: round(1000 / r.ms_per_iter, 4), unit: 'steps/s', ...r, batch: 64, layout: 'NCHW' };
    },
  },
  {
    id: 'W4_lstm_train',
    metric: 'train_steps',
    unit: 'steps/s',
    async run(K, o) {
      if (!K.LSTM || !K.Linear) throw new Error('needs @kindling/nn-rnn (not built)');
      const lstm = new K.LSTM(64, 128, { batchFirst: true });
      const head = new K.Linear(128, 64);
      const params = [...lstm.parameters(), ...head.parameters()];
      const x = K.randn([32, 32, 64]);
      const t = K.randn([32, 64]);
      let loss = null;
      const r = await timeIt(() => {
        const [out] = lstm.call(x);
        const pred = head.call(out.select(1, -1));
        loss = pred.sub(t).pow(2).mean();
        loss.backward();
        sgdStep(K, params, 0.01);
      }, sync(() => loss), o);
      return { metric: 'train_steps', value: round(1000 / r.ms_per_iter, 4), unit: 'steps/s', ...r, batch: 32, seq: 32 };
    },
  },
  ...['W5a_transformer_infer', 'W5b_transformer_fwd_bwd'].map((id) => ({
    id,
    metric: 'iters',
    unit: 'iters/s',
    async run(K, o) {
      if (!K.TransformerEncoderLayer) throw new Error('needs @kindling/nn-transformer (not built)');
      const layer = new K.TransformerEncoderLayer(128, 4, { dimFeedforward: 512, dropout: 0, batchFirst: true });
      const x = K.randn([16, 64, 128]);
      let out = null;
      const fwdOnly = id.startsWith('W5a');
      if (fwdOnly) layer.eval();
      const r = await timeIt(() => {
        if (fwdOnly) out = K.noGrad(() => layer.call(x));
        else {
          out = layer.call(x).sum();
          out.backward();
        }
      }, sync(() => out), o);
      return { metric: 'iters', value: round(1000 / r.ms_per_iter, 4), unit: 'iters/s', ...r };
    },
  })),
  {
    id: 'W6_conv2d_infer',
    metric: 'throughput',
    unit: 'GFLOP/s',
    async run(K, o) {
      const x = K.randn([1, 64, 56, 56]);
      const w = K.randn([64, 64, 3, 3]).mul(0.05);
      const b = K.randn([64]);
      let y = null;
      const r = await timeIt(() => {
        y = K.noGrad(() => K.conv2d(x, w, b, { padding: 1 }));
      }, sync(() => y), o);
      return { metric: 'throughput', value: round((2 * 64 * 64 * 9 * 56 * 56) / (r.ms_per_iter * 1e6), 4), unit: 'GFLOP/s', ...r, layout: 'NCHW', bias: true };
    },
  },
  {
    id: 'W7_elementwise',
    metric: 'effective_bw',
    unit: 'GB/s',
    async run(K, o) {
      const x = K.rand([4194304]);
      let y = null;
      const r = await timeIt(() => {
        y = x.mul(2).add(1).relu();
      }, sync(() => y), o);
      return { metric: 'effective_bw', value: round((8 * 4194304) / (r.ms_per_iter * 1e6), 4), unit: 'GB/s', ...r, variant: 'relu(x*2+1)' };
    },
  },
];
