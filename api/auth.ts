import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';
import type { KeyRecord, KeyStore } from './keys.ts';
import { checkCsrf, sessionFromCookie } from './session.ts';

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
    if (!h) {
      const session = await sessionFromCookie(req, keys);
      if (session) {
        checkCsrf(req);
        req.auth = session.key;
        return;
      }
    }
    const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
    if (!m) throw new ApiError(401, 'unauthorized', 'an API key is required: Authorization: Bearer <key>');
    const rec = await keys.verify(m[1]);
    if (!rec) throw new ApiError(401, 'unauthorized', 'the API key is not valid or has been revoked');
    req.auth = rec;
  };
}

/** After requireKey: admin keys only. */
export async function requireAdmin(req: FastifyRequest): Promise<void> {
  if (req.auth.role !== 'admin') throw new ApiError(403, 'forbidden', 'this needs an admin key');
}

/** After requireKey, on /accounts/:account/... routes: the key's own account, or an admin key. */
export async function requireAccountAccess(req: FastifyRequest): Promise<void> {
  const account = (req.params as { account?: string }).account;
  if (req.auth.role === 'admin') return;
  if (account !== req.auth.account_id) throw new ApiError(403, 'forbidden', `this key belongs to another account and cannot read ${account}`);
}
