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

/** Stores rejected lines verbatim; awaited before the request is answered, like events. */
export async function storeDeadLetters(db: Db, rows: DeadLetter[]): Promise<void> {
  if (rows.length === 0) return;
  const received_at = Date.now();
  await withRetries(() =>
    db.write.insert({
      table: 'rejected_events',
      values: rows.map((r) => ({ ...r, received_at })),
      format: 'JSONEachRow',
      // Kept verbatim even when a line holds an invalid escape (a lone surrogate).
      clickhouse_settings: { input_format_json_throw_on_bad_escape_sequence: 0 },
    }),
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
