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
  /** Line number and text, for the dead letters if the store refuses the row. */
  n: number;
  text: string;
  bytes: number;
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

  async ingest(lines: AsyncIterable<Line | Line[]>, ctx: IngestContext): Promise<IngestOutcome> {
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
      inflight.push(this.write(b, out, (p, message) => reject(p.n, p.text, p.bytes, p.id, p.account, { field: null, message })));
      if (inflight.length >= IN_FLIGHT) await inflight.shift();
    };

    for await (const item of lines) for (const line of Array.isArray(item) ? item : [item]) {
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
      const row = project(o);
      if (typeof row !== 'string') {
        reject(line.n, line.text, line.bytes, o.id, o.account_id, row);
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
      batch.push({ n: line.n, text: line.text, bytes: line.bytes, key, hash, account, id, row, maybe: state === 'maybe' });
      if (batch.length >= BATCH_ROWS) await flush();
    }
    await flush();
    await Promise.all(inflight);
    await storeDeadLetters(this.db, dead);
    return out;
  }

  /** Confirms the filter's "maybe" ids against the store, then inserts the rest. */
  private async write(batch: Pending[], out: IngestOutcome, refuse: (p: Pending, message: string) => void): Promise<void> {
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
      const stored = await this.insert(batch, refuse);
      out.accepted += stored.length;
      settle(true);
      if (stored.length && this.listeners.length) {
        const accounts = new Set(stored.map((p) => p.account));
        for (const fn of this.listeners) fn(accounts);
      }
    } catch (err) {
      settle(false);
      throw err;
    }
  }

  /**
   * Inserts rows; returns those stored. Passing faults (network, memory, too many parts)
   * are retried with backoff and then fail the request (nothing is acknowledged). A row the
   * store refuses for its content is found by halving the batch and rejected with the
   * store's reason, so one odd line never costs the others.
   */
  private async insert(rows: Pending[], refuse: (p: Pending, message: string) => void): Promise<Pending[]> {
    if (!rows.length) return rows;
    try {
      const body = Buffer.from(rows.map((p) => p.row).join('\n'));
      await withRetries(
        () =>
          this.db.write
            .exec({
              query: 'INSERT INTO events FORMAT JSONEachRow',
              values: Readable.from([body]),
              clickhouse_settings: { date_time_input_format: 'best_effort', input_format_skip_unknown_fields: 1 },
            })
            .then((r) => r.stream.resume()),
        undefined,
        (err) => !isContentError(err),
      );
      return rows;
    } catch (err) {
      if (!isContentError(err)) throw err;
      if (rows.length === 1) {
        refuse(rows[0], `the store refused this event: ${String((err as Error).message).split('\n')[0].slice(0, 300)}`);
        return [];
      }
      const half = rows.length >> 1;
      return [...(await this.insert(rows.slice(0, half), refuse)), ...(await this.insert(rows.slice(half), refuse))];
    }
  }
}

/** ClickHouse errors about the data itself (parse, type, value): deterministic, not worth a retry. */
const TRANSIENT_CODES = new Set(['159', '160', '164', '202', '203', '209', '210', '241', '242', '252', '285', '319', '425', '999']);
function isContentError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^\d+$/.test(code) && !TRANSIENT_CODES.has(code);
}

/**
 * The event with only its type's fields (JSON.stringify's key list when it has others):
 * unknown fields never reach the store. Strings must be well-formed Unicode: JSON allows a
 * lone surrogate escape such as \\ud800, the store does not. JSON.stringify writes valid
 * pairs as characters and lone surrogates as \\udXXX escapes, so one regex finds them.
 */
const LONE_SURROGATE = /\\ud[89a-f]/i;
const ALLOWED = Object.fromEntries(Object.entries(FIELDS).map(([t, f]) => [t, new Set(f)])) as Record<EventType, Set<string>>;
function project(o: Record<string, unknown>): string | LineError {
  const fields = FIELDS[o.type as EventType];
  // Most events carry only their own fields: then plain JSON.stringify (its fast path,
  // about 1 µs) replaces the key-list form (about 3 µs).
  const allowed = ALLOWED[o.type as EventType];
  let only = true;
  for (const k in o) if (!allowed.has(k)) { only = false; break; }
  const row = only ? JSON.stringify(o) : JSON.stringify(o, fields);
  if (LONE_SURROGATE.test(row)) {
    // The regex also matches a literal backslash-u text; the check per field decides.
    const field = fields.find((f) => typeof o[f] === 'string' && !(o[f] as string).isWellFormed());
    if (field) return { field, message: 'must be valid Unicode (it has a lone surrogate)' };
  }
  return row;
}
