/** Seeded random numbers for the demo generator: never Math.random, so a seed always gives the same stream. */

/** mulberry32: a 32-bit state PRNG, fast and good enough for traffic simulation. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, to turn (seed, account) into a PRNG seed. */
export function hash(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Rng {
  readonly u: () => number;
  constructor(seed: number) {
    this.u = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.u() * n);
  }
  range(a: number, b: number): number {
    return a + (b - a) * this.u();
  }
  chance(p: number): boolean {
    return this.u() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** Index drawn with probability proportional to weights[i]. */
  weighted(weights: readonly number[]): number {
    let sum = 0;
    for (const w of weights) sum += w;
    let r = this.u() * sum;
    for (let i = 0; i < weights.length - 1; i++) if ((r -= weights[i]) < 0) return i;
    return weights.length - 1;
  }
  gauss(): number {
    return Math.sqrt(-2 * Math.log(1 - this.u())) * Math.cos(2 * Math.PI * this.u());
  }
  /** Log-normal duration in ms with the given median (ms) and spread (sigma of the log). */
  logn(median: number, sigma: number): number {
    return Math.round(median * Math.exp(sigma * this.gauss()));
  }
  poisson(lambda: number): number {
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.gauss()));
    const l = Math.exp(-lambda);
    let k = 0, p = this.u();
    while (p > l) {
      k++;
      p *= this.u();
    }
    return k;
  }
}
