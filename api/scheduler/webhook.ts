import crypto from 'node:crypto';
import { DEFAULT_RETRY, deliver as send, type DeliverOptions, type Delivery } from '../../core/webhooks.ts';

/**
 * Export webhooks: the run's end, POSTed as JSON through core/webhooks.ts (the one scheme
 * and retry policy of every webhook: Webhook-Id = the run's id, Webhook-Timestamp,
 * Webhook-Signature keyed with the schedule's webhook_secret). Each attempt's body also
 * names its attempt and its time (`attempt`, `sent_at` = Webhook-Timestamp as RFC 3339).
 */

export type WebhookOptions = Pick<DeliverOptions, 'backoffMs' | 'timeoutMs' | 'signal' | 'now' | 'allow'>;

export const DEFAULT_WEBHOOK: Omit<WebhookOptions, 'signal'> = { backoffMs: [...DEFAULT_RETRY.backoffMs], timeoutMs: DEFAULT_RETRY.timeoutMs };

export type { Delivery };

/**
 * POSTs until delivered, a final answer, or the last attempt. `fromAttempt` > 1 resumes a
 * delivery an earlier process began (its first try here is at once). A stop during a
 * wait between attempts ends it with `stopped`: the run keeps its webhook pending and the
 * next start goes on with it.
 */
export function deliver(url: string, secret: string, payload: Record<string, unknown>, opts: WebhookOptions, fromAttempt = 1): Promise<Delivery> {
  const run = payload.run as { id?: unknown } | undefined;
  const id = typeof run?.id === 'string' && run.id ? run.id : crypto.randomUUID();
  return send(
    {
      url,
      id,
      secret,
      userAgent: 'chat-analytics-exports/1',
      body: ({ attempt, timestamp }) => JSON.stringify({ ...payload, sent_at: new Date(timestamp * 1000).toISOString(), attempt }),
    },
    { ...opts, fromAttempt },
  );
}
