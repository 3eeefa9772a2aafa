import type { Db } from '../sql/db.ts';
import { refreshRooms } from '../sql/metrics/room-facts-refresh.ts';
import type { IngestResult } from '../core/contract.ts';
import { classify, type Pending, type Refusal } from './classify.ts';
import { DeadLetterWriter, withRetries } from './dead-letters.ts';
import type { Claim, DedupIndex } from './dedup.ts';
import type { Line } from './lines.ts';

/** Most rejected lines echoed in a response; the rest are counted (and all dead-lettered). */
export const MAX_ECHOED_ERRORS = 100;
/**
 * Rows per insert. An insert with the views costs a fixed ~5 ms plus per-row work that
 * falls with the block size (views, parts): 1M events went 38.8k/s at 10k-row batches and
 * 51.6k/s at 50k (2 cores, one run each); 100k went 54k/s for 300 MB more peak RSS
 * (1.42 GB against 1.10), so 50k. A batch holds ~20 MB of rows in memory.
 */
export const BATCH_ROWS = 50_000;
/** Inserts of one request in flight at once: parsing the next batch overlaps the insert. */
const IN_FLIGHT = 2;
/** Rejected lines of one request before reading stops (MAX_REJECTED_LINES; 0 = no ceiling). */
export const DEFAULT_MAX_REJECTED_LINES = 100_000;

export interface IngestorOptions {
  maxRejectedLines?: number;
}

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
  /** Set when reading stopped at the rejected-lines ceiling: the line not read and the ceiling. */
  stopped?: { line: number; limit: number };
}

/**
 * Takes the lines of one request: parse, validate, drop duplicates (within the request
 * and against the store), batch, insert. Resolves only after every accepted event and
 * every rejected line is written, so the answer is an acknowledgement.
 */
export class Ingestor {
  /** Called after each stored batch with the accounts it touched (billing alerts listen here). */
  private listeners: Array<(accounts: Set<string>) => void> = [];
  readonly maxRejectedLines: number;

  onStored(fn: (accounts: Set<string>) => void): void {
    this.listeners.push(fn);
  }

  constructor(
    private db: Db,
    private dedup: DedupIndex,
    opts: IngestorOptions = {},
  ) {
    this.maxRejectedLines = opts.maxRejectedLines ?? DEFAULT_MAX_REJECTED_LINES;
  }

  async ingest(lines: AsyncIterable<Line | Line[]>, ctx: IngestContext): Promise<IngestOutcome> {
    const out: IngestOutcome = { accepted: 0, duplicates: 0, rejected: 0, errors: [], parsed: 0, forbidden: 0 };
    const dead = new DeadLetterWriter(this.db);
    const limit = this.maxRejectedLines;
    // Ids are claimed when their line is read, so exactly one request ever stores an id.
    const owner = {};
    let claim = this.dedup.open(owner);
    let batch: Pending[] = [];
    const inflight: Promise<void>[] = [];
    // Lines whose id another request holds; at most BATCH_ROWS before they are resolved.
    let deferred: Array<{ p: Pending; holder: Claim }> = [];
    const deferredKeys = new Set<string>();

    const reject = (r: Refusal) => {
      out.rejected++;
      if (r.forbidden) out.forbidden++;
      const idStr = typeof r.id === 'string' ? r.id : null;
      if (out.errors.length < MAX_ECHOED_ERRORS) out.errors.push({ line: r.n, id: idStr, field: r.err.field, message: r.err.message });
      dead.add({
        request_id: ctx.requestId,
        key_id: ctx.keyId,
        account_id: typeof r.account === 'string' ? r.account.slice(0, 64) : '',
        line: r.n,
        event_id: (idStr ?? '').slice(0, 128),
        field: r.err.field ?? '',
        message: r.err.message,
        raw: r.raw,
        raw_bytes: r.bytes,
      });
    };
    const refuse = (p: Pending, message: string) => reject({ n: p.n, raw: p.text, bytes: p.bytes, id: p.id, account: p.account, err: { field: null, message } });

    const flush = async () => {
      if (batch.length === 0) return;
      const write = this.write(batch, claim, out, refuse);
      // Handled now so a failure while we read or wait is not an unhandled rejection; awaited below.
      write.catch(() => undefined);
      inflight.push(write);
      batch = [];
      claim = this.dedup.open(owner);
      if (inflight.length >= IN_FLIGHT) await inflight.shift();
    };

    /** A valid line: a duplicate, deferred (another request holds its id), or claimed into the batch. */
    const take = (p: Pending) => {
      if (deferredKeys.has(p.key)) {
        out.duplicates++; // an earlier line of this request with this id is deferred: it decides
        return;
      }
      const state = this.dedup.check(p.key, p.hash, claim);
      if (state === 'mine') out.duplicates++;
      else if (typeof state !== 'string') {
        deferred.push({ p, holder: state });
        deferredKeys.add(p.key);
      } else {
        p.maybe = state === 'maybe';
        batch.push(p);
      }
    };

    /**
     * Waits for the requests holding the deferred ids. Our own batch is flushed first, so
     * a waiting request holds no claim that is not being written: two requests waiting on
     * each other's unwritten claims (a deadlock) cannot happen. An id whose holder did not
     * store it is taken again (claimed by us, or deferred on a newer holder).
     */
    const settleDeferred = async () => {
      while (deferred.length) {
        await flush();
        const round = deferred;
        deferred = [];
        const outcomes = await Promise.all(round.map((d) => d.holder.done));
        for (let i = 0; i < round.length; i++) {
          const { p } = round[i];
          deferredKeys.delete(p.key);
          const notStored = outcomes[i];
          if (notStored !== null && !notStored.has(p.key)) out.duplicates++; // the holder stored it first
          else take(p);
          if (batch.length >= BATCH_ROWS) await flush();
        }
      }
    };

    try {
      read: for await (const item of lines) {
        for (const line of Array.isArray(item) ? item : [item]) {
          const p = classify(line, ctx, out);
          if ('err' in p) {
            if (limit > 0 && out.rejected >= limit) {
              out.stopped = { line: line.n, limit };
              break read;
            }
            reject(p);
            if (dead.full) await dead.flush();
            continue;
          }
          take(p);
          if (batch.length >= BATCH_ROWS) await flush();
          if (deferred.length >= BATCH_ROWS) await settleDeferred();
        }
      }
      await settleDeferred();
      await flush();
      while (inflight.length) await inflight.shift();
      await dead.drain();
      return out;
    } finally {
      // On failure: free the ids of the unwritten batch (waiters may then store them),
      // and let the writes already started finish and release their own claims.
      this.dedup.release(claim, null);
      await Promise.allSettled(inflight);
    }
  }

  /** Confirms the filter's "maybe" ids against the store, inserts the rest, then releases the batch's claim. */
  private async write(batch: Pending[], claim: Claim, out: IngestOutcome, refuse: (p: Pending, message: string) => void): Promise<void> {
    const refused = new Set<string>();
    try {
      // Rooms of ids already stored are refreshed too: when a process died between a
      // batch's insert and its refresh, the client's retry lands here and mends them.
      let storedBefore: Pending[] = [];
      const maybes = batch.filter((p) => p.maybe);
      if (maybes.length) {
        const stored = await this.dedup.stored(maybes);
        if (stored.size) {
          storedBefore = batch.filter((p) => stored.has(p.key));
          out.duplicates += storedBefore.length;
          batch = batch.filter((p) => !stored.has(p.key));
        }
      }
      const stored = await this.insert(batch, (p, message) => {
        refused.add(p.key);
        refuse(p, message);
      });
      // The metrics read room_day_facts: the batch's rooms are rewritten before the answer.
      const rooms = storedBefore.length ? [...stored, ...storedBefore] : stored;
      if (rooms.length) await withRetries(() => refreshRooms(this.db, rooms));
      out.accepted += stored.length;
      this.dedup.release(claim, refused);
      if (stored.length && this.listeners.length) {
        const accounts = new Set(stored.map((p) => p.account));
        for (const fn of this.listeners) fn(accounts);
      }
    } catch (err) {
      this.dedup.release(claim, null);
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
      await withRetries(() => this.db.insertJsonRows('events', body, INSERT_SETTINGS), undefined, (err) => !isContentError(err));
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

/**
 * Settings of the events insert. optimize_on_insert 0: the views' Replacing / Aggregating
 * targets do not merge the rows of each inserted block on the way in (reads merge them
 * anyway, FINAL or GROUP BY, as they must across blocks): 10-25% faster inserts, measured.
 * No date_time_input_format: occurred_at arrives as integer ms (classify.ts).
 * throw_on_max_partitions_per_insert_block 0: events are partitioned by month, and a batch
 * spanning more than 100 months (a backfill of years in random order) was refused whole
 * with TOO_MANY_PARTS, retried, then answered 500; now it is stored (slowly: a part a month).
 */
const INSERT_SETTINGS = { input_format_skip_unknown_fields: 1, optimize_on_insert: 0, throw_on_max_partitions_per_insert_block: 0 };

/** ClickHouse errors about the data itself (parse, type, value): deterministic, not worth a retry. */
const TRANSIENT_CODES = new Set(['159', '160', '164', '202', '203', '209', '210', '241', '242', '252', '285', '319', '425', '999']);
function isContentError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^\d+$/.test(code) && !TRANSIENT_CODES.has(code);
}
