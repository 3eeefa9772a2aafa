import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { fillFragments } from './fragments.ts';
import { pruneRoomFacts } from './prune.ts';
import type { MetricFilters, Shape } from './types.ts';

/**
 * Runs a metric's .sql file with the `room_facts` CTE (room-facts.sql) in front and its
 * {{...}} placeholders filled with fixed fragments (fragments.ts). The text is only ever
 * these files and fragments; every value goes in as a bound parameter.
 */
export async function runMetricSql<T>(
  db: Db,
  file: string,
  f: MetricFilters,
  shape: Shape = {},
  extra: { params?: Record<string, unknown>; fragments?: Record<string, string> } = {},
): Promise<T[]> {
  return db.query<T>(metricSql(file, f, shape, extra.fragments), { ...metricParams(f, shape), ...extra.params }, QUERY_SETTINGS);
}

export function metricSql(file: string, f: MetricFilters, shape: Shape = {}, fragments: Record<string, string> = {}): string {
  const outer = fillFragments(loadSql(import.meta.url, file), f, shape, fragments);
  const facts = pruneRoomFacts(fillFragments(loadSql(import.meta.url, 'room-facts.sql'), f, shape), outer);
  return `WITH room_facts AS (\n${facts}\n)\n${outer}`;
}

/** 64-bit integers as JSON numbers (counts and unix ms stay far below 2^53). */
export const QUERY_SETTINGS = { output_format_json_quote_64bit_integers: 0 };

/** The bound parameters every metric query takes. Times go in as unix-ms-based strings ClickHouse parses exactly. */
export function metricParams(f: MetricFilters, shape: Shape = {}): Record<string, unknown> {
  const lo = shape.previous ? f.from - (f.to - f.from) : f.from;
  const spans = f.office?.spans ?? [];
  return {
    account: f.account,
    lo: chTime(lo),
    split: chTime(f.from),
    hi: chTime(f.to),
    // service levels' "now": the end of the window unless a query gives min(to, now)
    until: chTime(f.to),
    tz: f.tz,
    channels: [...(f.channels ?? [])],
    agents: [...(f.agents ?? [])],
    atz: f.office?.tz ?? 'UTC',
    oh_dow: spans.map((s) => s.dow),
    oh_from: spans.map((s) => s.from),
    oh_to: spans.map((s) => s.to),
  };
}

/** Unix ms as a DateTime64(3, 'UTC') parameter value ("YYYY-MM-DD hh:mm:ss.mmm", UTC). */
export function chTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Groups' keys as the API shows them: null when rows are not grouped. */
export const groupKey = (shape: Shape, grp: string): string | null => (shape.group ? grp : null);

/**
 * The rows of a `group: 'sets'` query, apart: the whole window, per channel and per agent
 * (keys without their 'c:' / 'a:' prefix). One pass instead of three queries: each of them
 * paid the room_facts read and its analysis (about 30 ms at 10M events).
 */
export function splitSets<T>(rows: Array<{ key: string | null; value: T }>): { whole: T | undefined; channel: Array<{ key: string; value: T }>; agent: Array<{ key: string; value: T }> } {
  const out = { whole: undefined as T | undefined, channel: [] as Array<{ key: string; value: T }>, agent: [] as Array<{ key: string; value: T }> };
  for (const r of rows) {
    const k = r.key ?? '';
    if (k === '') out.whole = r.value;
    else if (k.startsWith('c:')) out.channel.push({ key: k.slice(2), value: r.value });
    else if (k.startsWith('a:')) out.agent.push({ key: k.slice(2), value: r.value });
  }
  return out;
}
