import crypto from 'node:crypto';
import { freeBudget, spend, type Db, type QueryBudget } from '../sql/db.ts';
import { adminKeyIds, insertKey, lookupKey, type KeyRecord, type StoredKey } from '../sql/keys.ts';
import { SessionStore } from '../sql/sessions.ts';

/** Keys look like `cak_<12 hex id>_<43 chars secret>`: the id finds the row, the hash proves it. */
const KEY_RE = /^cak_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export async function createKey(db: Db, opts: { account?: string; name?: string; key?: string }): Promise<{ key: string; record: KeyRecord }> {
  const key = opts.key ?? `cak_${crypto.randomBytes(6).toString('hex')}_${crypto.randomBytes(32).toString('base64url')}`;
  const m = KEY_RE.exec(key);
  // ADMIN_API_KEY may be any string of 16+ characters; its id is derived from its hash.
  const keyId = m ? m[1] : sha256(key).slice(0, 12);
  const record: KeyRecord = {
    key_id: keyId,
    account_id: opts.account ?? '',
    role: opts.account ? 'account' : 'admin',
    name: opts.name ?? '',
    created_at: new Date().toISOString(),
    revoked_at: null,
  };
  await insertKey(db, record, sha256(key));
  return { key, record };
}

/** ADMIN_API_KEY, the only key of free form, has at least this many characters (api/bootstrap.ts). */
const MIN_FREE_FORM = 16;

/**
 * Finds the key of a bearer token, comparing hashes in constant time. Results are cached
 * for 10 s (a revoked key stops working within that; at once on this instance). Each
 * store query is spent from the caller's QueryBudget (api/auth.ts limits failing addresses).
 *
 * A token without the `cak_` form can only be an ADMIN_API_KEY: such a token is looked up
 * only when its derived id is among the admin key ids (one query for all of them, cached
 * 10 s), so random tokens cost no store query each.
 */
export class KeyStore {
  private cache = new Map<string, { at: number; rec: StoredKey | null }>();
  private adminIds: { at: number; ids: Promise<Set<string>> } | null = null;
  /** Failed authentications per address (api/auth.ts): AUTH_FAILURES_PER_MIN. */
  readonly failures: FailureWindow;
  /** Dashboard sessions made from these keys (api/session.ts). */
  readonly sessions: SessionStore;
  constructor(
    private db: Db,
    opts: { authFailuresPerMin?: number } = {},
  ) {
    this.failures = new FailureWindow(opts.authFailuresPerMin ?? 0);
    this.sessions = new SessionStore(db);
  }

  async verify(token: string, budget: QueryBudget = freeBudget()): Promise<KeyRecord | null> {
    const m = KEY_RE.exec(token);
    let keyId: string;
    if (m) keyId = m[1];
    else {
      if (token.length < MIN_FREE_FORM || token.startsWith('cak_')) return null;
      keyId = sha256(token).slice(0, 12);
      if (!(await this.adminKeyIds(budget)).has(keyId)) return null;
    }
    const rec = await this.lookup(keyId, budget);
    if (!rec || rec.revoked_at) return null;
    const a = Buffer.from(rec.hash, 'hex');
    const b = Buffer.from(sha256(token), 'hex');
    return a.length === b.length && crypto.timingSafeEqual(a, b) ? rec : null;
  }

  /**
   * The live (not revoked) key of an id, without its secret: dashboard sessions carry only
   * the key id, and this re-checks on every request that the key still stands.
   */
  async verifyId(keyId: string, budget: QueryBudget = freeBudget()): Promise<KeyRecord | null> {
    const rec = await this.lookup(keyId, budget);
    if (!rec || rec.revoked_at) return null;
    const { hash: _hash, ...pub } = rec;
    return pub;
  }

  forget(keyId: string): void {
    this.cache.delete(keyId);
    this.adminIds = null;
  }

  private async adminKeyIds(budget: QueryBudget): Promise<Set<string>> {
    if (!this.adminIds || Date.now() - this.adminIds.at > 10_000) {
      spend(budget);
      // Concurrent callers share the one query in flight; a failed one is not kept.
      const ids = adminKeyIds(this.db);
      const entry = { at: Date.now(), ids };
      this.adminIds = entry;
      ids.catch(() => {
        if (this.adminIds === entry) this.adminIds = null;
      });
    }
    return this.adminIds.ids;
  }

  private async lookup(keyId: string, budget: QueryBudget): Promise<StoredKey | null> {
    let hit = this.cache.get(keyId);
    if (!hit || Date.now() - hit.at > 10_000) {
      spend(budget);
      hit = { at: Date.now(), rec: await lookupKey(this.db, keyId) };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(keyId, hit);
    }
    return hit.rec;
  }
}

/**
 * Counts failures per address in fixed one-minute windows. At `limit` failures an address
 * is refused until its window ends. In memory, per instance: it bounds the store queries
 * one address can cause here, which is what it is for. 0 = no limit.
 */
export class FailureWindow {
  private windows = new Map<string, { start: number; n: number }>();
  constructor(readonly limit: number) {}

  /** Seconds until `addr` may try again, or 0 when it may now. */
  blockedFor(addr: string, now = Date.now()): number {
    const w = this.windows.get(addr);
    if (!this.limit || !w || now - w.start >= 60_000 || w.n < this.limit) return 0;
    return Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
  }

  fail(addr: string, now = Date.now()): void {
    if (!this.limit) return;
    let w = this.windows.get(addr);
    if (!w || now - w.start >= 60_000) {
      // Bounded memory: past 100,000 addresses, windows that have ended are dropped (all, if none has).
      if (this.windows.size >= 100_000) {
        for (const [k, v] of this.windows) if (now - v.start >= 60_000) this.windows.delete(k);
        if (this.windows.size >= 100_000) this.windows.clear();
      }
      w = { start: now, n: 0 };
      this.windows.set(addr, w);
    }
    w.n++;
  }
}
