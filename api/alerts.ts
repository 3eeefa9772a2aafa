import crypto from 'node:crypto';
import { systemClock, type Clock } from '../core/clock.ts';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../sql/db.ts';
import { balance } from '../sql/billing/balance.ts';
import { getSettings } from '../sql/settings.ts';
import { getAlertState, listAlerts, pendingAlerts, saveAlert, saveAlertState, type AlertRecord, type AlertStatus } from '../sql/alerts.ts';
import { parseAllow } from '../core/webhook-guard.ts';
import { DEFAULT_RETRY, deliver, type RetryPolicy } from '../core/webhooks.ts';

/**
 * Low-balance alerts. After every stored batch (Ingestor.onStored) the balance of each
 * touched account that has a low_balance_threshold is checked (debounced per account);
 * when it goes from at-or-above the threshold to below it, one alert is recorded and, if
 * the account has a webhook_url, POSTed there as JSON through core/webhooks.ts: the one
 * webhook scheme (Webhook-Id = the alert's id, Webhook-Timestamp, Webhook-Signature keyed
 * with the account's webhook_secret) and retry policy (408, 429, 5xx and no answer are
 * retried after each delay of backoffMs; anything else is final).
 *
 * An alert records a fixed outcome, never the receiver's answer or the network error:
 * last_error is '' (delivered), 'refused' or 'failed', and last_status is the 2xx status
 * of a delivery, else 0 (shown as null). The rows are kept by sql/alerts.ts.
 *
 * One Alerter per app: built by buildApp (api/app.ts) and found at `app.ctx.alerter`.
 */

export interface AlertOptions extends RetryPolicy {
  /** quiet time after a batch before checking, ms (a bulk import checks once, not per batch) */
  debounceMs: number;
  /** WEBHOOK_ALLOW: internal hosts, addresses and CIDRs webhooks may reach */
  webhookAllow: string[];
}

export const DEFAULT_ALERT_OPTIONS: Readonly<AlertOptions> = Object.freeze({ ...DEFAULT_RETRY, debounceMs: 1000, webhookAllow: [] });

export interface AlertRow {
  id: string;
  created_at: string;
  balance: number;
  threshold: number;
  webhook_url: string | null;
  status: AlertStatus;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
}

interface State {
  below: boolean;
  balance: number | null;
  threshold: number | null;
  checked_at: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Rows written as text in a zone west or east of UTC hold "never" a few hours off the epoch. */
const never = (ms: number) => Math.abs(ms) < 2 * 86_400_000;

export class Alerter {
  readonly options: AlertOptions;
  private timers = new Map<string, NodeJS.Timeout>();
  private chains = new Map<string, Promise<void>>();
  private work = new Set<Promise<unknown>>();
  private closed = false;
  private stop = new AbortController();

  constructor(
    private db: Db,
    private log: FastifyBaseLogger,
    options: Partial<AlertOptions> = {},
    private clock: Clock = systemClock,
  ) {
    this.options = { ...DEFAULT_ALERT_OPTIONS, backoffMs: [...DEFAULT_ALERT_OPTIONS.backoffMs], ...options };
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

  /** Stops checking; deliveries waiting for a retry stop and stay pending (resumed at the next start). */
  close(): void {
    this.closed = true;
    this.stop.abort();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Deliveries left pending by a restart go on from where they were. */
  async resume(): Promise<void> {
    for (const r of await pendingAlerts(this.db)) this.track(this.deliver(r));
  }

  async list(account: string, limit: number): Promise<{ state: State; alerts: AlertRow[] }> {
    const [rows, state] = await Promise.all([listAlerts(this.db, account, limit), getAlertState(this.db, account)]);
    return {
      state: state
        ? { below: state.below, balance: state.balance, threshold: state.threshold, checked_at: iso(state.checked_ms) }
        : { below: false, balance: null, threshold: null, checked_at: null },
      alerts: rows.map((r) => ({
        id: r.id,
        created_at: iso(r.created_ms),
        balance: r.balance,
        threshold: r.threshold,
        webhook_url: r.webhook_url || null,
        status: r.status,
        attempts: r.attempts,
        // rows written before the guard kept the answer ("HTTP 418"): shown as the fixed words
        last_status: r.status === 'delivered' ? r.last_status || null : null,
        last_error: !r.last_error ? null : r.last_error === 'refused' ? 'refused' : 'failed',
        delivered_at: never(r.delivered_ms) ? null : iso(r.delivered_ms),
      })),
    };
  }

  private async evaluate(account: string): Promise<void> {
    const settings = await getSettings(this.db, account);
    const threshold = settings.low_balance_threshold;
    if (threshold === null || this.closed) return;
    const now = this.clock();
    const b = await balance(this.db, account, now);
    const before = await getAlertState(this.db, account);
    const below = b.balance < threshold;
    await saveAlertState(this.db, account, { below, balance: b.balance, threshold, checked_ms: now });
    if (!below || before?.below) return;
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
    const alert: AlertRecord = {
      account_id: account,
      id,
      created_ms: now,
      balance: b.balance,
      threshold,
      webhook_url: settings.webhook_url ?? '',
      payload,
      status: settings.webhook_url ? 'pending' : 'no_webhook',
      attempts: 0,
      last_status: 0,
      last_error: '',
      delivered_ms: 0,
    };
    await saveAlert(this.db, alert);
    this.log.warn({ account, balance: b.balance, threshold, alert: id }, 'balance fell below the low-balance threshold');
    if (settings.webhook_url) this.track(this.deliver(alert));
  }

  /** POSTs the alert by core/webhooks.ts's policy; every attempt is recorded. */
  private async deliver(alert: AlertRecord): Promise<void> {
    try {
      await this.send(alert);
    } catch (err) {
      this.log.error({ err, account: alert.account_id, alert: alert.id }, 'low-balance webhook delivery failed');
    }
  }

  private async send(alert: AlertRecord): Promise<void> {
    if (this.closed) return;
    const o = this.options;
    const { webhook_secret } = await getSettings(this.db, alert.account_id);
    const a = { ...alert };
    await deliver(
      { url: a.webhook_url, id: a.id, secret: webhook_secret ?? '', body: a.payload, userAgent: 'chat-analytics-billing/1' },
      {
        backoffMs: o.backoffMs,
        timeoutMs: o.timeoutMs,
        now: this.clock,
        allow: parseAllow(o.webhookAllow),
        signal: this.stop.signal,
        fromAttempt: a.attempts + 1,
        onAttempt: async (r) => {
          const delivered = r.outcome === 'delivered';
          a.attempts = r.attempt;
          a.last_status = delivered ? r.status : 0;
          a.last_error = delivered ? '' : r.outcome;
          a.status = delivered ? 'delivered' : r.final ? 'failed' : 'pending';
          if (delivered) a.delivered_ms = this.clock();
          else this.log.warn({ account: a.account_id, alert: a.id, attempt: r.attempt, outcome: r.outcome, detail: r.detail }, 'low-balance webhook not delivered');
          await saveAlert(this.db, a);
        },
      },
    );
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.work.add(p);
    void p.finally(() => this.work.delete(p)).catch(() => undefined);
    return p;
  }
}
