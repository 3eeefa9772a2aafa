import { Readable } from 'node:stream';
import type { Db } from '../sql/db.ts';
import { EVENT_SCHEMAS, type EventType, type IngestResult } from './contract.ts';
import { Bloom } from './bloom.ts';
import { storeDeadLetters, withRetries, type DeadLetter } from './dead-letters.ts';
import type { DedupIndex } from './dedup.ts';
import { MAX_LINE_BYTES, type Line } from './lines.ts';
import { validateEvent, type LineError } from './validate.ts';

/** Most rejected lines echoed in a response; the rest are counted (and all dead-lettered). */
export const MAX_ECHOED_ERRORS = 100;
/** Rows per insert: large enough to amortise an insert (~5 ms), small enough to bound memory (~2 MB). */
export const BATCH_ROWS = 10_000;
/** Inserts of one request in flight at once: parsing the next batch overlaps the insert. */
const IN_FLIGHT = 2;

export interface IngestContext {
  requestId: string;
  keyId: string;
  /** Set for an account key: lines of other accounts are rejected. */
  account?: string;
}

export interface IngestOutcome extends IngestResult {
  /** Lines that parsed as JSON at all (0 with some lines means nothing usable was sent). */
  parsed: number;
  /** Rejections for being another account's events. */
  forbidden: number;
}

/** Columns of each event type, in table order: an accepted line is re-serialised with exactly these. */
const FIELDS = Object.fromEntries(
  Object.entries(EVENT_SCHEMAS).map(([t, s]) => [t, Object.keys((s as { properties: object }).properties)]),
) as Record<EventType, string[]>;

interface Pending {
  key: string;
  hash: number;
  account: string;
  id: string;
  row: string;
  maybe: boolean;
}

/**
 * Takes the lines of one request: parse, validate, drop duplicates (within the request
 * and against the store), batch, insert. Resolves only after every accepted event and
 * every rejected line is written, so the answer is an acknowledgement.
 */
export class Ingestor {
  /** Called after each stored batch with the accounts it touched (billing alerts listen here). */
  private listeners: Array<(accounts: Set<string>) => void> = [];

  onStored(fn: (accounts: Set<string>) => void): void {
    this.listeners.push(fn);
  }

  constructor(
    private db: Db,
    private dedup: DedupIndex,
  ) {}

  async ingest(lines: AsyncIterable<Line>, ctx: IngestContext): Promise<IngestOutcome> {
    const out: IngestOutcome = { accepted: 0, duplicates: 0, rejected: 0, errors: [], parsed: 0, forbidden: 0 };
    const dead: DeadLetter[] = [];
    const seen = new Set<string>();
    const inflight: Promise<void>[] = [];
    let batch: Pending[] = [];

    const reject = (line: number, raw: string, rawBytes: number, id: unknown, account: unknown, err: LineError) => {
      out.rejected++;
      const idStr = typeof id === 'string' ? id : null;
      if (out.errors.length < MAX_ECHOED_ERRORS) out.errors.push({ line, id: idStr, field: err.field, message: err.message });
      dead.push({
        request_id: ctx.requestId,
        key_id: ctx.keyId,
        account_id: typeof account === 'string' ? account.slice(0, 64) : '',
        line,
        event_id: (idStr ?? '').slice(0, 128),
        field: err.field ?? '',
        message: err.message,
        raw,
        raw_bytes: rawBytes,
      });
    };

    const flush = async () => {
      if (batch.length === 0) return;
      const b = batch;
      batch = [];
      inflight.push(this.write(b, out));
      if (inflight.length >= IN_FLIGHT) await inflight.shift();
    };

    for await (const line of lines) {
      if (line.text === null) {
        reject(line.n, line.head ?? '', line.bytes, null, null, { field: null, message: `line is longer than ${MAX_LINE_BYTES} bytes` });
        continue;
      }
      let v: unknown;
      try {
        v = JSON.parse(line.text);
      } catch (e) {
        reject(line.n, line.text, line.bytes, null, null, { field: null, message: `is not valid JSON (${(e as Error).message})` });
        continue;
      }
      out.parsed++;
      const o = v as Record<string, unknown>;
      const isObj = v !== null && typeof v === 'object' && !Array.isArray(v);
      if (isObj && ctx.account !== undefined && typeof o.account_id === 'string' && o.account_id !== ctx.account) {
        out.forbidden++;
        reject(line.n, line.text, line.bytes, o.id, o.account_id, { field: 'account_id', message: `this key may only store events of account ${ctx.account}` });
        continue;
      }
      const err = validateEvent(v);
      if (err) {
        reject(line.n, line.text, line.bytes, isObj ? o.id : null, isObj ? o.account_id : null, err);
        continue;
      }
      const account = o.account_id as string;
      const id = o.id as string;
      const key = `${account}\u0000${id}`;
      if (seen.has(key)) {
        out.duplicates++;
        continue;
      }
      seen.add(key);
      const hash = Bloom.hash(account, id);
      let state = this.dedup.check(key, hash);
      if (typeof state !== 'string') {
        // Another request is storing this id right now: its outcome decides.
        if (await state) {
          out.duplicates++;
          continue;
        }
        state = this.dedup.check(key, hash) === 'new' ? 'new' : 'maybe';
      }
      batch.push({ key, hash, account, id, row: project(o), maybe: state === 'maybe' });
      if (batch.length >= BATCH_ROWS) await flush();
    }
    await flush();
    await Promise.all(inflight);
    await storeDeadLetters(this.db, dead);
    return out;
  }

  /** Confirms the filter's "maybe" ids against the store, then inserts the rest. */
  private async write(batch: Pending[], out: IngestOutcome): Promise<void> {
    let settle!: (stored: boolean) => void;
    const done = new Promise<boolean>((r) => (settle = r));
    this.dedup.claim(batch, done);
    try {
      const maybes = batch.filter((p) => p.maybe);
      if (maybes.length) {
        const stored = await this.dedup.stored(maybes);
        if (stored.size) {
          out.duplicates += batch.filter((p) => stored.has(p.key)).length;
          batch = batch.filter((p) => !stored.has(p.key));
        }
      }
      if (batch.length) {
        const body = Buffer.from(batch.map((p) => p.row).join('\n'));
        await withRetries(() =>
          this.db.write.exec({
            query: 'INSERT INTO events FORMAT JSONEachRow',
            values: Readable.from([body]),
            clickhouse_settings: { date_time_input_format: 'best_effort', input_format_skip_unknown_fields: 1 },
          }).then((r) => r.stream.resume()),
        );
      }
      out.accepted += batch.length;
      settle(true);
      if (batch.length && this.listeners.length) {
        const accounts = new Set(batch.map((p) => p.account));
        for (const fn of this.listeners) fn(accounts);
      }
    } catch (err) {
      settle(false);
      throw err;
    }
  }
}

/** The event with only its type's fields, in a fixed order: unknown fields never reach the store. */
function project(o: Record<string, unknown>): string {
  const fields = FIELDS[o.type as EventType];
  const row: Record<string, unknown> = {};
  for (const f of fields) if (o[f] !== undefined) row[f] = o[f];
  return JSON.stringify(row);
}
