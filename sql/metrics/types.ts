import { CHANNELS, type Channel } from '../../core/contract.ts';
import { INTERVALS, ORIGINS, type Durations, type Interval } from '../../core/wire/metrics.ts';

export type { Interval };
export type Origin = (typeof ORIGINS)[number];
export { CHANNELS, INTERVALS, ORIGINS, type Channel };

/**
 * What every metric is computed over. The window is half-open [from, to), unix ms (UTC);
 * `tz` (IANA, already validated) places calendar buckets. Empty `channels` / `agents`
 * mean all. `office` switches response-time durations to office time; null, absent or
 * without spans means calendar time.
 */
export interface MetricFilters {
  account: string;
  from: number;
  to: number;
  tz: string;
  channels?: readonly string[];
  agents?: readonly string[];
  office?: OfficeTime | null;
}

/** Office spans per ISO weekday (1 = Monday), minutes from local midnight in `tz` (the account's), [from, to). */
export interface OfficeTime {
  tz: string;
  spans: Array<{ dow: number; from: number; to: number }>;
}

/** How rows are split: per calendar bucket (`interval`), per channel or agent (`group`), and with the window before (`previous`). */
export interface Shape {
  interval?: Interval;
  /** 'sets': whole, per channel and per agent in one query (query.ts splitSets reads the keys) */
  group?: 'channel' | 'agent' | 'sets';
  /** Adds the window of the same length just before [from, to): its rows carry bucket = from - (to - from). */
  previous?: boolean;
}

/** One value of a metric: `bucket` is the bucket's start (unix ms), `key` the channel or agent ('' = none) or null when not grouped. */
export interface Row<T> {
  bucket: number;
  key: string | null;
  value: T;
}

/** Durations of rooms, seconds with milliseconds kept; null over no rooms (its wire schema: core/wire/metrics.ts). */
export type { Durations };
export const emptyDurations = (): Durations => ({ avg_s: null, p50_s: null, p90_s: null, count: 0 });

/** A record with every key of a fixed breakdown, counts from `m` (missing keys 0). */
export function fixedKeys<K extends string>(keys: readonly K[], m: Record<string, number> | undefined): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = Number(m?.[k] ?? 0);
  return out;
}
