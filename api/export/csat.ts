import type { Writable } from 'node:stream';
import { streamCsatResponses, type CsatResponse } from '../../sql/metrics/csat-responses.ts';
import { CsvTable } from './csv.ts';
import { aboutHead, definitions, formatNotes, type BuildResult, type ReportInput } from './report.ts';
import { col, localized, StreamingWorkbook, writeAbout, type Column } from './sheet.ts';
import { words, type Words } from './words.ts';

/** The fields of the CSAT responses list (GET .../csat/responses), time first, in the file's language. */
export const csatColumns = (w: Words): Array<Column<CsatResponse>> =>
  localized(w, [
    col('Submitted at', 'datetime', (r) => r.submitted_at),
    col('Score', 'int', (r) => r.score, 8),
    col('Comment', 'text', (r) => r.comment, 60),
    col('Agent', 'text', (r) => w.agent(r.agent_id), 18),
    col('Channel', 'text', (r) => w.channel(r.channel), 11),
    col('Room', 'text', (r) => r.room_id, 24),
    col('Contact', 'text', (r) => r.contact_id, 20),
  ]);

/** Opens the query before anything is written, so a failure is an error answer, not a broken file. */
const open = (input: ReportInput) => streamCsatResponses(input.db, input.filters);

/** Every CSAT answer of the period (the latest of each room, as the CSAT numbers count them), with a small score summary. */
export async function buildCsat(input: ReportInput, out: Writable): Promise<BuildResult> {
  const { rows, sorted } = await open(input);
  try {
    const book = new StreamingWorkbook(out, input.filters.tz, input.workbook);
    const w = words(input.lang);
    const table = book.table(w('Responses'), csatColumns(w));
    const scores = [0, 0, 0, 0, 0];
    for await (const r of rows) {
      if (r.score >= 1 && r.score <= 5) scores[r.score - 1]++;
      await table.add(r);
    }
    const n = table.finish();
    // A per-score count of the rows above, for a first look without a pivot table.
    const dist = book.table<number>(w('Scores'), [
      col(w('Score'), 'int', (s) => s, 8),
      col(w('Responses'), 'int', (s) => scores[s - 1]),
      col(w('Share'), 'percent', (s) => (n ? (100 * scores[s - 1]) / n : null)),
    ]);
    await dist.addAll([1, 2, 3, 4, 5]);
    dist.finish();
    writeAbout(book, w, [
      ...aboutHead(input, w, w('CSAT responses: every survey answer in the period'), w('the same room facts and filters as GET /api/v1/accounts/{account}/csat/responses, all pages', { account: input.account })),
      [w('Responses'), n],
      [w('Row order'), sorted ? w('by time of the answer') : w("by room id (a very big account: sorting every answer would take the server's memory)")],
      ...definitions(w, ['csat', 'csat_pct', 'avg_score', 'response_rate', 'per_agent', 'periods']),
      [w('Agent'), w("the survey's own agent, else the room's resolving or last assigned agent")],
      ...formatNotes(w),
    ]);
    await book.commit();
    return { rows: n, sheets: [...table.sheetNames, ...dist.sheetNames, w('About')] };
  } finally {
    rows.close();
  }
}

/** The same rows as the Responses sheet, as CSV. */
export async function csatCsv(input: ReportInput, out: Writable): Promise<BuildResult> {
  const { rows } = await open(input);
  try {
    const table = new CsvTable(out, csatColumns(words(input.lang)), input.filters.tz);
    await table.addAll(rows);
    return { rows: await table.finish(), sheets: [] };
  } finally {
    rows.close();
  }
}
