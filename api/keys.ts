import crypto from 'node:crypto';
import type { Db } from '../sql/db.ts';

export interface KeyRecord {
  key_id: string;
  account_id: string;
  role: 'admin' | 'account';
  name: string;
  created_at: string;
  revoked_at: string | null;
}

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
  await db.write.insert({
    table: 'api_keys',
    values: [{ ...record, created_at: Date.now(), hash: sha256(key), version: Date.now() }],
    format: 'JSONEachRow',
  });
  return { key, record };
}

export async function listKeys(db: Db, account?: string): Promise<KeyRecord[]> {
  return db.query<KeyRecord>(
    `SELECT key_id, account_id, role, name, created_at, revoked_at FROM api_keys FINAL
     WHERE {account:String} = '' OR account_id = {account:String} ORDER BY created_at`,
    { account: account ?? '' },
  );
}

export async function revokeKey(db: Db, keyId: string): Promise<boolean> {
  const rows = await db.query<KeyRecord & { hash: string }>('SELECT * FROM api_keys FINAL WHERE key_id = {id:String}', { id: keyId });
  if (!rows.length) return false;
  const now = Date.now();
  const r = rows[0];
  await db.write.insert({
    table: 'api_keys',
    values: [{ ...r, created_at: Date.parse(r.created_at + 'Z'), revoked_at: now, version: now }],
    format: 'JSONEachRow',
  });
  return true;
}

/**
 * Finds the key of a bearer token, comparing hashes in constant time. Results are cached
 * for 10 s (a revoked key stops working within that; at once on this instance).
 */
export class KeyStore {
  private cache = new Map<string, { at: number; rec: (KeyRecord & { hash: string }) | null }>();
  constructor(private db: Db) {}

  async verify(token: string): Promise<KeyRecord | null> {
    const m = KEY_RE.exec(token);
    const keyId = m ? m[1] : sha256(token).slice(0, 12);
    const rec = await this.lookup(keyId);
    if (!rec || rec.revoked_at) return null;
    const a = Buffer.from(rec.hash, 'hex');
    const b = Buffer.from(sha256(token), 'hex');
    return a.length === b.length && crypto.timingSafeEqual(a, b) ? rec : null;
  }

  /**
   * The live (not revoked) key of an id, without its secret: dashboard sessions carry only
   * the key id, and this re-checks on every request that the key still stands.
   */
  async verifyId(keyId: string): Promise<KeyRecord | null> {
    const rec = await this.lookup(keyId);
    if (!rec || rec.revoked_at) return null;
    const { hash: _hash, ...pub } = rec;
    return pub;
  }

  forget(keyId: string): void {
    this.cache.delete(keyId);
  }

  private async lookup(keyId: string): Promise<(KeyRecord & { hash: string }) | null> {
    let hit = this.cache.get(keyId);
    if (!hit || Date.now() - hit.at > 10_000) {
      const rows = await this.db.query<KeyRecord & { hash: string }>(
        'SELECT key_id, hash, account_id, role, name, created_at, revoked_at FROM api_keys FINAL WHERE key_id = {id:String}',
        { id: keyId },
      );
      hit = { at: Date.now(), rec: rows[0] ?? null };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(keyId, hit);
    }
    return hit.rec;
  }
}
