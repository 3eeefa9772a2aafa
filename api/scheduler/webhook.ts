import crypto from 'node:crypto';
import { postWebhook, type Outcome, type WebhookAllow } from '../../core/webhook-guard.ts';

/**
 * Export webhooks: a JSON POST signed with the schedule's secret.
 *   X-Signature: sha256=<hex HMAC-SHA256 of the raw body, key = the schedule's webhook_secret>
 *   X-Timestamp: <unix seconds when sent> (also inside the signed body as sent_at, so a
 *                receiver can refuse old replays)
 * A 2xx answer delivers it. A network error, a timeout, 408, 429 or a 5xx is retried
 * after each delay of `backoffMs`; any other status is final (the receiver said no), and
 * so is a 3xx (redirects are not followed) and a URL the guard refuses
 * (core/webhook-guard.ts: internal addresses, checked again at connect time).
 */

export interface WebhookOptions {
  /** Delays before the 2nd, 3rd, ... attempt, ms. Default 1 s, 10 s, 60 s, 5 min: 5 attempts. */
  backoffMs: number[];
  /** Longest wait for one attempt's answer, ms. */
  timeoutMs: number;
  /** Stops waiting between attempts (server shutting down). */
  signal?: AbortSignal;
  /** The app's clock, for X-Timestamp and sent_at (default: the system clock). */
  now?: () => number;
  /** WEBHOOK_ALLOW, parsed: internal hosts the operator lets webhooks reach. */
  allow?: WebhookAllow;
}

export const DEFAULT_WEBHOOK: Omit<WebhookOptions, 'signal'> = { backoffMs: [1_000, 10_000, 60_000, 300_000], timeoutMs: 10_000 };

export interface Delivery {
  delivered: boolean;
  /** Attempts made, counting those of the process that began it. */
  attempts: number;
  /** The fixed word a run records (never the receiver's status or the network error). */
  outcome: Outcome;
  /** A stop cut the retries: the delivery is still due. */
  stopped: boolean;
  /** The last attempt's status or error, for the server's log only. */
  detail: string;
}

export function sign(secret: string, body: string): string {
  return 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');
}

/** Checks a signature header against a body, in constant time (for receivers, and the tests). */
export function verify(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(sign(secret, body));
  const got = Buffer.from(header);
  return want.length === got.length && crypto.timingSafeEqual(want, got);
}

/**
 * POSTs until delivered, a final answer, or the last attempt. `fromAttempt` > 1 resumes a
 * delivery an earlier process began (its first try here is at once). A stop during a
 * wait between attempts ends it with `stopped`: the run keeps its webhook pending and the
 * next start goes on with it.
 */
export async function deliver(url: string, secret: string, payload: Record<string, unknown>, opts: WebhookOptions, fromAttempt = 1): Promise<Delivery> {
  const maxAttempts = Math.max(opts.backoffMs.length + 1, fromAttempt);
  let last: Delivery = { delivered: false, attempts: fromAttempt - 1, outcome: 'failed', stopped: false, detail: '' };
  for (let attempt = fromAttempt; attempt <= maxAttempts; attempt++) {
    const sentAt = Math.floor((opts.now ?? Date.now)() / 1000);
    const body = JSON.stringify({ ...payload, sent_at: new Date(sentAt * 1000).toISOString(), attempt });
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'chat-analytics-exports/1',
      'x-signature': sign(secret, body),
      'x-timestamp': String(sentAt),
    };
    const r = await postWebhook(url, { headers, body, timeoutMs: opts.timeoutMs, allow: opts.allow });
    last = { delivered: r.outcome === 'delivered', attempts: attempt, outcome: r.outcome, stopped: false, detail: r.detail };
    if (last.delivered || !r.retryable) return last;
    if (attempt < maxAttempts) {
      const stopped = await sleep(opts.backoffMs[attempt - 1] ?? 0, opts.signal);
      if (stopped) return { ...last, stopped: true };
    }
  }
  return last;
}

/** Resolves true when aborted before `ms` passed. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
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
