import type { Writable } from 'node:stream';
import { streamCsatResponses, type CsatResponse } from '../../sql/metrics/csat-responses.ts';
import { CsvTable } from './csv.ts';
import { aboutHead, FORMAT_NOTES, METRIC_DEFINITIONS, type BuildResult, type ReportInput } from './report.ts';
import { col, StreamingWorkbook, writeAbout, type Column } from './sheet.ts';

/** The fields of the CSAT responses list (GET .../csat/responses), time first. */
export const CSAT_COLUMNS: Array<Column<CsatResponse>> = [
  col('Submitted at', 'datetime', (r) => r.submitted_at),
  col('Score', 'int', (r) => r.score, 8),
  col('Comment', 'text', (r) => r.comment, 60),
  col('Agent', 'text', (r) => r.agent_id, 18),
  col('Channel', 'text', (r) => r.channel, 11),
  col('Room', 'text', (r) => r.room_id, 24),
  col('Contact', 'text', (r) => r.contact_id, 20),
];

/** Opens the query before anything is written, so a failure is an error answer, not a broken file. */
const open = (input: ReportInput) => streamCsatResponses(input.db, input.filters);

/** Every CSAT answer of the period (the latest of each room, as the CSAT numbers count them), with a small score summary. */
export async function buildCsat(input: ReportInput, out: Writable): Promise<BuildResult> {
  const { rows, sorted } = await open(input);
  try {
    const book = new StreamingWorkbook(out, input.filters.tz, input.workbook);
    const table = book.table('Responses', CSAT_COLUMNS);
    const scores = [0, 0, 0, 0, 0];
    for await (const r of rows) {
      if (r.score >= 1 && r.score <= 5) scores[r.score - 1]++;
      await table.add(r);
    }
    const n = table.finish();
    // A per-score count of the rows above, for a first look without a pivot table.
    const dist = book.table<number>('Scores', [
      col('Score', 'int', (s) => s, 8),
      col('Responses', 'int', (s) => scores[s - 1]),
      col('Share', 'percent', (s) => (n ? (100 * scores[s - 1]) / n : null)),
    ]);
    await dist.addAll([1, 2, 3, 4, 5]);
    dist.finish();
    writeAbout(book, [
      ...aboutHead(input, 'CSAT responses: every survey answer in the period', `the same room facts and filters as GET /api/v1/accounts/${input.account}/csat/responses, all pages`),
      ['Responses', n],
      ['Row order', sorted ? 'by time of the answer' : 'by room id (a very big account: sorting every answer would take the server\'s memory)'],
      ...METRIC_DEFINITIONS.filter(([label]) => label === 'Definitions' || label === 'CSAT' || label === 'Per agent' || label === 'Periods'),
      ['Agent', "the survey's own agent, else the room's resolving or last assigned agent"],
      ...FORMAT_NOTES,
    ]);
    await book.commit();
    return { rows: n, sheets: [...table.sheetNames, ...dist.sheetNames, 'About'] };
  } finally {
    rows.close();
  }
}

/** The same rows as the Responses sheet, as CSV. */
export async function csatCsv(input: ReportInput, out: Writable): Promise<BuildResult> {
  const { rows } = await open(input);
  try {
    const table = new CsvTable(out, CSAT_COLUMNS, input.filters.tz);
    await table.addAll(rows);
    return { rows: await table.finish(), sheets: [] };
  } finally {
    rows.close();
  }
}
