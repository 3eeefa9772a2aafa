import { freeBudget, spend, type Db, type QueryBudget } from './db.ts';
import { loadSql } from './load.ts';

/**
 * The store side of dashboard sessions (table dashboard_sessions, migration 005): which
 * session ids are alive. Revocation lives here, not in the process, because several API
 * instances share one store and a signed-out cookie must stop working on all of them.
 */
export interface SessionRow {
  session_id: string;
  key_id: string;
  /** Epoch ms. */
  created_at: number;
  /** Epoch ms. */
  expires_at: number;
}

const INSERT = loadSql(import.meta.url, 'sessions-write.sql');
const STATE = loadSql(import.meta.url, 'sessions-state.sql');

/** A session seen alive is believed for this long (ms) before the store is asked again. */
const SEEN_CACHE_MS = 5_000;

export class SessionStore {
  /** What the store said of a session (keyId; null: ended) and until when (epoch ms) to believe it. */
  private seen = new Map<string, { until: number; keyId: string | null }>();
  constructor(private db: Db) {}

  /** Records a new session (sign-in). */
  async create(row: SessionRow): Promise<void> {
    await this.db.command(INSERT, { ...row, revoked_at: 0, version: row.created_at });
    this.seen.set(row.session_id, { until: Date.now() + SEEN_CACHE_MS, keyId: row.key_id });
  }

  /**
   * Ends a session (sign-out) on every instance: at once on this one, on the others when
   * their SEEN_CACHE_MS belief runs out. The row keeps its key and expiry, so the TTL
   * still drops it; the version is at least one above the sign-in's even within one ms.
   */
  async revoke(row: SessionRow, now = Date.now()): Promise<void> {
    this.seen.set(row.session_id, { until: Infinity, keyId: null });
    await this.db.command(INSERT, { ...row, revoked_at: now, version: Math.max(now, row.created_at + 1) });
  }

  /**
   * Whether the session exists, is not revoked and belongs to this key. An ended session
   * (revoked or expired) is remembered for good, so a replayed signed-out cookie costs no
   * query; a live one for SEEN_CACHE_MS. An unknown one is not remembered: only a signed
   * cookie gets here, so it is a sign-in that has not reached this replica yet.
   */
  async isLive(sessionId: string, keyId: string, budget: QueryBudget = freeBudget()): Promise<boolean> {
    const now = Date.now();
    const hit = this.seen.get(sessionId);
    if (hit && now < hit.until) return hit.keyId === keyId;
    spend(budget);
    const [row] = await this.db.query<{ key_id: string; live: number | boolean }>(STATE, { session_id: sessionId });
    const live = !!row && Number(row.live) === 1;
    if (this.seen.size > 10_000) this.seen.clear();
    if (row) this.seen.set(sessionId, { until: live ? now + SEEN_CACHE_MS : Infinity, keyId: live ? row.key_id : null });
    return live && row.key_id === keyId;
  }
}
