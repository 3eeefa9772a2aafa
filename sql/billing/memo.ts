import type { Db } from '../db.ts';
import { tuning } from '../../core/config.ts';

/**
 * Memo of billing results that depend only on an account's derivation, plan history,
 * first event and time zone (sync.ts puts all four in Fresh.key): the quota chain and
 * month-bucketed charges. Every re-derivation writes a new version, so a changed input
 * is a new key: a hit is exactly what the query would return. Per Db, least recently
 * used out first. BILLING_MEMO=0 turns it off (to measure the queries).
 */

const MAX_ENTRIES = 256;
const memos = new WeakMap<Db, Map<string, Promise<unknown>>>();

export function memo<T>(db: Db, key: string | null, fn: () => Promise<T>): Promise<T> {
  if (!tuning().billingMemo || key === null) return fn();
  let m = memos.get(db);
  if (!m) memos.set(db, (m = new Map()));
  const hit = m.get(key) as Promise<T> | undefined;
  if (hit) {
    m.delete(key);
    m.set(key, hit);
    return hit;
  }
  const p = fn();
  m.set(key, p);
  p.catch(() => m!.delete(key));
  while (m.size > MAX_ENTRIES) m.delete(m.keys().next().value as string);
  return p;
}
