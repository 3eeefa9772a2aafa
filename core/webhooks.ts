import crypto from 'node:crypto';
import { systemClock, type Clock } from './clock.ts';
import { postWebhook, type Outcome, type WebhookAllow } from './webhook-guard.ts';

/**
 * Every webhook the service sends (low-balance alerts, export runs) is signed, verified and
 * delivered here, with one scheme and one retry policy (README "Webhooks").
 *
 * A webhook is a POST of a JSON body with the headers
 *   Content-Type:      application/json
 *   Webhook-Id:        the event's id (an alert's id, an export run's id): the same on
 *                      every attempt of one event, so a receiver can drop repeats
 *   Webhook-Timestamp: unix seconds (decimal) of this attempt, read from the app's clock
 *   Webhook-Signature: sha256=<lower-case hex of HMAC-SHA256(key = the secret's UTF-8
 *                      bytes, message = "<Webhook-Timestamp>.<raw request body>")>
 * The secret is the account's (settings) or the schedule's `webhook_secret`. A receiver
 * recomputes the HMAC over the bytes it got, compares in constant time, and refuses a
 * timestamp more than TOLERANCE_SEC away from its own clock (a replay): `verify` below.
 *
 * Retry policy: a 2xx answer delivers. No answer (network error, timeout), 408, 429 or a
 * 5xx is tried again after each delay of `backoffMs` in turn (so `backoffMs.length + 1`
 * attempts in all); any other answer is final (the receiver said no), and so is a 3xx
 * (redirects are not followed) and an address the guard refuses (core/webhook-guard.ts:
 * internal addresses, checked again at connect time). What a delivery records is one of
 * the guard's fixed words, delivered / refused / failed, never the receiver's answer.
 *
 * Time: the timestamp comes from the injected clock (`now`, core/clock.ts); the waits
 * between attempts are real durations (setTimeout), replaceable with `sleep` in tests.
 */

export const HEADER_ID = 'webhook-id';
export const HEADER_TIMESTAMP = 'webhook-timestamp';
export const HEADER_SIGNATURE = 'webhook-signature';
/** The one signature version: the header's value is `sha256=<hex>`. */
export const SIGNATURE_PREFIX = 'sha256=';
/** How far (seconds, either way) a receiver lets Webhook-Timestamp be from its own clock. */
export const TOLERANCE_SEC = 300;

export interface RetryPolicy {
  /** Delays before the 2nd, 3rd, ... attempt, ms: `backoffMs.length + 1` attempts in all. */
  backoffMs: number[];
  /** Longest wait for one attempt's answer, ms. */
  timeoutMs: number;
}

/** 1 s, 10 s, 60 s, 5 min: 5 attempts over about 6 minutes; 10 s per attempt. */
export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({ backoffMs: [1_000, 10_000, 60_000, 300_000], timeoutMs: 10_000 });

/** HMAC-SHA256, lower-case hex, of "<timestamp>.<body>" keyed with the secret (UTF-8). */
export function sign(secret: string, timestamp: string | number, body: string | Uint8Array): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The headers of one attempt: id, timestamp (unix seconds) and, with a secret, the signature. */
export function signedHeaders(id: string, secret: string, timestamp: number, body: string): Record<string, string> {
  const h: Record<string, string> = { [HEADER_ID]: id, [HEADER_TIMESTAMP]: String(timestamp) };
  if (secret) h[HEADER_SIGNATURE] = SIGNATURE_PREFIX + sign(secret, timestamp, body);
  return h;
}

/** Node's IncomingHttpHeaders, a plain record (any case), or a fetch Headers. */
export type HeaderBag = Record<string, string | string[] | undefined> | { get(name: string): string | null };

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const rec = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : rec[key];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The receiver's check (a reference for integrators, and the tests): true when
 * Webhook-Signature is the HMAC of "<Webhook-Timestamp>.<body>" under `secret` and the
 * timestamp is within `toleranceSec` of `now` (unix ms). `body` is the raw body as
 * received (bytes or the exact string), not a re-serialised object.
 */
export function verify(secret: string, headers: HeaderBag, body: string | Uint8Array, now: number, toleranceSec = TOLERANCE_SEC): boolean {
  const ts = header(headers, HEADER_TIMESTAMP)?.trim();
  const got = header(headers, HEADER_SIGNATURE)?.trim();
  if (!secret || !ts || !got || !/^\d{1,12}$/.test(ts)) return false;
  if (Math.abs(now / 1000 - Number(ts)) > toleranceSec) return false;
  const want = Buffer.from(SIGNATURE_PREFIX + sign(secret, ts, body));
  const have = Buffer.from(got);
  return want.length === have.length && crypto.timingSafeEqual(want, have);
}

export interface WebhookMessage {
  url: string;
  /** Webhook-Id: the same on every attempt. */
  id: string;
  /** The signing key; '' sends the webhook unsigned (no Webhook-Signature). */
  secret: string;
  /** The raw JSON body, or a function making each attempt's (a body naming its attempt or time). */
  body: string | ((attempt: { attempt: number; timestamp: number }) => string);
  userAgent?: string;
}

export interface Attempt {
  /** 1-based, counting attempts of an earlier process (`fromAttempt`). */
  attempt: number;
  outcome: Outcome;
  /** The receiver's HTTP status, 0 without an answer (for logs and the delivered case). */
  status: number;
  /** No more attempts follow (delivered, a final answer, or the last attempt). */
  final: boolean;
  /** What happened, for the server's log only. */
  detail: string;
}

export interface DeliverOptions extends RetryPolicy {
  /** The app's clock, for Webhook-Timestamp (default: the system clock). */
  now?: Clock;
  /** WEBHOOK_ALLOW, parsed: internal hosts the operator lets webhooks reach. */
  allow?: WebhookAllow;
  /** Stops waiting between attempts (shutting down): the delivery ends `stopped`. */
  signal?: AbortSignal;
  /** > 1 goes on with a delivery an earlier process began; its first try here is at once (and always made). */
  fromAttempt?: number;
  /** Called, and awaited, after every attempt (to record it). */
  onAttempt?: (a: Attempt) => unknown;
  /** Waits `ms`, resolving true when `signal` aborted first (default: setTimeout). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<boolean>;
}

export interface Delivery {
  delivered: boolean;
  /** Attempts made, counting those of the process that began it. */
  attempts: number;
  /** The fixed word to record (never the receiver's status or the network error). */
  outcome: Outcome;
  /** The last attempt's HTTP status, 0 without an answer. */
  status: number;
  /** A stop cut the retries: the delivery is still due. */
  stopped: boolean;
  /** The last attempt's status or error, for the server's log only. */
  detail: string;
}

/** POSTs until delivered, a final answer, the last attempt, or a stop during a wait. */
export async function deliver(msg: WebhookMessage, opts: DeliverOptions): Promise<Delivery> {
  const now = opts.now ?? systemClock;
  const wait = opts.sleep ?? sleep;
  const from = Math.max(1, Math.floor(opts.fromAttempt ?? 1));
  const maxAttempts = Math.max(opts.backoffMs.length + 1, from);
  let last: Delivery = { delivered: false, attempts: from - 1, outcome: 'failed', status: 0, stopped: false, detail: '' };
  for (let attempt = from; attempt <= maxAttempts; attempt++) {
    if (attempt > from && (await wait(opts.backoffMs[attempt - 2] ?? 0, opts.signal))) return { ...last, stopped: true };
    const timestamp = Math.floor(now() / 1000);
    const body = typeof msg.body === 'function' ? msg.body({ attempt, timestamp }) : msg.body;
    const headers = {
      'content-type': 'application/json',
      'user-agent': msg.userAgent ?? 'chat-analytics-webhooks/1',
      ...signedHeaders(msg.id, msg.secret, timestamp, body),
    };
    const r = await postWebhook(msg.url, { headers, body, timeoutMs: opts.timeoutMs, allow: opts.allow });
    const delivered = r.outcome === 'delivered';
    const final = delivered || !r.retryable || attempt >= maxAttempts;
    last = { delivered, attempts: attempt, outcome: r.outcome, status: r.status, stopped: false, detail: r.detail };
    await opts.onAttempt?.({ attempt, outcome: r.outcome, status: r.status, final, detail: r.detail });
    if (final) return last;
  }
  return last;
}

/** Resolves true when aborted before `ms` passed. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(true);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
