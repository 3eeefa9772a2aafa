import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
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
      let after: [string, string, number] | null = null;
      if (q.cursor) {
        try {
          after = JSON.parse(Buffer.from(q.cursor, 'base64url').toString());
          if (!Array.isArray(after) || after.length !== 3) throw new Error();
        } catch {
          throw badRequest('cursor', 'is not a cursor returned by this endpoint');
        }
      }
      const rows = await app.ctx.db.query<{ received_at: string; request_id: string; line: number }>(
        `SELECT received_at, request_id, account_id, line, event_id, field, message, raw, raw_bytes
         FROM rejected_events
         WHERE ({account:String} = '' OR account_id = {account:String})
           AND ({request_id:String} = '' OR request_id = {request_id:String})
           AND ({has_cursor:UInt8} = 0 OR (received_at, request_id, line) < (toDateTime64({c_at:String}, 3, 'UTC'), {c_req:String}, {c_line:UInt32}))
         ORDER BY received_at DESC, request_id DESC, line DESC
         LIMIT {limit:UInt32}`,
        {
          account: q.account ?? '',
          request_id: q.request_id ?? '',
          has_cursor: after ? 1 : 0,
          c_at: after?.[0] ?? '1970-01-01 00:00:00',
          c_req: after?.[1] ?? '',
          c_line: after?.[2] ?? 0,
          limit: q.limit + 1,
        },
      );
      const more = rows.length > q.limit;
      const items = rows.slice(0, q.limit).map((r) => ({ ...r, line: Number(r.line), raw_bytes: Number((r as { raw_bytes?: unknown }).raw_bytes) }));
      return { items, next_cursor: more ? encode(items[items.length - 1]) : null };
    },
  );
}
