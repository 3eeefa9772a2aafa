import type { Writable } from 'node:stream';
import { streamRooms, type RoomRecord } from '../../sql/metrics/rooms.ts';
import { SORTED_ROOMS_MAX } from '../../sql/metrics/stream.ts';
import { CsvTable } from './csv.ts';
import { aboutHead, definitions, formatNotes, type BuildResult, type ReportInput } from './report.ts';
import { words, type Words } from './words.ts';
import { col, localized, StreamingWorkbook, writeAbout, type Column } from './sheet.ts';

/** The columns of the rooms drill-down (GET .../rooms), in its order and with its meaning, in the file's language. */
export const roomColumns = (w: Words): Array<Column<RoomRecord>> =>
  localized(w, [
    col('Room', 'text', (r) => r.room_id, 24),
    col('Started at', 'datetime', (r) => r.started_at),
    col('Channel', 'text', (r) => w.channel(r.channel), 11),
    col('Contact', 'text', (r) => r.contact_id, 20),
    col('Origin', 'text', (r) => w(r.origin), 10),
    col('Agent', 'text', (r) => w.agent(r.agent_id), 18),
    col('First assigned at', 'datetime', (r) => r.first_assigned_at),
    col('First response time', 'duration', (r) => r.first_response_s, 14),
    col('Resolved at', 'datetime', (r) => r.resolved_at),
    col('Response time', 'duration', (r) => r.response_s, 14),
    col('CSAT score', 'int', (r) => r.csat_score),
    col('CSAT comment', 'text', (r) => r.csat_comment, 48),
  ]);

/** Opens the query before anything is written, so a failure is an error answer, not a broken file. */
const open = (input: ReportInput) => streamRooms(input.db, input.filters);

const orderNote = (w: Words, sorted: boolean) =>
  sorted
    ? w('by start time, then room id')
    : w("by room id: the account has more than {n} rooms, and sorting them all would take the server's memory; sort with the column filter", { n: SORTED_ROOMS_MAX.toLocaleString(w.lang === 'id' ? 'id-ID' : 'en') });

/** Every room started in the period, one row each (the rooms drill-down, all pages), continued on "Rooms (2)" past Excel's last row. */
export async function buildRooms(input: ReportInput, out: Writable): Promise<BuildResult> {
  const { rows, sorted } = await open(input);
  try {
    const book = new StreamingWorkbook(out, input.filters.tz, input.workbook);
    const w = words(input.lang);
    const table = book.table(w('Rooms'), roomColumns(w));
    await table.addAll(rows);
    const n = table.finish();
    writeAbout(book, w, [
      ...aboutHead(input, w, w('Rooms: one row per room started in the period'), w('the same room facts and filters as GET /api/v1/accounts/{account}/rooms, all pages', { account: input.account })),
      [w('Rooms'), n],
      [w('Row order'), orderNote(w, sorted)],
      ...definitions(w, ['total_chats', 'per_agent', 'first_response_time', 'response_time', 'csat', 'periods']),
      ...formatNotes(w),
    ]);
    await book.commit();
    return { rows: n, sheets: [...table.sheetNames, w('About')] };
  } finally {
    rows.close();
  }
}

/** The same rows as the Rooms sheet, as CSV. */
export async function roomsCsv(input: ReportInput, out: Writable): Promise<BuildResult> {
  const { rows } = await open(input);
  try {
    const table = new CsvTable(out, roomColumns(words(input.lang)), input.filters.tz);
    await table.addAll(rows);
    return { rows: await table.finish(), sheets: [] };
  } finally {
    rows.close();
  }
}
