import type { Writable } from 'node:stream';
import { getSettings } from '../../sql/settings.ts';
import { emptySla, slaRows, type SlaFigures, type SlaTargets } from '../../sql/metrics/sla.ts';
import { expiredOf, expiredRows, type Expired } from '../../sql/metrics/expired.ts';
import { CHANNELS } from '../../sql/metrics/types.ts';
import { splitSets } from '../../sql/metrics/query.ts';
import { officeTimeOf } from '../../sql/metrics/office-time.ts';
import { aboutHead, definitions, formatNotes, type BuildResult, type ReportInput } from './report.ts';
import { col, localized, StreamingWorkbook, writeAbout } from './sheet.ts';
import { words } from './words.ts';

/** One line of the Service levels sheet: all rooms, a channel or an agent. */
interface Line {
  scope: string;
  name: string;
  v: SlaFigures;
}

/**
 * The service-levels workbook: first response and resolution against settings.sla (met,
 * breached, pending, met %) for all rooms, per channel and per agent, and the windows that
 * expired unanswered per channel and agent: the numbers of GET .../metrics/sla and /expired.
 */
export async function buildService(input: ReportInput, out: Writable): Promise<BuildResult> {
  const { db, filters: f0 } = input;
  const w = words(input.lang);
  const s = (await getSettings(db, input.account)).sla;
  const t: SlaTargets = { first_response_s: s?.first_response_s ?? null, resolution_s: s?.resolution_s ?? null };
  // Service levels count office time when the targets say so, as GET .../metrics/sla does.
  const f = { ...f0, office: s?.business_hours ? await officeTimeOf(db, input.account) : null };
  const now = input.generatedAt;
  const [sla, ex] = await Promise.all([slaRows(db, f, t, now, { group: 'sets' }), expiredRows(db, f0, { group: 'sets' })]);
  const { whole: all, channel: byCh, agent: byAg } = splitSets(sla);
  const { whole: eAll, channel: eCh, agent: eAg } = splitSets(ex);
  const ch = new Map(byCh.map((r) => [r.key, r.value]));
  const lines: Line[] = [
    { scope: w('All rooms'), name: '', v: all ?? emptySla(t) },
    ...CHANNELS.map((c) => ({ scope: w('Channel'), name: w.channel(c), v: ch.get(c) ?? emptySla(t) })),
    ...byAg.map((r) => ({ scope: w('Agent'), name: w.agent(r.key), v: r.value })),
  ];
  const book = new StreamingWorkbook(out, f.tz, input.workbook);
  const levels = book.table<Line>(w('Service levels'), localized(w, [
    col('Scope', 'text', (l) => l.scope, 12),
    col('Name', 'text', (l) => l.name, 18),
    col('Rooms', 'int', (l) => l.v.first_response.rooms),
    col('First response met', 'int', (l) => l.v.first_response.met),
    col('First response breached', 'int', (l) => l.v.first_response.breached),
    col('First response pending', 'int', (l) => l.v.first_response.pending),
    col('First response met %', 'percent', (l) => l.v.first_response.met_pct),
    col('Resolution met', 'int', (l) => l.v.resolution.met),
    col('Resolution breached', 'int', (l) => l.v.resolution.breached),
    col('Resolution pending', 'int', (l) => l.v.resolution.pending),
    col('Resolution met %', 'percent', (l) => l.v.resolution.met_pct),
  ]));
  await levels.addAll(lines);
  let rows = levels.finish();

  const ech = new Map(eCh.map((r) => [r.key, r.value]));
  const eLines: Array<{ scope: string; name: string; v: Expired }> = [
    { scope: w('All rooms'), name: '', v: eAll ?? expiredOf(0, 0) },
    ...CHANNELS.map((c) => ({ scope: w('Channel'), name: w.channel(c), v: ech.get(c) ?? expiredOf(0, 0) })),
    ...eAg.map((r) => ({ scope: w('Agent'), name: w.agent(r.key), v: r.value })),
  ];
  const exp = book.table<(typeof eLines)[number]>(w('Expired windows'), localized(w, [
    col('Scope', 'text', (l) => l.scope, 12),
    col('Name', 'text', (l) => l.name, 18),
    col('Windows closed', 'int', (l) => l.v.rooms_with_inbound),
    col('Expired unanswered', 'int', (l) => l.v.expired_unanswered),
    col('Share expired', 'percent', (l) => l.v.pct),
  ]));
  await exp.addAll(eLines);
  rows += exp.finish();

  const target = (sec: number | null) => (sec === null ? w('none') : w('{n} seconds', { n: sec }));
  writeAbout(book, w, [
    ...aboutHead(input, w, w('Service levels and expired windows'), w('the same queries as GET /api/v1/accounts/{account}/metrics/sla and /metrics/expired', { account: input.account })),
    [w('Target set for the first response'), target(t.first_response_s)],
    [w('Target set for the resolution'), target(t.resolution_s)],
    ...definitions(w, ['sla_first_response', 'sla_resolution', 'expired_window', 'per_agent', 'periods']),
    ...formatNotes(w),
  ]);
  await book.commit();
  return { rows, sheets: [...levels.sheetNames, ...exp.sheetNames, w('About')] };
}
