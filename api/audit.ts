import type { Db } from '../sql/db.ts';

export interface AuditEntry {
  actor_key_id: string;
  account_id: string;
  /** e.g. key.create, key.revoke, key.rotate, schedule.create, schedule.update, schedule.delete */
  action: string;
  target: string;
  detail?: Record<string, unknown>;
}

/** Appends to the audit log; awaited, so a change is never acknowledged without its record. */
export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db.write.insert({
    table: 'audit_log',
    values: [{ at: Date.now(), actor_key_id: e.actor_key_id, account_id: e.account_id, action: e.action, target: e.target, detail: JSON.stringify(e.detail ?? {}) }],
    format: 'JSONEachRow',
  });
}

export async function listAudit(db: Db, opts: { account?: string; limit: number }): Promise<Array<Record<string, unknown>>> {
  const rows = await db.query<{ detail: string }>(
    `SELECT at, actor_key_id, account_id, action, target, detail FROM audit_log
     WHERE {account:String} = '' OR account_id = {account:String}
     ORDER BY at DESC LIMIT {limit:UInt32}`,
    { account: opts.account ?? '', limit: opts.limit },
  );
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
}
