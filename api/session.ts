import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
// The cookie plugin's additions to the request and reply types (registered in app.ts).
import type {} from '@fastify/cookie';
import { Type, type Static } from 'typebox';
import type { Config } from './config.ts';
import { ApiError } from './errors.ts';
import type { KeyRecord, KeyStore } from './keys.ts';

/**
 * Dashboard sessions. The browser never keeps the API key: POST /api/v1/session trades it
 * for a cookie holding `<key_id>.<expires_ms>`, signed (HMAC-SHA256, @fastify/cookie) with
 * the session secret. The cookie is httpOnly (scripts cannot read it), SameSite=Strict (not
 * sent on requests started by other sites) and expires after SESSION_TTL_MS; the expiry is
 * inside the signed value too, so a replayed cookie cannot outlive it. Every request looks
 * the key id up again, so revoking the key ends its sessions.
 */
export const SESSION_COOKIE = 'ca_session';
export const SESSION_TTL_MS = 12 * 3600 * 1000;

/**
 * A browser sends a custom header only from a script of the same origin (another origin
 * would need a CORS preflight the server does not grant), so non-GET requests that
 * authenticate by cookie must carry it: with SameSite=Strict this is the CSRF defence.
 */
export const CSRF_HEADER = 'x-requested-with';

export const SessionInfo = Type.Object({
  key_id: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('account')]),
  /** The key's account ('' for an admin key, which reads every account). */
  account_id: Type.String(),
  name: Type.String(),
  /** RFC 3339; absent when the request came with a bearer key instead of a cookie. */
  expires_at: Type.Optional(Type.String()),
});
export type SessionInfo = Static<typeof SessionInfo>;

/** Accounts an admin can switch between (GET /api/v1/session/accounts). */
export const AccountList = Type.Object({ items: Type.Array(Type.String()) });
export type AccountList = Static<typeof AccountList>;

/** What the dashboard needs to know of an account before asking for numbers. */
export const AccountInfo = Type.Object({
  account_id: Type.String(),
  /** IANA zone of its calendar (its latest plan's; Asia/Jakarta without one): "today" is a date there. */
  timezone: Type.String(),
});
export type AccountInfo = Static<typeof AccountInfo>;

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

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, keyId: string, now = Date.now()): Date {
  const expires = new Date(now + SESSION_TTL_MS);
  reply.setCookie(SESSION_COOKIE, `${keyId}.${expires.getTime()}`, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    // Secure only over https: on plain http (127.0.0.1) a Secure cookie would never come back.
    secure: req.protocol === 'https',
    path: '/',
    expires,
  });
  return expires;
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
}

export interface SessionAuth {
  key: KeyRecord;
  expires: Date;
}

/**
 * The key behind the request's session cookie. null when there is no cookie; 401 when
 * there is one that is forged, expired, or whose key has been revoked.
 */
export async function sessionFromCookie(req: FastifyRequest, keys: KeyStore, now = Date.now()): Promise<SessionAuth | null> {
  const raw = req.cookies?.[SESSION_COOKIE];
  if (!raw || typeof req.unsignCookie !== 'function') return null;
  const signed = req.unsignCookie(raw);
  const m = signed.valid && signed.value ? /^([0-9a-f]{12})\.(\d{13})$/.exec(signed.value) : null;
  if (!m || Number(m[2]) <= now) throw new ApiError(401, 'unauthorized', 'the session has expired or is not valid; sign in again');
  const key = await keys.verifyId(m[1]);
  if (!key) throw new ApiError(401, 'unauthorized', 'the key of this session has been revoked; sign in with another key');
  return { key, expires: new Date(Number(m[2])) };
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
