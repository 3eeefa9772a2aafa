import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ACCOUNT_ID } from '../../core/contract.ts';
import { accountChecksum, storeChecksum } from '../../sql/admin.ts';
import { requireAdmin } from '../auth.ts';
import { errors, ref } from './openapi-schemas.ts';

/**
 * Operator checks of the store (admin key): how many events are stored, whether any is
 * stored twice, and a checksum of an account's ids to compare with a source file
 * (the soak test and `npm run soak` use these; so can a migration between stores).
 */
export async function adminRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireAdmin);
  app.get(
    '/admin/checksum',
    {
      schema: {
        summary: 'Stored events: rows and distinct (account_id, id) pairs (equal unless an event is stored twice)',
        tags: ['admin'],
        response: { 200: ref('StoreChecksum') },
        errorResponses: errors([401, 403, 429, 500], { 403: 'Needs an admin key' }),
      },
    },
    async () => storeChecksum(app.ctx.db),
  );
  app.get(
    '/admin/accounts/:account/checksum',
    {
      schema: {
        summary: "An account's distinct event ids: their number and the sum of CRC32(id), as a decimal string",
        tags: ['admin'],
        params: Type.Object({ account: Type.String({ pattern: ACCOUNT_ID }) }),
        response: { 200: ref('AccountChecksum') },
        errorResponses: errors([400, 401, 403, 429, 500], { 403: 'Needs an admin key' }),
      },
    },
    async (req) => accountChecksum(app.ctx.db, (req.params as { account: string }).account),
  );
}
