/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32). Streams differ
 * from PyTorch's, but a seed gives the same stream on every device and platform.
 */
export class Generator {
  private s = new Uint32Array(4);
  private initial = 0;
  private spareNormal: number | null = null;

  constructor(seed = 67280421310721) {
    this.manualSeed(seed);
  }

  manualSeed(seed: number | bigint): this {
    const big = BigInt(seed);
    this.initial = Number(big & 0xffffffffffffn);
    let x = Number(big & 0xffffffffn) ^ Number((big >> 32n) & 0xffffffffn);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
    this.spareNormal = null;
    return this;
  }

  initialSeed(): number {
    return this.initial;
  }

  getState(): Uint32Array {
    return Uint32Array.from([...this.s, this.spareNormal === null ? 0 : 1]);
  }

  setState(state: Uint32Array): this {
    this.s.set(state.subarray(0, 4));
    this.spareNormal = null;
    return this;
  }

  /** A uniform 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The generator used when none is passed (torch.default_generator). */
export const defaultGenerator = new Generator();

/** torch.manual_seed. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
