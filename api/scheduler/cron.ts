import cron from 'node-cron';
import { isTimeZone, TIME_ZONE_ERROR } from '../../core/time.ts';

/** Why a cron expression is refused, in words, or null when node-cron accepts it. */
export function cronError(expr: string): string | null {
  if (typeof expr !== 'string' || !expr.trim()) return 'is required';
  // 5 fields (minute first) or 6 (second first); node-cron would also take nicknames, we keep to fields.
  const fields = expr.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6) return 'must have 5 fields (minute hour day month weekday) or 6 (second first)';
  const v = cron.validateDetailed(expr);
  if (!v.valid) return v.errors.map((e) => e.message).join('; ') || 'is not a valid cron expression';
  return null;
}

/**
 * Why a cron fires too often: the shortest gap between its next fires (at most 100 of
 * them, within 400 days of `from`) is under `minS` seconds; null when it is not. The gap
 * shows within the first period of any usual cron, and the scan stops at the first short
 * gap: node-cron's matcher costs ~10 ms a fire for a per-second cron, ~0.5 ms for a weekly one.
 */
export function cronTooFrequent(expr: string, tz: string, minS: number, from: Date): string | null {
  if (minS <= 0) return null;
  const times = new CronTimes(expr, tz);
  const end = from.getTime() + 400 * 86_400_000;
  let prev = times.next(from);
  for (let i = 0; i < 100 && prev.getTime() <= end; i++) {
    const next = times.next(prev);
    if (next.getTime() - prev.getTime() < minS * 1000) {
      return `fires ${(next.getTime() - prev.getTime()) / 1000} s apart (at ${prev.toISOString()} and ${next.toISOString()}); at least ${minS} s between fires (SCHEDULE_MIN_INTERVAL_S)`;
    }
    prev = next;
  }
  return null;
}

export const timeZoneError = (tz: string): string | null => (isTimeZone(tz) ? null : TIME_ZONE_ERROR);

interface Matcher {
  getNextMatch(after: Date): Date;
}

/**
 * The cron's fire times, as node-cron computes them (same parser, same time-zone rules).
 * node-cron v4 only offers "the next fires from now" publicly; its task keeps the matcher
 * that answers "the next fire after t" as a plain property, which catch-up needs. A test
 * (test/export-schedules.test.ts) pins this down so an upgrade that moves it fails loudly.
 */
export class CronTimes {
  private readonly matcher: Matcher;

  constructor(readonly expr: string, readonly tz: string) {
    const task = cron.createTask(expr, () => undefined, { timezone: tz });
    const m = (task as unknown as { timeMatcher?: Matcher }).timeMatcher;
    void task.destroy();
    if (!m || typeof m.getNextMatch !== 'function') throw new Error('node-cron no longer exposes its time matcher; see api/scheduler/cron.ts');
    this.matcher = m;
  }

  /** The first fire strictly after `t`. */
  next(t: Date): Date {
    return this.matcher.getNextMatch(t);
  }

  /**
   * The latest fire at or before `now`, or null when none after `notBefore`. Looks back in
   * growing windows (1 min, 1 h, 1 day, 32 days, 400 days, 5 years) and steps forward
   * through the first window that holds a fire: a per-second cron takes at most 60 steps,
   * a monthly one a handful.
   */
  latestAtOrBefore(now: Date, notBefore: Date): Date | null {
    const windowsMs = [60e3, 3600e3, 86400e3, 32 * 86400e3, 400 * 86400e3, 5 * 366 * 86400e3];
    for (const w of windowsMs) {
      const start = new Date(Math.max(now.getTime() - w, notBefore.getTime()));
      let fire = this.next(start);
      if (fire.getTime() > now.getTime()) {
        if (start.getTime() === notBefore.getTime()) return null;
        continue;
      }
      for (let steps = 0; steps < 100_000; steps++) {
        const after = this.next(fire);
        if (after.getTime() > now.getTime()) break;
        fire = after;
      }
      return fire;
    }
    return null;
  }
}
