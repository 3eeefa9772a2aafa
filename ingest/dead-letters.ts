import { Readable } from 'node:stream';
import type { Db } from '../sql/db.ts';

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

/** Rows per dead-letter insert, and characters of serialised rows (about 2-8 MB of memory). */
export const DEAD_LETTER_ROWS = 10_000;
export const DEAD_LETTER_CHARS = 4 * 1024 * 1024;

/**
 * The dead letters of one request, written in bounded batches as they come: memory is
 * one batch (at most DEAD_LETTER_ROWS rows or DEAD_LETTER_CHARS characters) whatever
 * the number of rejected lines. The caller awaits `flush()` when `full` (backpressure:
 * reading waits for the insert) and `drain()` before answering (durable before the answer).
 */
export class DeadLetterWriter {
  private rows: string[] = [];
  private chars = 0;

  constructor(private db: Db) {}

  /**
   * Serialised at once: the JSON text is a fresh string, so a dead letter never pins the
   * request chunk its raw text was sliced from (V8 slices share their parent string).
   */
  add(r: DeadLetter): void {
    const row = JSON.stringify({ ...r, received_at: Date.now() });
    this.rows.push(row);
    this.chars += row.length;
  }

  get full(): boolean {
    return this.rows.length >= DEAD_LETTER_ROWS || this.chars >= DEAD_LETTER_CHARS;
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    this.chars = 0;
    await writeRows(this.db, rows);
  }

  /** Writes what is left (rows added while an earlier flush was running included). */
  async drain(): Promise<void> {
    while (this.rows.length) await this.flush();
  }
}

async function writeRows(db: Db, rows: string[]): Promise<void> {
  const body = rows.join('\n');
  await withRetries(() =>
    db.write
      .exec({
        query: 'INSERT INTO rejected_events FORMAT JSONEachRow',
        values: Readable.from([body]),
        // Kept verbatim even when a line holds an invalid escape (a lone surrogate).
        clickhouse_settings: { input_format_json_throw_on_bad_escape_sequence: 0 },
      })
      .then((r) => r.stream.resume()),
  );
}

/** Retries a store write with backoff (0.2 s, 1 s, 3 s) before giving up; never drops silently. */
export async function withRetries<T>(fn: () => Promise<T>, delaysMs = [200, 1000, 3000], retryable: (err: unknown) => boolean = () => true): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= delaysMs.length || !retryable(err)) throw err;
      await new Promise((r) => setTimeout(r, delaysMs[attempt]));
    }
  }
}
