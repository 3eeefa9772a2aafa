import type { Db } from '../sql/db.ts';
import { eachEventHash, storedEventIds } from '../sql/dedup.ts';
import { Bloom } from './bloom.ts';

/**
 * The ids one batch of one request has claimed. `done` settles once the batch's insert
 * is over, with the keys it did NOT store (refused by the store), or null when the
 * insert failed (or the request ended first) and nothing of it is stored. Never rejects.
 */
export class Claim {
  readonly keys: string[] = [];
  readonly done: Promise<ReadonlySet<string> | null>;
  private resolve!: (notStored: ReadonlySet<string> | null) => void;

  constructor(readonly owner: object) {
    this.done = new Promise((r) => (this.resolve = r));
  }

  /** @internal DedupIndex.release settles it. */
  settle(notStored: ReadonlySet<string> | null): void {
    this.resolve(notStored);
  }
}

/**
 * "Is (account_id, id) stored already?" for every ingested line, without a store query
 * per line. Three layers, all in this process:
 * - `claims`: ids that a request took when it parsed them and has not finished storing;
 *   exactly one request holds an id at a time, and another one carrying it waits for the
 *   holder's outcome (stored: a duplicate; not stored: it may claim the id itself);
 * - a Bloom filter of every stored or claimed id (filled from the store at start): "no"
 *   is certain;
 * - the store itself, asked only for the filter's "maybe" ids, by primary key.
 * With one server per store (the embedded default) this gives exact counts even for
 * concurrent requests. With several servers on one ClickHouse cluster, two servers can
 * both accept a racing duplicate; reads stay exact (see sql/migrations/001_events.sql).
 */
export class DedupIndex {
  readonly bloom = new Bloom();
  /** Claimed keys and their holder: at most a few batches (10,000 rows each) per request in flight. */
  private claims = new Map<string, Claim>();

  constructor(private db: Db) {}

  /** Fills the filter from the store: 4 bytes an event cross the wire (CRC32, RowBinary). */
  async load(): Promise<number> {
    return eachEventHash(this.db, (h) => this.bloom.add(h));
  }

  /** A new, empty claim for a batch of the request `owner` (any object, one per request). */
  open(owner: object): Claim {
    return new Claim(owner);
  }

  /**
   * With `claim`: 'mine' when a batch of the same request holds the key already (a
   * duplicate within the request); the other request's Claim when one holds it (wait for
   * its outcome, but only with no unwritten claim of your own: see Ingestor); otherwise
   * the key is now claimed by `claim` and the answer is 'new' (certainly not stored) or
   * 'maybe' (ask the store). Without `claim`, only asks and claims nothing.
   */
  check(key: string, hash: number, claim?: Claim): 'new' | 'maybe' | 'mine' | Claim {
    const holder = this.claims.get(key);
    if (holder) return claim && holder.owner === claim.owner ? 'mine' : holder;
    const state = this.bloom.has(hash) ? 'maybe' : 'new';
    if (claim) {
      this.claims.set(key, claim);
      claim.keys.push(key);
      // Added now, so once the claim is released the next sight of the id asks the store.
      this.bloom.add(hash);
    }
    return state;
  }

  /** Ends a claim: its keys are free again and its waiters learn the outcome. */
  release(claim: Claim, notStored: ReadonlySet<string> | null): void {
    for (const k of claim.keys) if (this.claims.get(k) === claim) this.claims.delete(k);
    claim.settle(notStored);
  }

  /** Keys claimed right now (for tests and leak checks). */
  get claimed(): number {
    return this.claims.size;
  }

  /**
   * Which of these (account, id) pairs are in the store: one primary-key lookup for the
   * whole batch (a query costs milliseconds whatever its size, so never one per account).
   */
  async stored(pairs: Array<{ account: string; id: string }>): Promise<Set<string>> {
    const accounts = [...new Set(pairs.map((p) => p.account))];
    const wanted = new Set(pairs.map((p) => `${p.account}\u0000${p.id}`));
    const rows = await storedEventIds(this.db, accounts, [...new Set(pairs.map((p) => p.id))]);
    const found = new Set<string>();
    for (const r of rows) {
      const k = `${r.account_id}\u0000${r.id}`;
      if (wanted.has(k)) found.add(k);
    }
    return found;
  }
}
