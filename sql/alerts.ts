import type { Db } from './db.ts';
import { loadSql } from './load.ts';

/**
 * The store side of low-balance alerts (tables billing_alerts and billing_alert_state,
 * migration 021; the logic is api/alerts.ts). Both are ReplacingMergeTree(version) read
 * with FINAL: every write is the row's whole latest state at a higher version. Times go in
 * and come out as unix ms (toUnixTimestamp64Milli), never as text, which the store would
 * print in its session time zone.
 */

const SQL = {
  pending: loadSql(import.meta.url, 'alerts-pending.sql'),
  list: loadSql(import.meta.url, 'alerts-list.sql'),
  save: loadSql(import.meta.url, 'alert-save.sql'),
  state: loadSql(import.meta.url, 'alert-state.sql'),
  saveState: loadSql(import.meta.url, 'alert-state-save.sql'),
};

export type AlertStatus = 'pending' | 'delivered' | 'failed' | 'no_webhook';

/** One alert as stored. */
export interface AlertRecord {
  account_id: string;
  id: string;
  /** Unix ms. */
  created_ms: number;
  balance: number;
  threshold: number;
  /** '' without a webhook (status no_webhook). */
  webhook_url: string;
  /** The JSON body sent, verbatim. */
  payload: string;
  status: AlertStatus;
  attempts: number;
  /** The 2xx status of a delivery, else 0. */
  last_status: number;
  /** '' (delivered or not tried), 'refused' or 'failed'; older rows may hold other text. */
  last_error: string;
  /** Unix ms; 0 (the epoch): not delivered. */
  delivered_ms: number;
}

/** The result of an account's last check. */
export interface AlertState {
  below: boolean;
  balance: number;
  threshold: number;
  /** Unix ms. */
  checked_ms: number;
}

type Raw<T> = { [K in keyof T]: string | number };

const record = (r: Raw<AlertRecord>): AlertRecord => ({
  account_id: String(r.account_id),
  id: String(r.id),
  created_ms: Number(r.created_ms),
  balance: Number(r.balance),
  threshold: Number(r.threshold),
  webhook_url: String(r.webhook_url),
  payload: String(r.payload),
  status: String(r.status) as AlertStatus,
  attempts: Number(r.attempts),
  last_status: Number(r.last_status),
  last_error: String(r.last_error),
  delivered_ms: Number(r.delivered_ms),
});

let lastVersion = 0;
/** Above every version this process wrote before, even within one ms. */
function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

/** Alerts whose webhook is still due, oldest first. */
export async function pendingAlerts(db: Db): Promise<AlertRecord[]> {
  return (await db.query<Raw<AlertRecord>>(SQL.pending)).map(record);
}

/** An account's latest `limit` alerts, newest first. */
export async function listAlerts(db: Db, account: string, limit: number): Promise<AlertRecord[]> {
  return (await db.query<Raw<AlertRecord>>(SQL.list, { account, limit })).map(record);
}

/** Writes an alert's latest state. */
export async function saveAlert(db: Db, a: AlertRecord): Promise<void> {
  await db.command(SQL.save, { ...a, version: nextVersion() });
}

/** The account's last check, or null before the first. */
export async function getAlertState(db: Db, account: string): Promise<AlertState | null> {
  const [r] = await db.query<Raw<AlertState>>(SQL.state, { account });
  return r ? { below: Number(r.below) === 1, balance: Number(r.balance), threshold: Number(r.threshold), checked_ms: Number(r.checked_ms) } : null;
}

/** Records a check. */
export async function saveAlertState(db: Db, account: string, s: AlertState): Promise<void> {
  await db.command(SQL.saveState, { account, below: s.below ? 1 : 0, balance: s.balance, threshold: s.threshold, checked_ms: s.checked_ms, version: nextVersion() });
}
