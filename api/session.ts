import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
// The cookie plugin's additions to the request and reply types (registered in app.ts).
import type {} from '@fastify/cookie';
import type { SessionInfo } from '../core/wire/session.ts';
import type { Config } from '../core/config.ts';
import { ApiError } from './errors.ts';
import type { KeyStore } from './keys.ts';
import type { KeyRecord } from '../sql/keys.ts';
import type { QueryBudget } from '../sql/db.ts';

/**
 * Dashboard sessions. The browser never keeps the API key: POST /api/v1/session trades it
 * for a cookie holding `<key_id>.<expires_ms>.<session_id>`, signed (HMAC-SHA256,
 * @fastify/cookie) with the session secret. The cookie is httpOnly (scripts cannot read
 * it), SameSite=Strict (not sent on requests started by other sites), Secure when the
 * request came over https (as seen through TRUST_PROXY), and expires after SESSION_TTL_MS;
 * the expiry is inside the signed value too, so a replayed cookie cannot outlive it. The
 * session id is recorded in the store (sql/sessions.ts) and sign-out revokes it there, so
 * a copy of a signed-out cookie stops working on every instance. Every request looks the
 * key id up again, so revoking the key ends its sessions.
 */
export const SESSION_COOKIE = 'ca_session';
export const SESSION_TTL_MS = 12 * 3600 * 1000;

/**
 * A browser sends a custom header only from a script of the same origin (another origin
 * would need a CORS preflight the server does not grant), so non-GET requests that
 * authenticate by cookie must carry it: with SameSite=Strict this is the CSRF defence.
 */
export const CSRF_HEADER = 'x-requested-with';

/** SESSION_SECRET, else DATA_DIR/session.secret, made once (mode 0600) so sessions survive restarts. */
export function sessionSecret(config: Config): string {
  if (config.sessionSecret) return config.sessionSecret;
  const file = path.join(config.dataDir, 'session.secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  try {
    // 'wx': if two processes race, the second one reads the first one's secret.
    fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return fs.readFileSync(file, 'utf8').trim();
  }
}

const cookieOptions = (req: FastifyRequest) => ({
  httpOnly: true,
  sameSite: 'strict' as const,
  // Secure only over https (req.protocol believes X-Forwarded-Proto only from TRUST_PROXY):
  // on plain http (127.0.0.1) a Secure cookie would never come back.
  secure: req.protocol === 'https',
  path: '/',
});

/** Starts a session of this key: recorded in the store, then set as the cookie. */
export async function setSessionCookie(req: FastifyRequest, reply: FastifyReply, keys: KeyStore, keyId: string, now = Date.now()): Promise<Date> {
  const expires = new Date(now + SESSION_TTL_MS);
  const sessionId = crypto.randomBytes(16).toString('base64url');
  await keys.sessions.create({ session_id: sessionId, key_id: keyId, created_at: now, expires_at: expires.getTime() });
  reply.setCookie(SESSION_COOKIE, `${keyId}.${expires.getTime()}.${sessionId}`, { ...cookieOptions(req), signed: true, expires });
  return expires;
}

/** Sign-out: revokes the cookie's session in the store (when it is a genuine one) and clears it. */
export async function endSession(req: FastifyRequest, reply: FastifyReply, keys: KeyStore): Promise<void> {
  const c = parseCookie(req);
  if (c) await keys.sessions.revoke({ session_id: c.sessionId, key_id: c.keyId, created_at: c.expires - SESSION_TTL_MS, expires_at: c.expires });
  reply.clearCookie(SESSION_COOKIE, cookieOptions(req));
}

export interface SessionAuth {
  key: KeyRecord;
  expires: Date;
}

/** The signed content of the request's session cookie; null when absent, forged or of the old form. */
function parseCookie(req: FastifyRequest): { keyId: string; expires: number; sessionId: string } | null {
  const raw = req.cookies?.[SESSION_COOKIE];
  if (!raw || typeof req.unsignCookie !== 'function') return null;
  const signed = req.unsignCookie(raw);
  const m = signed.valid && signed.value ? /^([0-9a-f]{12})\.(\d{13})\.([A-Za-z0-9_-]{22})$/.exec(signed.value) : null;
  return m ? { keyId: m[1], expires: Number(m[2]), sessionId: m[3] } : null;
}

/**
 * The key behind the request's session cookie. null when there is no cookie; 401 when
 * there is one that is forged, expired, signed out, or whose key has been revoked.
 */
export async function sessionFromCookie(req: FastifyRequest, keys: KeyStore, opts: { budget?: QueryBudget; now?: number } = {}): Promise<SessionAuth | null> {
  if (!req.cookies?.[SESSION_COOKIE]) return null;
  const c = parseCookie(req);
  if (!c || c.expires <= (opts.now ?? Date.now())) throw new ApiError(401, 'unauthorized', 'the session has expired or is not valid; sign in again');
  if (!(await keys.sessions.isLive(c.sessionId, c.keyId, opts.budget))) throw new ApiError(401, 'unauthorized', 'the session has ended (signed out); sign in again');
  const key = await keys.verifyId(c.keyId, opts.budget);
  if (!key) throw new ApiError(401, 'unauthorized', 'the key of this session has been revoked; sign in with another key');
  return { key, expires: new Date(c.expires) };
}

/** Cookie-authenticated requests that change state must carry CSRF_HEADER (see above). */
export function checkCsrf(req: FastifyRequest): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
  if (!req.headers[CSRF_HEADER]) {
    throw new ApiError(403, 'csrf', `requests signed in by cookie must send the ${CSRF_HEADER} header`);
  }
}

export const sessionInfo = (key: KeyRecord, expires?: Date): SessionInfo => ({
  key_id: key.key_id,
  role: key.role,
  account_id: key.account_id,
  name: key.name,
  ...(expires ? { expires_at: expires.toISOString() } : {}),
});
