import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ACCOUNT_ID } from '../../core/contract.ts';
import { requireAdmin } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { audit, listAudit } from '../../sql/audit.ts';
import { createKey } from '../keys.ts';
import { listKeys, revokeKey } from '../../sql/keys.ts';
import { errors, ref } from './openapi-schemas.ts';

const ADMIN = { 403: 'Needs an admin key' };

/** Admin endpoints for API keys; the CLI `npm run key` uses them when a server runs. */
export async function keyRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', async (req) => {
    const url = req.routeOptions.url ?? '';
    if (url.startsWith('/api/v1/keys') || url.startsWith('/api/v1/audit')) await requireAdmin(req);
  });
  app.post(
    '/keys',
    {
      schema: {
        summary: 'Create a key: bound to one account, or admin when account is omitted (admin key)',
        tags: ['keys'],
        body: Type.Object({
          account: Type.Optional(Type.String({ pattern: ACCOUNT_ID })),
          name: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 201: ref('NewKey') },
        errorResponses: errors([400, 401, 403, 413, 415, 429, 500], ADMIN),
      },
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as { account?: string; name?: string };
      const { key, record } = await createKey(app.ctx.db, body);
      await audit(app.ctx.db, { actor_key_id: req.auth.key_id, account_id: record.account_id, action: 'key.create', target: record.key_id, detail: { role: record.role, name: record.name } });
      reply.status(201);
      return { key, ...record };
    },
  );
  app.get(
    '/keys',
    {
      schema: {
        summary: 'List keys (never the secrets)',
        tags: ['keys'],
        querystring: Type.Object({ account: Type.Optional(Type.String({ pattern: ACCOUNT_ID })) }),
        response: { 200: ref('KeyList') },
        errorResponses: errors([400, 401, 403, 429, 500], ADMIN),
      },
    },
    async (req) => ({ items: await listKeys(app.ctx.db, (req.query as { account?: string }).account) }),
  );
  app.delete(
    '/keys/:id',
    {
      schema: {
        summary: 'Revoke a key',
        tags: ['keys'],
        params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{12}$' }) }),
        response: { 200: ref('RevokedKey') },
        errorResponses: errors([400, 401, 403, 404, 429, 500], { ...ADMIN, 404: 'No such key' }),
      },
    },
    async (req) => {
      const id = (req.params as { id: string }).id;
      const old = (await listKeys(app.ctx.db)).find((k) => k.key_id === id);
      if (!old || !(await revokeKey(app.ctx.db, id))) throw new ApiError(404, 'not_found', `no key ${id}`);
      app.ctx.keys.forget(id);
      await audit(app.ctx.db, { actor_key_id: req.auth.key_id, account_id: old.account_id, action: 'key.revoke', target: id });
      return { revoked: id };
    },
  );
  app.post(
    '/keys/:id/rotate',
    {
      schema: {
        summary: 'Rotate a key: a new key for the same account and name; the old one is revoked at once',
        tags: ['keys'],
        params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{12}$' }) }),
        response: { 201: ref('RotatedKey') },
        errorResponses: errors([400, 401, 403, 404, 429, 500], { ...ADMIN, 404: 'No such key, or it is revoked' }),
      },
    },
    async (req, reply) => {
      const id = (req.params as { id: string }).id;
      const old = (await listKeys(app.ctx.db)).find((k) => k.key_id === id && !k.revoked_at);
      if (!old) throw new ApiError(404, 'not_found', `no active key ${id}`);
      const { key, record } = await createKey(app.ctx.db, { account: old.account_id || undefined, name: old.name });
      await revokeKey(app.ctx.db, id);
      app.ctx.keys.forget(id);
      await audit(app.ctx.db, { actor_key_id: req.auth.key_id, account_id: old.account_id, action: 'key.rotate', target: id, detail: { new_key_id: record.key_id } });
      reply.status(201);
      return { key, replaces: id, ...record };
    },
  );
  app.get(
    '/audit',
    {
      schema: {
        summary: 'The audit log of key and schedule changes, newest first (admin key)',
        tags: ['keys'],
        querystring: Type.Object({
          account: Type.Optional(Type.String({ pattern: ACCOUNT_ID })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: { 200: ref('AuditLog') },
        errorResponses: errors([400, 401, 403, 429, 500], ADMIN),
      },
    },
    async (req) => {
      const q = req.query as { account?: string; limit: number };
      return { items: await listAudit(app.ctx.db, q) };
    },
  );
}
