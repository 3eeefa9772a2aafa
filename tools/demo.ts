import { AccountSim, type AccountOptions } from './demo/account.ts';
import { DAY, TZ_MS, localDay } from './demo/calendar.ts';

export type { AccountOptions };
export { generateFleet } from './demo/fleet.ts';

/**
 * Seeded, deterministic generator of realistic SPEC.md event traffic, for the demo account,
 * tests and benchmark files. The same options always give byte-identical output (a small
 * PRNG, never Math.random, and no dependence on the current time unless passed in).
 *
 * Per account the simulation walks hour by hour: rooms start as a Poisson process shaped by
 * Jakarta office hours, each room's whole life (messages, assignment, resolve, CSAT) is
 * drawn at its start and queued, and the queue is drained in time order, so an account's
 * output is sorted by occurred_at. Memory is the queue of not-yet-due events (rooms that
 * are still going), not the output.
 *
 * The parts, under tools/demo/: random.ts (the PRNG), calendar.ts (Jakarta clock, traffic
 * shape of a week), queue.ts and events.ts (the time-ordered queue and the event builders),
 * rooms.ts (a room's life), billing.ts (plans, top-ups, adjustments), account.ts (one
 * account's hour-by-hour simulation) and fleet.ts (many accounts).
 */

/** One account's events, sorted by occurred_at (RFC 3339, +07:00, milliseconds). */
export function* generateAccountEvents(opts: AccountOptions): Generator<Record<string, unknown>> {
  yield* new AccountSim(opts, opts.roomsPerDay ?? 60).run();
}

/**
 * The demo account demo-co: 91 days ending at `now`, starting at a local midnight, ~50k events.
 * Mid-period the plan's free quotas shrink and prices rise, so spend outpaces the top-ups:
 * the balance stays positive but shrinks, and the run-out projection has something to show.
 */
export function* demoEvents(seed = 1, now: Date = new Date()): Generator<Record<string, unknown>> {
  const from = new Date((localDay(now.getTime()) - 91) * DAY - TZ_MS);
  yield* new AccountSim({ account: 'demo-co', seed, from, to: now }, 45, undefined, 1).run();
}
