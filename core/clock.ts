/**
 * "Now", as unix milliseconds (UTC). Everything that picks a report's default window, a
 * billing instant, a schedule's fire or a webhook's timestamp reads the app's clock
 * (`AppContext.clock`), never `Date.now()` itself, so a test (or `NOW=` for a spawned
 * server) can put the service at any moment and the numbers do not depend on the day the
 * suite runs. Durations that only measure elapsed time (cache ages, lock staleness,
 * timeouts) keep using the system's timers.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/**
 * A clock that reads `startMs` now and then runs at real speed (monotonic, so a system
 * clock that jumps does not move it): timers and cron fires still happen, at that moment.
 */
export function clockFrom(startMs: number): Clock {
  const t0 = performance.now();
  return () => startMs + Math.floor(performance.now() - t0);
}

/** The clock a process runs on: `NOW` (RFC 3339) starts it at that instant, else the system clock. */
export function clockFromEnv(now: string | undefined): Clock {
  if (!now) return systemClock;
  const ms = Date.parse(now);
  if (!Number.isFinite(ms) || !/(Z|[+-]\d{2}:\d{2})$/.test(now)) throw new Error(`NOW must be an RFC 3339 instant with a zone, got "${now}"`);
  return clockFrom(ms);
}
