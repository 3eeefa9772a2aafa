import crypto from 'node:crypto';

/**
 * Export webhooks: a JSON POST signed with the schedule's secret.
 *   X-Signature: sha256=<hex HMAC-SHA256 of the raw body, key = the schedule's webhook_secret>
 *   X-Timestamp: <unix seconds when sent> (also inside the signed body as sent_at, so a
 *                receiver can refuse old replays)
 * A 2xx answer delivers it. A network error, a timeout, 408, 429 or a 5xx is retried
 * after each delay of `backoffMs`; any other status is final (the receiver said no).
 */

export interface WebhookOptions {
  /** Delays before the 2nd, 3rd, ... attempt, ms. Default 1 s, 10 s, 60 s, 5 min: 5 attempts. */
  backoffMs: number[];
  /** Longest wait for one attempt's answer, ms. */
  timeoutMs: number;
  /** Stops waiting between attempts (server shutting down). */
  signal?: AbortSignal;
}

export const DEFAULT_WEBHOOK: Omit<WebhookOptions, 'signal'> = { backoffMs: [1_000, 10_000, 60_000, 300_000], timeoutMs: 10_000 };

export interface Delivery {
  delivered: boolean;
  attempts: number;
  /** The last failure, '' when delivered. */
  error: string;
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

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

export async function deliver(url: string, secret: string, payload: Record<string, unknown>, opts: WebhookOptions): Promise<Delivery> {
  let error = '';
  const maxAttempts = opts.backoffMs.length + 1;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const sentAt = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ ...payload, sent_at: new Date(sentAt * 1000).toISOString(), attempt });
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'chat-analytics-exports/1',
          'x-signature': sign(secret, body),
          'x-timestamp': String(sentAt),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      // the answer's body is not used; read it so the connection is freed
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { delivered: true, attempts: attempt, error: '' };
      error = `HTTP ${res.status}`;
      if (!retryable(res.status)) return { delivered: false, attempts: attempt, error };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      error = err.name === 'TimeoutError' ? `no answer in ${opts.timeoutMs} ms` : (err.cause?.code ?? err.message);
    }
    if (attempt < maxAttempts) {
      const stopped = await sleep(opts.backoffMs[attempt - 1], opts.signal);
      if (stopped) return { delivered: false, attempts: attempt, error: `${error}; not retried: the server is stopping` };
    }
  }
  return { delivered: false, attempts: maxAttempts, error };
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
