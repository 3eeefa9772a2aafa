import crypto from 'node:crypto';
import { systemClock, type Clock } from '../core/clock.ts';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../sql/db.ts';
import { balance } from '../sql/billing/balance.ts';
import { getSettings } from '../sql/settings.ts';
import { parseAllow, postWebhook } from '../core/webhook-guard.ts';

/**
 * Low-balance alerts. After every stored batch (Ingestor.onStored) the balance of each
 * touched account that has a low_balance_threshold is checked (debounced per account);
 * when it goes from at-or-above the threshold to below it, one alert is recorded and, if
 * the account has a webhook_url, POSTed there as JSON, signed, and retried with
 * exponential backoff until a 2xx answer or the last attempt.
 *
 * Signature (documented in the README): headers
 *   Webhook-Id: <alert id>
 *   Webhook-Timestamp: <unix seconds of this attempt>
 *   Webhook-Signature: sha256=<hex HMAC-SHA256(key = the account's webhook_secret as
 *                      UTF-8, message = "<Webhook-Timestamp>.<raw request body>")>
 * A receiver recomputes it over the raw body and rejects stale timestamps.
 *
 * Deliveries go through core/webhook-guard.ts (public addresses only, unless WEBHOOK_ALLOW;
 * no redirects). An alert records a fixed outcome, never the receiver's answer or the
 * network error: last_error is '' (delivered), 'refused' or 'failed', and last_status is
 * the 2xx status of a delivery, else 0 (shown as null).
 */

export interface AlertOptions {
  /** delivery attempts in all */
  attempts: number;
  /** wait before the 2nd attempt, ms; doubles after each failure */
  backoffMs: number;
  /** per attempt, ms */
  timeoutMs: number;
  /** quiet time after a batch before checking, ms (a bulk import checks once, not per batch) */
  debounceMs: number;
  /** WEBHOOK_ALLOW: internal hosts, addresses and CIDRs webhooks may reach */
  webhookAllow: string[];
}

export const DEFAULT_ALERT_OPTIONS: AlertOptions = { attempts: 6, backoffMs: 2000, timeoutMs: 10_000, debounceMs: 1000, webhookAllow: [] };

export interface AlertRow {
  id: string;
  created_at: string;
  balance: number;
  threshold: number;
  webhook_url: string | null;
  status: 'pending' | 'delivered' | 'failed' | 'no_webhook';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
}

interface Stored {
  account_id: string;
  id: string;
  created_at: string;
  balance: number;
  threshold: number;
  webhook_url: string;
  payload: string;
  status: string;
  attempts: number;
  last_status: number;
  last_error: string;
  delivered_at: string;
}

interface State {
  below: boolean;
  balance: number | null;
  threshold: number | null;
  checked_at: string | null;
}

const EPOCH = '1970-01-01 00:00:00.000';
const toIso = (ch: string) => new Date(ch.replace(' ', 'T') + 'Z').toISOString();
const toCh = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export class Alerter {
  readonly options: AlertOptions;
  private timers = new Map<string, NodeJS.Timeout>();
  private chains = new Map<string, Promise<void>>();
  private work = new Set<Promise<unknown>>();
  private closed = false;
  private version = 0;

  constructor(
    private db: Db,
    private log: FastifyBaseLogger,
    options: Partial<AlertOptions> = {},
    private clock: Clock = systemClock,
  ) {
    this.options = { ...DEFAULT_ALERT_OPTIONS, ...options };
  }

  /** Ingestion hook: schedules a check of each account once batches stop arriving for debounceMs. */
  touched(accounts: Set<string>): void {
    if (this.closed) return;
    for (const a of accounts) {
      clearTimeout(this.timers.get(a));
      const timer = setTimeout(() => {
        this.timers.delete(a);
        void this.check(a);
      }, this.options.debounceMs);
      timer.unref(); // a pending check never keeps the process alive
      this.timers.set(a, timer);
    }
  }

  /** Checks one account now (serialised per account, so a crossing is seen once). */
  check(account: string): Promise<void> {
    const prev = this.chains.get(account) ?? Promise.resolve();
    const next = prev
      .then(() => this.evaluate(account))
      .catch((err) => this.log.error({ err, account }, 'low-balance check failed'));
    this.chains.set(account, next);
    return this.track(next);
  }

  /** Resolves when no check, timer or delivery is pending (tests). */
  async idle(): Promise<void> {
    while (this.work.size || this.timers.size) {
      await Promise.all([...this.work]);
      if (this.timers.size) await new Promise((r) => setTimeout(r, this.options.debounceMs + 5));
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Deliveries left pending by a restart go on from where they were. */
  async resume(): Promise<void> {
    const rows = await this.db.query<Stored>(
      "SELECT * FROM billing_alerts FINAL WHERE status = 'pending' AND webhook_url != '' ORDER BY created_at",
    );
    for (const r of rows) this.track(this.deliver({ ...r, attempts: Number(r.attempts), balance: Number(r.balance), threshold: Number(r.threshold), last_status: Number(r.last_status) }));
  }

  async list(account: string, limit: number): Promise<{ state: State; alerts: AlertRow[] }> {
    const [rows, state] = await Promise.all([
      this.db.query<Stored>('SELECT * FROM billing_alerts FINAL WHERE account_id = {account:String} ORDER BY created_at DESC, id DESC LIMIT {limit:UInt32}', { account, limit }),
      this.state(account),
    ]);
    return {
      state,
      alerts: rows.map((r) => ({
        id: r.id,
        created_at: toIso(r.created_at),
        balance: Number(r.balance),
        threshold: Number(r.threshold),
        webhook_url: r.webhook_url || null,
        status: r.status as AlertRow['status'],
        attempts: Number(r.attempts),
        // rows written before the guard kept the answer ("HTTP 418"): shown as the fixed words
        last_status: r.status === 'delivered' ? Number(r.last_status) || null : null,
        last_error: !r.last_error ? null : r.last_error === 'refused' ? 'refused' : 'failed',
        // "never" is the epoch, which the store prints in its session zone (1969-12-31 west of UTC): any instant in its first 2 days
        delivered_at: Math.abs(Date.parse(toIso(r.delivered_at))) < 2 * 86_400_000 ? null : toIso(r.delivered_at),
      })),
    };
  }

  private async state(account: string): Promise<State> {
    const [r] = await this.db.query<{ below: number; balance: string; threshold: string; checked_at: string }>(
      'SELECT below, balance, threshold, checked_at FROM billing_alert_state FINAL WHERE account_id = {account:String}',
      { account },
    );
    return r
      ? { below: Number(r.below) === 1, balance: Number(r.balance), threshold: Number(r.threshold), checked_at: toIso(r.checked_at) }
      : { below: false, balance: null, threshold: null, checked_at: null };
  }

  private async evaluate(account: string): Promise<void> {
    const settings = await getSettings(this.db, account);
    const threshold = settings.low_balance_threshold;
    if (threshold === null || this.closed) return;
    const now = this.clock();
    const b = await balance(this.db, account, now);
    const before = await this.state(account);
    const below = b.balance < threshold;
    await this.db.command('INSERT INTO billing_alert_state VALUES ({a:String}, {below:UInt8}, {b:Int64}, {t:Int64}, {at:DateTime64(3)}, {v:UInt64})', {
      a: account,
      below: below ? 1 : 0,
      b: b.balance,
      t: threshold,
      at: toCh(now),
      v: this.nextVersion(),
    });
    if (!below || before.below) return;
    const id = crypto.randomUUID();
    const payload = JSON.stringify({
      type: 'billing.low_balance',
      id,
      account_id: account,
      balance: b.balance,
      threshold,
      currency: b.currency,
      as_of: b.as_of,
      projection: b.projection,
    });
    const alert: Stored = {
      account_id: account,
      id,
      created_at: toCh(now),
      balance: b.balance,
      threshold,
      webhook_url: settings.webhook_url ?? '',
      payload,
      status: settings.webhook_url ? 'pending' : 'no_webhook',
      attempts: 0,
      last_status: 0,
      last_error: '',
      delivered_at: EPOCH,
    };
    await this.save(alert);
    this.log.warn({ account, balance: b.balance, threshold, alert: id }, 'balance fell below the low-balance threshold');
    if (settings.webhook_url) this.track(this.deliver(alert));
  }

  /** POSTs the alert until a 2xx answer or the last attempt; every attempt is recorded. */
  private async deliver(alert: Stored): Promise<void> {
    const o = this.options;
    while (alert.attempts < o.attempts && !this.closed) {
      if (alert.attempts > 0) await new Promise((r) => setTimeout(r, o.backoffMs * 2 ** (alert.attempts - 1)));
      if (this.closed) return;
      const { webhook_secret } = await getSettings(this.db, alert.account_id);
      const ts = String(Math.floor(this.clock() / 1000));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'chat-analytics-billing/1',
        'webhook-id': alert.id,
        'webhook-timestamp': ts,
      };
      if (webhook_secret) headers['webhook-signature'] = `sha256=${sign(webhook_secret, ts, alert.payload)}`;
      alert.attempts++;
      const r = await postWebhook(alert.webhook_url, { headers, body: alert.payload, timeoutMs: o.timeoutMs, allow: parseAllow(o.webhookAllow) });
      const delivered = r.outcome === 'delivered';
      alert.last_status = delivered ? r.status : 0;
      alert.last_error = delivered ? '' : r.outcome;
      if (delivered) {
        alert.status = 'delivered';
        alert.delivered_at = toCh(this.clock());
      } else {
        this.log.warn({ account: alert.account_id, alert: alert.id, attempt: alert.attempts, outcome: r.outcome, detail: r.detail }, 'low-balance webhook not delivered');
      }
      // a refused address stays refused: no more attempts
      if (!delivered && (alert.attempts >= o.attempts || r.outcome === 'refused')) alert.status = 'failed';
      await this.save(alert);
      if (alert.status !== 'pending') return;
    }
  }

  private async save(a: Stored): Promise<void> {
    await this.db.command(
      `INSERT INTO billing_alerts VALUES ({account_id:String}, {id:String}, {created_at:DateTime64(3)}, {balance:Int64}, {threshold:Int64},
        {webhook_url:String}, {payload:String}, {status:String}, {attempts:UInt32}, {last_status:UInt16}, {last_error:String},
        {delivered_at:DateTime64(3)}, {version:UInt64})`,
      { ...a, version: this.nextVersion() },
    );
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.work.add(p);
    void p.finally(() => this.work.delete(p)).catch(() => undefined);
    return p;
  }

  private nextVersion(): number {
    this.version = Math.max(this.version + 1, Date.now() * 1000);
    return this.version;
  }
}

/** HMAC-SHA256 hex of "<timestamp>.<body>" with the account's webhook secret. */
export function sign(secret: string, timestamp: string, body: string): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

const alerters = new WeakMap<object, Alerter>();

/** The one Alerter of an app context (keyed by app.ctx, shared by every plugin of the app). */
export function alerterFor(ctx: { db: Db; clock: Clock; config?: { webhookAllow: string[] } }, log: FastifyBaseLogger): { alerter: Alerter; created: boolean } {
  let alerter = alerters.get(ctx);
  if (alerter) return { alerter, created: false };
  alerter = new Alerter(ctx.db, log, { webhookAllow: ctx.config?.webhookAllow ?? [] }, ctx.clock);
  alerters.set(ctx, alerter);
  return { alerter, created: true };
}

/** The Alerter of an app (tests tune its options). */
export function alerterOf(ctx: object): Alerter | undefined {
  return alerters.get(ctx);
}
