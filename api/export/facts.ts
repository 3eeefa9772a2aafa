import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Db } from '../../sql/db.ts';
import { loadSql } from '../../sql/load.ts';
import { fillFragments } from '../../sql/metrics/fragments.ts';
import { metricParams } from '../../sql/metrics/query.ts';
import type { MetricFilters } from '../../sql/metrics/types.ts';

/**
 * Row-by-row reads of room_facts (sql/metrics/room-facts.sql, the CTE every metric and
 * list of the API reads) for the exports: a query file here (rooms.sql, csat.sql) with
 * the same head and fragments as the metrics queries, its rows handed out one at a time.
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

const ROOM_FACTS = () => loadSql(import.meta.url, '../../sql/metrics/room-facts.sql');

/** The query of `file` (next to this module) on room_facts, completed like a metric query, with `order` for {{order}}. */
function factsSql(file: string, f: MetricFilters, order: string): string {
  return fillFragments(`WITH room_facts AS (\n${ROOM_FACTS()}\n)\n${loadSql(import.meta.url, file)}`, f, {}, { order });
}

/** Rooms of the account, exactly (merges in key order: memory stays flat). */
export async function accountRooms(db: Db, account: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count() AS n FROM (SELECT room_id FROM room_state WHERE account_id = {account:String} GROUP BY room_id)
     SETTINGS optimize_aggregation_in_order = 1, output_format_json_quote_64bit_integers = 0`,
    { account },
  );
  return Number(rows[0]?.n ?? 0);
}

export interface FactRows extends AsyncIterable<unknown[]> {
  /** Removes the temporary file (also done when iteration ends). */
  close(): void;
}

/**
 * Runs the query now (so an error comes before anything is sent) and returns its rows as
 * arrays in SELECT order. `order` is an ORDER BY list from the caller's own whitelist.
 */
export async function queryFacts(db: Db, file: string, f: MetricFilters, order: string): Promise<FactRows> {
  const sql = `${factsSql(file, f, order)}\n${STREAM_SETTINGS}`;
  const params = metricParams(f);
  if (db.mode === 'server') {
    const rs = await db.reader().query({ query: sql, query_params: params, format: 'JSONCompactEachRow' });
    return {
      close: () => rs.close(),
      async *[Symbol.asyncIterator]() {
        for await (const rows of rs.stream()) for (const r of rows) yield r.json() as unknown[];
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
    await db.command(`${sql}\nINTO OUTFILE '${outFile}' FORMAT JSONCompactEachRow`, params);
  } catch (e) {
    close();
    throw e;
  }
  return {
    close,
    async *[Symbol.asyncIterator]() {
      const input = fs.createReadStream(outFile, { encoding: 'utf8', highWaterMark: 1 << 20 });
      try {
        for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) if (line) yield JSON.parse(line) as unknown[];
      } finally {
        input.destroy();
        close();
      }
    },
  };
}
