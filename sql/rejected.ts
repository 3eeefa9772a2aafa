import { Readable } from 'node:stream';
import type { Db } from './db.ts';
import { chText } from './ch-time.ts';
import { loadSql } from './load.ts';

/** Dead letters (table rejected_events, migration 002): every rejected line, verbatim. */
export interface DeadLetter {
  request_id: string;
  key_id: string;
  account_id: string;
  line: number;
  event_id: string;
  field: string;
  message: string;
  raw: string;
  raw_bytes: number;
}

/** A dead letter as listed (without its key): `received_at` as the store prints it, "YYYY-MM-DD hh:mm:ss.mmm" UTC. */
export type RejectedLine = Omit<DeadLetter, 'key_id'> & { received_at: string };

/** The sort key of a listed line: where the next page starts. */
export type RejectedCursor = [received_at: string, request_id: string, line: number];

const SQL = {
  list: loadSql(import.meta.url, 'rejected-list.sql'),
  // Trimmed: the rows follow the statement after one newline.
  write: loadSql(import.meta.url, 'rejected-write.sql').trim(),
};

/**
 * One row of rejected_events as JSONEachRow text, received now. A fresh string: a dead
 * letter kept for a batch never pins the request chunk its raw text was sliced from
 * (V8 slices share their parent string).
 */
export const rejectedRow = (r: DeadLetter): string => JSON.stringify({ ...r, received_at: Date.now() });

/** Writes rows made by rejectedRow, in one insert. */
export async function writeRejected(db: Db, rows: string[]): Promise<void> {
  const r = await db.write.exec({
    query: SQL.write,
    values: Readable.from([rows.join('\n')]),
    // Kept verbatim even when a line holds an invalid escape (a lone surrogate).
    clickhouse_settings: { input_format_json_throw_on_bad_escape_sequence: 0 },
  });
  r.stream.resume();
}

/** Newest first, at most `limit`, after `after` (a cursor from an earlier page) when given. */
export async function listRejected(db: Db, q: { account?: string; requestId?: string; after: RejectedCursor | null; limit: number }): Promise<RejectedLine[]> {
  const rows = await db.query<Omit<RejectedLine, 'received_at'> & { received_ms: number | string }>(
    SQL.list,
    {
      account: q.account ?? '',
      request_id: q.requestId ?? '',
      has_cursor: q.after ? 1 : 0,
      c_at: q.after?.[0] ?? '1970-01-01 00:00:00',
      c_req: q.after?.[1] ?? '',
      c_line: q.after?.[2] ?? 0,
      limit: q.limit,
    },
    { output_format_json_quote_64bit_integers: 0 },
  );
  return rows.map(({ received_ms, ...r }) => ({ received_at: chText(Number(received_ms)), ...r, line: Number(r.line), raw_bytes: Number(r.raw_bytes) }));
}
