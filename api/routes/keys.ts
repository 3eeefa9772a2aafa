import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ACCOUNT_ID } from '../../ingest/contract.ts';
import { requireAdmin } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { createKey, listKeys, revokeKey } from '../keys.ts';

const KeyRecord = Type.Object({
  key_id: Type.String(),
  account_id: Type.String(),
  role: Type.String(),
  name: Type.String(),
  created_at: Type.String(),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
});

/** Admin endpoints for API keys; the CLI `npm run key` uses them when a server runs. */
export async function keyRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', async (req) => {
    if (req.routeOptions.url?.startsWith('/api/v1/keys')) await requireAdmin(req);
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
        response: { 201: Type.Object({ key: Type.String(), ...KeyRecord.properties }) },
      },
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as { account?: string; name?: string };
      const { key, record } = await createKey(app.ctx.db, body);
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
        response: { 200: Type.Object({ items: Type.Array(KeyRecord) }) },
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
        response: { 200: Type.Object({ revoked: Type.String() }) },
      },
    },
    async (req) => {
      const id = (req.params as { id: string }).id;
      if (!(await revokeKey(app.ctx.db, id))) throw new ApiError(404, 'not_found', `no key ${id}`);
      app.ctx.keys.forget(id);
      return { revoked: id };
    },
  );
}
