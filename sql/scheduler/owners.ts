import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';

/**
 * Heartbeats of the owners of export runs (table export_run_owners, migration 031). Who an
 * owner is and when it counts as alive is api/scheduler/owner.ts's business.
 */
const SQL = {
  fresh: loadSql(import.meta.url, 'owners-fresh.sql'),
  beat: loadSql(import.meta.url, 'owners-beat.sql'),
};

/** Of these owners, those with a heartbeat younger than `leaseS` seconds. */
export async function beatingOwners(db: Db, owners: string[], leaseS: number): Promise<Set<string>> {
  if (!owners.length) return new Set();
  const rows = await db.query<{ owner: string }>(SQL.fresh, { owners, lease: leaseS });
  return new Set(rows.map((r) => r.owner));
}

export async function writeHeartbeat(db: Db, owner: string): Promise<void> {
  await db.command(SQL.beat, { owner });
}
