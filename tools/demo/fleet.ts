import { AccountSim } from './account.ts';
import { Rng, hash } from './random.ts';

/** A fleet of accounts of uneven size, for benchmarks and soak tests. */

/** Shares of the total per account: acct-01 has `biggest`, the rest decreasing and uneven, none above `biggest`. */
function fleetShares(accounts: number, biggest: number, seed: number): number[] {
  if (accounts <= 1) return [1];
  const r = new Rng(hash('fleet', seed));
  const raw = Array.from({ length: accounts - 1 }, (_, i) => (1 / (i + 1) ** 0.7) * r.range(0.75, 1.25));
  // Scale the rest to 1 - biggest; where that is possible, cap each at 0.95 * biggest and share the excess out.
  const cap = (1 - biggest) / (accounts - 1) < 0.95 * biggest ? 0.95 * biggest : Infinity;
  const capped = raw.map(() => false);
  let scale = 0;
  for (;;) {
    const nCapped = capped.filter(Boolean).length;
    scale = (1 - biggest - (nCapped ? nCapped * cap : 0)) / raw.reduce((a, x, i) => a + (capped[i] ? 0 : x), 0);
    const over = raw.map((x, i) => !capped[i] && x * scale > cap);
    if (!over.includes(true)) break;
    over.forEach((o, i) => o && (capped[i] = true));
  }
  const rest = raw.map((x, i) => (capped[i] ? cap : x * scale));
  return [biggest, ...rest];
}

/**
 * Events of `accounts` accounts (acct-01, acct-02, ...), one account after another, each sorted by time.
 * acct-01 has `biggestShare` of the events, the rest less and unevenly. Each account's room rate is
 * steered towards its share, so the total is `totalEvents` or a little under: within 0.1% over a month
 * or more, a few percent under for a week of tiny accounts (conversations still running at `to` are cut).
 */
export function* generateFleet(opts: { seed: number; accounts: number; totalEvents: number; from: Date; to: Date; biggestShare?: number }): Generator<Record<string, unknown>> {
  const shares = fleetShares(opts.accounts, opts.biggestShare ?? 0.2, opts.seed);
  const width = Math.max(2, String(opts.accounts).length);
  const targets = shares.map((s) => Math.floor(s * opts.totalEvents));
  targets[0] += opts.totalEvents - targets.reduce((a, b) => a + b, 0);
  for (let i = 0; i < opts.accounts; i++) {
    const account = `acct-${String(i + 1).padStart(width, '0')}`;
    const target = targets[i];
    if (target <= 0) continue;
    let n = 0;
    const sim = new AccountSim({ account, seed: opts.seed, from: opts.from, to: opts.to }, 1, target);
    for (const e of sim.run()) {
      yield e;
      if (++n >= target) break; // the steering lands just above or below; never over
    }
  }
}
