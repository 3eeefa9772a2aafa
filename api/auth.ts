import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACCOUNT_ID } from '../core/contract.ts';
import { ApiError, RetryLaterError } from './errors.ts';
import { QueryNotAllowedError, type QueryBudget } from '../sql/db.ts';
import type { KeyStore } from './keys.ts';
import type { KeyRecord } from '../sql/keys.ts';
import { checkCsrf, sessionFromCookie, SESSION_COOKIE } from './session.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auth: KeyRecord;
  }
}

/**
 * onRequest hook: a valid bearer key or 401. Without an Authorization header, the
 * dashboard's session cookie stands for the key it was made from (api/session.ts), and
 * then a state-changing request must also pass the CSRF check.
 */
export function requireKey(keys: KeyStore) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const h = req.headers.authorization;
    // No credential at all: nothing to look up, and not an attempt to count.
    if (!h && !req.cookies?.[SESSION_COOKIE]) throw new ApiError(401, 'unauthorized', 'an API key is required: Authorization: Bearer <key>');
    req.auth = await limitFailures(keys, req, async (budget) => {
      if (!h) {
        const session = await sessionFromCookie(req, keys, { budget });
        if (session) {
          checkCsrf(req);
          return session.key;
        }
      }
      const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
      if (!m) throw new ApiError(401, 'unauthorized', 'an API key is required: Authorization: Bearer <key>');
      const rec = await keys.verify(m[1], budget);
      if (!rec) throw new ApiError(401, 'unauthorized', 'the API key is not valid or has been revoked');
      return rec;
    });
  };
}

/**
 * Runs one authentication under the failure limit of its address. The per-key rate limit
 * (api/security.ts) is keyed by the token, so random tokens would each get a fresh budget
 * and a store query. So a 401 that cost a store query counts against the address (req.ip:
 * the client's, through TRUST_PROXY); past AUTH_FAILURES_PER_MIN in a minute, an
 * authentication from there that would need the store gets 429 with Retry-After instead.
 * What is answered from memory (a malformed token, a cached key or session) goes on as
 * before: it costs nothing, and a known key keeps working behind an address shared with
 * someone failing.
 */
export async function limitFailures<T>(keys: KeyStore, req: FastifyRequest, authenticate: (budget: QueryBudget) => Promise<T>): Promise<T> {
  const wait = keys.failures.blockedFor(req.ip);
  const budget: QueryBudget = { mayQuery: wait === 0, queried: false };
  try {
    return await authenticate(budget);
  } catch (err) {
    if (err instanceof QueryNotAllowedError) {
      throw new RetryLaterError(429, 'rate_limited', `more than ${keys.failures.limit} failed authentications a minute from this address; retry in ${wait} s`, wait);
    }
    if (err instanceof ApiError && err.status === 401 && budget.queried) keys.failures.fail(req.ip);
    throw err;
  }
}

/** After requireKey: admin keys only. */
export async function requireAdmin(req: FastifyRequest): Promise<void> {
  if (req.auth.role !== 'admin') throw new ApiError(403, 'forbidden', 'this needs an admin key');
}

const ACCOUNT_RE = new RegExp(ACCOUNT_ID);

/**
 * After requireKey, on /accounts/:account/... routes: the key's own account, or an admin key.
 * The id is checked here too, for every such route whatever its own schema says: an id like
 * `..` must never reach code that builds a path from it (EXPORT_DIR/<account>).
 */
export async function requireAccountAccess(req: FastifyRequest): Promise<void> {
  const account = (req.params as { account?: string }).account;
  if (account !== undefined && !ACCOUNT_RE.test(account)) {
    throw new ApiError(400, 'invalid_parameter', 'account: must be 1-64 characters of A-Z a-z 0-9 _ . -, the first a letter or digit', 'account');
  }
  if (req.auth.role === 'admin') return;
  if (account !== req.auth.account_id) throw new ApiError(403, 'forbidden', `this key belongs to another account and cannot read ${account}`);
}
