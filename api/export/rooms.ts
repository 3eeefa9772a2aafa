import type { Writable } from 'node:stream';
import { streamRooms, type RoomRecord } from '../../sql/metrics/rooms.ts';
import { SORTED_ROOMS_MAX } from '../../sql/metrics/stream.ts';
import { CsvTable } from './csv.ts';
import { aboutHead, FORMAT_NOTES, METRIC_DEFINITIONS, type BuildResult, type ReportInput } from './report.ts';
import { col, StreamingWorkbook, writeAbout, type Column } from './sheet.ts';

/** The columns of the rooms drill-down (GET .../rooms), in its order and with its meaning. */
export const ROOM_COLUMNS: Array<Column<RoomRecord>> = [
  col('Room', 'text', (r) => r.room_id, 24),
  col('Started at', 'datetime', (r) => r.started_at),
  col('Channel', 'text', (r) => r.channel, 11),
  col('Contact', 'text', (r) => r.contact_id, 20),
  col('Origin', 'text', (r) => r.origin, 10),
  col('Agent', 'text', (r) => r.agent_id, 18),
  col('First assigned at', 'datetime', (r) => r.first_assigned_at),
  col('First response time', 'duration', (r) => r.first_response_s, 14),
  col('Resolved at', 'datetime', (r) => r.resolved_at),
  col('Response time', 'duration', (r) => r.response_s, 14),
  col('CSAT score', 'int', (r) => r.csat_score),
  col('CSAT comment', 'text', (r) => r.csat_comment, 48),
];

/** Opens the query before anything is written, so a failure is an error answer, not a broken file. */
const open = (input: ReportInput) => streamRooms(input.db, input.filters);

const orderNote = (sorted: boolean) =>
  sorted
    ? 'by start time, then room id'
    : `by room id: the account has more than ${SORTED_ROOMS_MAX.toLocaleString('en')} rooms, and sorting them all would take the server's memory; sort with the column filter`;

/** Every room started in the period, one row each (the rooms drill-down, all pages), continued on "Rooms (2)" past Excel's last row. */
export async function buildRooms(input: ReportInput, out: Writable): Promise<BuildResult> {
  const { rows, sorted } = await open(input);
  try {
    const book = new StreamingWorkbook(out, input.filters.tz, input.workbook);
    const table = book.table('Rooms', ROOM_COLUMNS);
    await table.addAll(rows);
    const n = table.finish();
    writeAbout(book, [
      ...aboutHead(input, 'Rooms: one row per room started in the period', `the same room facts and filters as GET /api/v1/accounts/${input.account}/rooms, all pages`),
      ['Rooms', n],
      ['Row order', orderNote(sorted)],
      ['Definitions'],
      ['Started at', 'the earliest event of any kind of the room'],
      ['Origin', 'inbound (the customer wrote first), broadcast, or outbound (the business wrote first)'],
      ['Agent', 'the agent that resolved the room, else the last agent assigned to it'],
      ['First response time', 'from the first assignment to the first agent message at or after it'],
      ['Response time', 'from the first assignment to the latest resolve; empty for a room never assigned or not resolved'],
      ['CSAT', "the room's latest survey answer (1-5) and its comment"],
      ...METRIC_DEFINITIONS.filter(([label]) => label === 'Periods'),
      ...FORMAT_NOTES,
    ]);
    await book.commit();
    return { rows: n, sheets: [...table.sheetNames, 'About'] };
  } finally {
    rows.close();
  }
}

/** The same rows as the Rooms sheet, as CSV. */
export async function roomsCsv(input: ReportInput, out: Writable): Promise<BuildResult> {
  const { rows } = await open(input);
  try {
    const table = new CsvTable(out, ROOM_COLUMNS, input.filters.tz);
    await table.addAll(rows);
    return { rows: await table.finish(), sheets: [] };
  } finally {
    rows.close();
  }
}
