import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { listRejected, type RejectedCursor } from '../../sql/rejected.ts';
import { requireAdmin } from '../auth.ts';
import { badRequest } from '../errors.ts';
import { errors, ref } from './openapi-schemas.ts';

/** Cursor = the sort key of the last row of the page, opaque to clients. */
const encode = (r: { received_at: string; request_id: string; line: number }) =>
  Buffer.from(JSON.stringify([r.received_at, r.request_id, r.line])).toString('base64url');

export async function rejectedRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/rejected',
    {
      preHandler: requireAdmin,
      schema: {
        summary: 'Rejected lines (dead letters), newest first (admin key)',
        tags: ['events'],
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          cursor: Type.Optional(Type.String({ maxLength: 400 })),
          account: Type.Optional(Type.String({ maxLength: 64 })),
          request_id: Type.Optional(Type.String({ maxLength: 64 })),
        }),
        response: { 200: ref('RejectedLines') },
        errorResponses: errors([400, 401, 403, 429, 500], { 403: 'Needs an admin key' }),
      },
    },
    async (req) => {
      const q = req.query as { limit: number; cursor?: string; account?: string; request_id?: string };
      let after: RejectedCursor | null = null;
      if (q.cursor) {
        try {
          after = JSON.parse(Buffer.from(q.cursor, 'base64url').toString());
          if (!Array.isArray(after) || after.length !== 3) throw new Error();
        } catch {
          throw badRequest('cursor', 'is not a cursor returned by this endpoint');
        }
      }
      const rows = await listRejected(app.ctx.db, { account: q.account, requestId: q.request_id, after, limit: q.limit + 1 });
      const more = rows.length > q.limit;
      const items = rows.slice(0, q.limit);
      return { items, next_cursor: more ? encode(items[items.length - 1]) : null };
    },
  );
}
