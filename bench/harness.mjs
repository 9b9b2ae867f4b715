// The timing harness of ../shared/bench/anchors (same method, same output fields), for Kindling:
// warm up >= 0.5 s and >= 3 iterations, calibrate so one repeat takes >= minTime, time 5 repeats,
// report the median per-iteration time; read one value back after each repeat.
import { cpus } from 'node:os';

export function cpuTimes() {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

export async function timeIt(step, sync, { minTime = 1.0, repeats = 5, warmup = 0.5 } = {}) {
  let t0 = performance.now();
  let n = 0;
  while (n < 3 || (performance.now() - t0 < warmup * 1000 && performance.now() - t0 < 2000)) {
    await step();
    n++;
    if (performance.now() - t0 > 2000 && n >= 2) break;
  }
  await sync();
  const per = (performance.now() - t0) / n;
  const iters = Math.max(1, Math.ceil((minTime * 1000) / Math.max(per, 1e-3)));
  const times = [];
  const cpu0 = process.cpuUsage();
  const sys0 = cpuTimes();
  const w0 = performance.now();
  for (let r = 0; r < repeats; r++) {
    t0 = performance.now();
    for (let i = 0; i < iters; i++) await step();
    await sync();
    times.push((performance.now() - t0) / iters);
  }
  const wall = (performance.now() - w0) / 1000;
  const cpu1 = process.cpuUsage(cpu0);
  const sys1 = cpuTimes();
  const own = (cpu1.user + cpu1.system) / 1e6 / wall;
  const allBusy = (sys1.busy - sys0.busy) / 1000 / wall;
  const sorted = [...times].sort((a, b) => a - b);
  return {
    ms_per_iter: round(sorted[Math.floor(sorted.length / 2)]),
    repeats_ms: times.map(round),
    iters_per_repeat: iters,
    own_cpu: round(own, 3),
    others_cpu: round(Math.max(0, allBusy - own), 3),
  };
}

export function round(v, d = 5) {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}
