import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { limitFailures, requireAccountAccess, requireKey } from '../auth.ts';
import { accountTimezone } from '../../sql/account.ts';
import { accountKnown, knownAccounts } from '../../sql/admin.ts';
import { ACCOUNT_ID } from '../../core/contract.ts';
import { ApiError } from '../errors.ts';
import {
  checkCsrf,
  endSession,
  sessionFromCookie,
  sessionInfo,
  setSessionCookie,
  CSRF_HEADER,
} from '../session.ts';
import { errors, ref } from './openapi-schemas.ts';

const tags = ['session'];
const csrfNote = `Needs the ${CSRF_HEADER} header (any value): see README "Dashboard".`;

/**
 * Dashboard sign-in (api/session.ts says how the cookie is made). Registered outside the
 * key check: signing in is how a browser gets one.
 */
export async function sessionRoutes(app: FastifyInstance): Promise<void> {
  const keys = app.ctx.keys;

  app.post(
    '/session',
    {
      schema: {
        summary: 'Sign in: trade an API key for an httpOnly session cookie (12 h)',
        description: csrfNote,
        tags,
        security: [],
        body: Type.Object({ key: Type.String({ minLength: 1, maxLength: 512 }) }),
        response: { 200: ref('SessionInfo', 'Signed in: the session cookie is set') },
        errorResponses: errors([400, 401, 403, 413, 415, 429, 500], { 401: 'The API key is not valid or has been revoked', 403: 'Without the X-Requested-With header' }),
      },
    },
    async (req, reply) => {
      // Also on sign-in: another site must not be able to sign a browser in with its own key.
      checkCsrf(req);
      // Guessing keys here counts against the address like any failed authentication (api/auth.ts).
      const key = await limitFailures(keys, req, async (budget) => {
        const rec = await keys.verify((req.body as { key: string }).key.trim(), budget);
        if (!rec) throw new ApiError(401, 'unauthorized', 'the API key is not valid or has been revoked');
        return rec;
      });
      const expires = await setSessionCookie(req, reply, keys, key.key_id);
      return sessionInfo(key, expires);
    },
  );

  app.get(
    '/session',
    { schema: { summary: 'Who am I: the key behind the session cookie (or bearer key)', tags, response: { 200: ref('SessionInfo') }, errorResponses: errors([401, 429, 500]) } },
    async (req) => {
      await requireKey(keys)(req, undefined as never);
      const session = req.headers.authorization ? null : await sessionFromCookie(req, keys);
      return sessionInfo(req.auth, session?.expires);
    },
  );

  app.delete(
    '/session',
    {
      schema: {
        summary: 'Sign out: ends the session (on every instance) and clears the cookie',
        description: csrfNote,
        tags,
        security: [],
        response: { 204: Type.Null({ description: 'Signed out' }) },
        errorResponses: errors([403, 429, 500], { 403: 'Without the X-Requested-With header' }),
      },
    },
    async (req, reply) => {
      // Signing out needs no valid session (an expired one must still be clearable), only the
      // header; a genuine session is also revoked in the store, so a copy of the cookie stops working.
      checkCsrf(req);
      await endSession(req, reply, keys);
      reply.status(204);
      return null;
    },
  );

  app.get(
    '/session/accounts',
    {
      schema: {
        summary: 'Accounts an admin can switch between: every account with events or a key',
        tags,
        response: { 200: ref('AccountList') },
        errorResponses: errors([401, 429, 500]),
      },
    },
    async (req) => {
      await requireKey(keys)(req, undefined as never);
      if (req.auth.role !== 'admin') return { items: [req.auth.account_id] };
      return { items: await knownAccounts(app.ctx.db) };
    },
  );

  app.get(
    '/session/accounts/:account',
    {
      schema: {
        summary: "An account's time zone, in which the dashboard reckons dates",
        tags,
        params: Type.Object({ account: Type.String({ pattern: ACCOUNT_ID }) }),
        response: { 200: ref('AccountInfo') },
        errorResponses: errors([400, 401, 403, 404, 429, 500]),
      },
    },
    async (req) => {
      await requireKey(keys)(req, undefined as never);
      await requireAccountAccess(req);
      const account = (req.params as { account: string }).account;
      // An admin typing an account that does not exist should hear so, not see zeros; an
      // account key reads its own account, events or not.
      if (req.auth.role === 'admin' && !(await accountKnown(app.ctx.db, account))) {
        throw new ApiError(404, 'not_found', `no account ${account}: it has no events and no key`);
      }
      return { account_id: account, timezone: await accountTimezone(app.ctx.db, account) };
    },
  );
}
