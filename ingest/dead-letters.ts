import type { Db } from '../sql/db.ts';
import { rejectedRow, writeRejected, type DeadLetter } from '../sql/rejected.ts';

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

  /** Serialised at once (rejectedRow says why). */
  add(r: DeadLetter): void {
    const row = rejectedRow(r);
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
    await withRetries(() => writeRejected(this.db, rows));
  }

  /** Writes what is left (rows added while an earlier flush was running included). */
  async drain(): Promise<void> {
    while (this.rows.length) await this.flush();
  }
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
