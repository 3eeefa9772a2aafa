import type { Db } from './db.ts';
import { chText } from './ch-time.ts';
import { loadSql } from './load.ts';

/** The audit log (table audit_log, migration 004): who changed keys and schedules, and when. */
export interface AuditEntry {
  actor_key_id: string;
  account_id: string;
  /** e.g. key.create, key.revoke, key.rotate, schedule.create, schedule.update, schedule.delete */
  action: string;
  target: string;
  detail?: Record<string, unknown>;
}

const LIST = loadSql(import.meta.url, 'audit-list.sql');

/** Appends to the audit log; awaited, so a change is never acknowledged without its record. */
export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db.write.insert({
    table: 'audit_log',
    values: [{ at: Date.now(), actor_key_id: e.actor_key_id, account_id: e.account_id, action: e.action, target: e.target, detail: JSON.stringify(e.detail ?? {}) }],
    format: 'JSONEachRow',
  });
}

/** Newest first; `at` as the store prints it ("YYYY-MM-DD hh:mm:ss.mmm" UTC), `detail` parsed. */
export async function listAudit(db: Db, opts: { account?: string; limit: number }): Promise<Array<Record<string, unknown>>> {
  const rows = await db.query<{ at_ms: number | string; detail: string }>(LIST, { account: opts.account ?? '', limit: opts.limit }, { output_format_json_quote_64bit_integers: 0 });
  return rows.map(({ at_ms, ...r }) => ({ at: chText(Number(at_ms)), ...r, detail: JSON.parse(r.detail) }));
}
