import type { Writable } from 'node:stream';
import type { RoomRow } from '../../sql/metrics/rooms.ts';
import { CsvTable } from './csv.ts';
import { accountRooms, queryFacts, SORTED_ROOMS_MAX, type FactRows } from './facts.ts';
import { aboutHead, FORMAT_NOTES, METRIC_DEFINITIONS, type BuildResult, type ReportInput } from './report.ts';
import { col, StreamingWorkbook, writeAbout, type Column } from './sheet.ts';

/** The columns of the rooms drill-down (GET .../rooms), in its order and with its meaning. */
export const ROOM_COLUMNS: Array<Column<RoomRow>> = [
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

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A row of rooms.sql (its SELECT order) as the drill-down's RoomRow. */
function toRoom(a: unknown[]): RoomRow {
  const score = Number(a[10] ?? 0);
  return {
    room_id: String(a[0]),
    started_at: Number(a[1]),
    channel: (a[2] as string) || null,
    contact_id: (a[3] as string) || null,
    origin: String(a[4]),
    agent_id: (a[5] as string) || null,
    first_assigned_at: num(a[6]),
    first_response_s: a[7] === null ? null : Number(a[7]) / 1000,
    resolved_at: num(a[8]),
    response_s: a[9] === null ? null : Number(a[9]) / 1000,
    csat_score: score || null,
    csat_comment: score ? String(a[11] ?? '') : null,
  };
}

async function* rooms(rows: FactRows): AsyncGenerator<RoomRow> {
  for await (const a of rows) yield toRoom(a);
}

/** Opens the query before anything is written, so a failure is an error answer, not a broken file. */
async function open(input: ReportInput): Promise<{ rows: FactRows; sorted: boolean }> {
  const sorted = (await accountRooms(input.db, input.account)) <= SORTED_ROOMS_MAX;
  return { rows: await queryFacts(input.db, 'rooms.sql', input.filters, sorted ? 'start_at, room_id' : 'room_id'), sorted };
}

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
    await table.addAll(rooms(rows));
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
    await table.addAll(rooms(rows));
    return { rows: await table.finish(), sheets: [] };
  } finally {
    rows.close();
  }
}
