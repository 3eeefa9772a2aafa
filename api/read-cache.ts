import type { Db } from '../sql/db.ts';
import { accountVersion } from '../sql/account.ts';

/**
 * Answers of report reads, shared and kept per account data version (sql/account.ts):
 * - identical requests in flight share one computation;
 * - a finished answer is kept, least recently used out first, and served again only
 *   while the account's version is the one it was computed at.
 * The version is read from the store at the start of every request, so an answer never
 * misses events acknowledged before the request came in, on this instance or another
 * sharing the store (the version is bumped inside the INSERT that stores a batch). Keys are
 * built from checked inputs (parsed filters, resolved months), never from the raw URL, so
 * "the last 30 days" resolves against the clock before it is looked up.
 */
export class ReadCache {
  private readonly done = new Map<string, unknown>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private hits = 0;
  private shared = 0;
  private computed = 0;

  constructor(
    private readonly db: Db,
    /** Answers kept at most (READ_CACHE_ENTRIES); 0 turns the cache off (requests in flight are still shared). */
    private readonly maxEntries: number,
  ) {}

  /** The answer of `key` for `account` at its current data version: kept, in flight, or `compute()`d now. */
  // Callers are account GET routes, each already admitted once with all its queries (the
  // onRoute wrapper in api/app.ts), so the version read and the computation are not refused halfway.
  async get<T>(account: string, key: string, compute: () => Promise<T>): Promise<T> {
    const k = `${account}\u0000${await accountVersion(this.db, account)}\u0000${key}`;
    if (this.done.has(k)) {
      const v = this.done.get(k) as T;
      // Least recently used out first: a hit moves to the end.
      this.done.delete(k);
      this.done.set(k, v);
      this.hits++;
      return v;
    }
    const running = this.inflight.get(k) as Promise<T> | undefined;
    if (running) {
      this.shared++;
      return running;
    }
    const p = compute();
    this.inflight.set(k, p);
    this.computed++;
    try {
      const v = await p;
      if (this.maxEntries > 0) {
        this.done.set(k, v);
        while (this.done.size > this.maxEntries) this.done.delete(this.done.keys().next().value as string);
      }
      return v;
    } finally {
      this.inflight.delete(k);
    }
  }

  /** Counts since start: answers served from the cache, shared with a request in flight, computed. */
  stats(): { hits: number; shared: number; computed: number; entries: number } {
    return { hits: this.hits, shared: this.shared, computed: this.computed, entries: this.done.size };
  }
}
