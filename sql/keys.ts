import type { Db } from './db.ts';
import { chText, chTextOrNull } from './ch-time.ts';
import { loadSql } from './load.ts';

/**
 * The store side of API keys (table api_keys, migration 003): rows and their versions.
 * How keys look, are hashed and verified is api/keys.ts's business; this module only
 * reads and writes rows.
 */
export interface KeyRecord {
  key_id: string;
  account_id: string;
  role: 'admin' | 'account';
  name: string;
  /** As the store prints it: "YYYY-MM-DD hh:mm:ss.mmm" UTC (ISO 8601 in a new key's answer). */
  created_at: string;
  revoked_at: string | null;
}

export type StoredKey = KeyRecord & { hash: string };

const SQL = {
  list: loadSql(import.meta.url, 'keys-list.sql'),
  lookup: loadSql(import.meta.url, 'keys-lookup.sql'),
  adminIds: loadSql(import.meta.url, 'keys-admin-ids.sql'),
};

/** 64-bit integers (the ms times) as JSON numbers: they stay below 2^53. */
const SETTINGS = { output_format_json_quote_64bit_integers: 0 };

interface Raw extends Omit<KeyRecord, 'created_at' | 'revoked_at'> {
  hash?: string;
  created_ms: number | string;
  revoked_ms: number | string | null;
}

const fromRow = ({ created_ms, revoked_ms, ...r }: Raw) => ({ ...r, created_at: chText(Number(created_ms)), revoked_at: chTextOrNull(revoked_ms) });

/** Writes a new key's row: `record` as answered, its secret only as `hash`. */
export async function insertKey(db: Db, record: KeyRecord, hash: string): Promise<void> {
  await db.write.insert({
    table: 'api_keys',
    values: [{ ...record, created_at: Date.now(), hash, version: Date.now() }],
    format: 'JSONEachRow',
  });
}

export async function listKeys(db: Db, account?: string): Promise<KeyRecord[]> {
  const rows = await db.query<Raw>(SQL.list, { account: account ?? '' }, SETTINGS);
  return rows.map(fromRow) as KeyRecord[];
}

/** The row of a key id (revoked or not), with its hash; null for an unknown id. */
export async function lookupKey(db: Db, keyId: string): Promise<StoredKey | null> {
  const [row] = await db.query<Raw>(SQL.lookup, { id: keyId }, SETTINGS);
  return row ? (fromRow(row) as StoredKey) : null;
}

/** Revokes a key: its row again, with revoked_at and a newer version. false for an unknown id. */
export async function revokeKey(db: Db, keyId: string): Promise<boolean> {
  const [r] = await db.query<Raw>(SQL.lookup, { id: keyId }, SETTINGS);
  if (!r) return false;
  const now = Date.now();
  const { created_ms, revoked_ms: _revoked, ...rest } = r;
  await db.write.insert({
    table: 'api_keys',
    values: [{ ...rest, created_at: Number(created_ms), revoked_at: now, version: now }],
    format: 'JSONEachRow',
  });
  return true;
}

export async function adminKeyIds(db: Db): Promise<Set<string>> {
  const rows = await db.query<{ key_id: string }>(SQL.adminIds);
  return new Set(rows.map((r) => r.key_id));
}
