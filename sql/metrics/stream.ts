import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Db } from '../db.ts';
import { metricParams, metricSql } from './query.ts';
import type { MetricFilters } from './types.ts';

/**
 * Row-by-row reads of a metric query (room-facts.sql in front, as for every metric and
 * list of the API) for the exports: the same query file as the API's list (rooms.sql,
 * csat-responses.sql), all pages in one query, its rows handed out one at a time.
 *
 * Memory, measured on 1M rooms (about 4M room_state rows), in the server process:
 * - the embedded engine's client adapter keeps a whole result in memory before the
 *   first row is read (~900 MB peak for 1M rooms), so the query writes its rows to a
 *   temporary file inside the engine (INTO OUTFILE) and Node reads that file line by line;
 * - merging room states in key order (optimize_aggregation_in_order) on one thread with
 *   8,192-row blocks holds a block, not every room: ~90 MB over the idle process;
 * - ordering by anything but room_id sorts every row (~250 MB more for 1M rooms; the
 *   external sort did not bound it), so callers order by start time only for accounts
 *   of at most SORTED_ROOMS_MAX rooms, in room_id order above.
 * Against a ClickHouse server (CLICKHOUSE_URL) the client streams for real, no file.
 */

/** Accounts with at most this many rooms get their rows in time order; bigger ones in room_id order. */
export const SORTED_ROOMS_MAX = 250_000;

/** Per query (a SETTINGS clause, so nothing leaks into the shared connection's session). */
const STREAM_SETTINGS = 'SETTINGS optimize_aggregation_in_order = 1, max_threads = 1, max_block_size = 8192, output_format_json_quote_64bit_integers = 0';

/** Rooms of the account, exactly (merges in key order: memory stays flat). */
export async function accountRooms(db: Db, account: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count() AS n FROM (SELECT room_id FROM room_state WHERE account_id = {account:String} GROUP BY room_id)
     SETTINGS optimize_aggregation_in_order = 1, output_format_json_quote_64bit_integers = 0`,
    { account },
  );
  return Number(rows[0]?.n ?? 0);
}

export interface StreamRows<T> extends AsyncIterable<T> {
  /** Removes the temporary file (also done when iteration ends). */
  close(): void;
}

/**
 * Runs the metric query `file` now (so an error comes before anything is sent) and returns
 * its rows one at a time. `fragments` and `params` complete it as for runMetricSql; they
 * come from the caller's own whitelists.
 */
export async function streamMetricSql<T>(db: Db, file: string, f: MetricFilters, fragments: Record<string, string>, extra: Record<string, unknown> = {}): Promise<StreamRows<T>> {
  const sql = `${metricSql(file, f, {}, fragments)}\n${STREAM_SETTINGS}`;
  const params = { ...metricParams(f), ...extra };
  if (db.mode === 'server') {
    const rs = await db.reader().query({ query: sql, query_params: params, format: 'JSONEachRow' });
    return {
      close: () => rs.close(),
      async *[Symbol.asyncIterator]() {
        for await (const rows of rs.stream()) for (const r of rows) yield r.json() as T;
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-export-'));
  // The path goes into the SQL text as a literal: refuse a temporary directory it could break out of.
  if (/['\\\n]/.test(dir)) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`the temporary directory ${JSON.stringify(dir)} cannot be used in a query; set TMPDIR to a plain path`);
  }
  const outFile = path.join(dir, `${crypto.randomBytes(8).toString('hex')}.jsonl`);
  const close = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    // The path is ours (a fresh temporary directory), never request text.
    await db.command(`${sql}\nINTO OUTFILE '${outFile}' FORMAT JSONEachRow`, params);
  } catch (e) {
    close();
    throw e;
  }
  return {
    close,
    async *[Symbol.asyncIterator]() {
      const input = fs.createReadStream(outFile, { encoding: 'utf8', highWaterMark: 1 << 20 });
      try {
        for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) if (line) yield JSON.parse(line) as T;
      } finally {
        input.destroy();
        close();
      }
    },
  };
}

/** `rows` with each row mapped by `fn`. */
export function mapRows<A, B>(rows: StreamRows<A>, fn: (a: A) => B): StreamRows<B> {
  return {
    close: () => rows.close(),
    async *[Symbol.asyncIterator]() {
      for await (const r of rows) yield fn(r);
    },
  };
}
