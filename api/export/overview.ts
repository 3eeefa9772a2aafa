import type { Writable } from 'node:stream';
import { CHANNELS } from '../../sql/metrics/types.ts';
import { emptySummary, summaryBy, summaryRows, summaryWithPrevious, type Summary } from '../../sql/metrics/summary.ts';
import { aboutHead, definitions, formatNotes, METRIC_KEYS, type BuildResult, type ReportInput } from './report.ts';
import { words, type Words } from './words.ts';
import { col, localized, StreamingWorkbook, writeAbout, type Column, type Kind } from './sheet.ts';
import { dateIn, localTime, fromLocal } from '../../core/time.ts';

/** One KPI line of the Summary sheet: its label, kind and how to read it from a Summary. */
interface Kpi {
  /** English, translated when written (words.ts); {n} filled from n */
  label: string;
  n?: string;
  kind: Kind;
  get: (s: Summary) => number | null;
}

const KPIS: Kpi[] = [
  { label: 'Total chats', kind: 'int', get: (s) => s.total_chats },
  { label: 'Chats started by the customer (inbound)', kind: 'int', get: (s) => s.chats_by_origin.inbound },
  { label: 'Chats started by a broadcast', kind: 'int', get: (s) => s.chats_by_origin.broadcast },
  { label: 'Chats started by the business (outbound)', kind: 'int', get: (s) => s.chats_by_origin.outbound },
  { label: 'Response time, average', kind: 'duration', get: (s) => s.response_time.avg_s },
  { label: 'Response time, median', kind: 'duration', get: (s) => s.response_time.p50_s },
  { label: 'Response time, 90th percentile', kind: 'duration', get: (s) => s.response_time.p90_s },
  { label: 'Rooms resolved (with a response time)', kind: 'int', get: (s) => s.response_time.count },
  { label: 'First response time, average', kind: 'duration', get: (s) => s.first_response_time.avg_s },
  { label: 'First response time, median', kind: 'duration', get: (s) => s.first_response_time.p50_s },
  { label: 'First response time, 90th percentile', kind: 'duration', get: (s) => s.first_response_time.p90_s },
  { label: 'Rooms with a first response', kind: 'int', get: (s) => s.first_response_time.count },
  { label: 'CSAT responses', kind: 'int', get: (s) => s.csat.responses },
  { label: 'CSAT average score (1-5)', kind: 'score', get: (s) => s.csat.avg_score },
  { label: 'CSAT % (scores 4 and 5)', kind: 'percent', get: (s) => s.csat.csat_pct },
  { label: 'CSAT response rate', kind: 'percent', get: (s) => s.csat.response_rate },
  ...(['1', '2', '3', '4', '5'] as const).map((k) => ({ label: `CSAT score {n}`, n: k, kind: 'int' as Kind, get: (s: Summary) => s.csat.scores[k] })),
];

/** (this - previous) / previous as a percentage, null when there is nothing to compare with. */
const change = (cur: number | null, prev: number | null): number | null => (cur === null || prev === null || prev === 0 ? null : (100 * (cur - prev)) / prev);

/** The metric columns shared by the daily, per-channel and per-agent sheets. */
function metricColumns<R>(w: Words, get: (r: R) => Summary): Array<Column<R>> {
  return localized(w, [
    col('Total chats', 'int', (r) => get(r).total_chats),
    col('Inbound', 'int', (r) => get(r).chats_by_origin.inbound),
    col('Broadcast', 'int', (r) => get(r).chats_by_origin.broadcast),
    col('Outbound', 'int', (r) => get(r).chats_by_origin.outbound),
    col('Response time avg', 'duration', (r) => get(r).response_time.avg_s),
    col('Response time median', 'duration', (r) => get(r).response_time.p50_s),
    col('Response time p90', 'duration', (r) => get(r).response_time.p90_s),
    col('Rooms resolved', 'int', (r) => get(r).response_time.count),
    col('First response avg', 'duration', (r) => get(r).first_response_time.avg_s),
    col('First response median', 'duration', (r) => get(r).first_response_time.p50_s),
    col('First response p90', 'duration', (r) => get(r).first_response_time.p90_s),
    col('Rooms first responded', 'int', (r) => get(r).first_response_time.count),
    col('CSAT responses', 'int', (r) => get(r).csat.responses),
    col('CSAT avg score', 'score', (r) => get(r).csat.avg_score),
    col('CSAT %', 'percent', (r) => get(r).csat.csat_pct),
    col('CSAT response rate', 'percent', (r) => get(r).csat.response_rate),
  ]);
}

/** Local midnights of every day that [from, to) touches. */
function daysOf(tz: string, from: number, to: number): number[] {
  const { y, m, d } = localTime(tz, from);
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const t = fromLocal(tz, y, m, d + i);
    if (t >= to) break;
    out.push(t);
  }
  return out;
}

/**
 * The overview workbook: the period's KPIs against the period of the same length before
 * it, every day of the period (days without chats included), every channel and every
 * agent, from the same functions as GET .../metrics/summary.
 */
export async function buildOverview(input: ReportInput, out: Writable): Promise<BuildResult> {
  const { db, filters: f } = input;
  const tz = f.tz;
  const [cmp, daily, channels, agents] = await Promise.all([
    summaryWithPrevious(db, f, input.compare),
    summaryRows(db, f, { interval: 'day' }),
    summaryBy(db, f, 'channel'),
    summaryBy(db, f, 'agent'),
  ]);
  const book = new StreamingWorkbook(out, tz, input.workbook);
  const w = words(input.lang);
  const span = (from: number, to: number) => w('{from} to {to}', { from: dateIn(tz, from), to: dateIn(tz, to - 1) });

  const summary = book.table<Kpi>(w('Summary'), [
    col(w('Metric'), 'text', (k) => w(k.label, k.n ? { n: k.n } : undefined), 42),
    { ...col(w('This period ({span})', { span: span(f.from, f.to) }), 'int', (k: Kpi) => k.get(cmp.current), 26), kindOf: (k: Kpi) => k.kind },
    { ...col(w('Previous period ({span})', { span: span(cmp.previousFrom, cmp.previousTo) }), 'int', (k: Kpi) => k.get(cmp.previous), 26), kindOf: (k: Kpi) => k.kind },
    col(w('Change'), 'percent', (k) => change(k.get(cmp.current), k.get(cmp.previous)), 10),
  ]);
  await summary.addAll(KPIS);
  let rows = summary.finish();

  const byDay = new Map(daily.map((r) => [r.bucket, r.value]));
  const days = book.table<number>(w('Daily'), [col(w('Date'), 'date', (t) => t), ...metricColumns<number>(w, (t) => byDay.get(t) ?? emptySummary())]);
  await days.addAll(daysOf(tz, f.from, f.to));
  rows += days.finish();

  // Every channel is listed (a fixed breakdown), those without chats as zeros.
  const byChannel = new Map(channels.map((r) => [r.key, r.value]));
  const chTable = book.table<string>(w('By channel'), [col(w('Channel'), 'text', (c) => w.channel(c), 14), ...metricColumns<string>(w, (c) => byChannel.get(c) ?? emptySummary())]);
  await chTable.addAll(CHANNELS);
  rows += chTable.finish();

  const agTable = book.table<{ key: string; value: Summary }>(w('By agent'), [
    col(w('Agent'), 'text', (a) => w.agent(a.key), 20),
    ...metricColumns<{ key: string; value: Summary }>(w, (a) => a.value),
  ]);
  await agTable.addAll(agents);
  rows += agTable.finish();

  writeAbout(book, w, [
    ...aboutHead(input, w, w('Overview: total chats, response times and CSAT'), w('the same queries as GET /api/v1/accounts/{account}/metrics/summary', { account: input.account })),
    [w('Previous period'), w('{span}: the period compared with; "Change" is (this - previous) / previous', { span: span(cmp.previousFrom, cmp.previousTo) })],
    ...definitions(w, METRIC_KEYS),
    ...formatNotes(w),
  ]);
  await book.commit();
  return { rows, sheets: [...summary.sheetNames, ...days.sheetNames, ...chTable.sheetNames, ...agTable.sheetNames, w('About')] };
}
