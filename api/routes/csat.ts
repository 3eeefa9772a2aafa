import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { badRequest } from '../errors.ts';
import { FilterQuery, parseFilters, period, type FilterInput } from '../filters.ts';
import { rfc3339In } from '../../core/time.ts';
import { listCsatResponses } from '../../sql/metrics/csat-responses.ts';
import { BadCursorError } from '../../sql/metrics/rooms.ts';
import { CsatResponsesResponse, PageQuery } from '../../core/wire/metrics.ts';
import { ACCOUNT, errors, ref } from './openapi-schemas.ts';
import { AccountParams } from './params.ts';

const CsatQuery = {
  ...FilterQuery,
  max_score: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'Only answers with a score of at most this' })),
  ...PageQuery,
};

/** GET .../csat/responses: the CSAT answers behind the CSAT numbers. */
export async function csatRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/csat/responses',
    {
      schema: {
        summary: 'CSAT answers in the window, newest first',
        description:
          "Each room's latest csat.submitted whose time is in [from, to) (the answers the CSAT numbers count): score, comment, agent, channel, room, time. Paged by cursor.",
        tags: ['metrics'],
        params: AccountParams,
        querystring: Type.Object(CsatQuery),
        response: { 200: ref(CsatResponsesResponse) },
        errorResponses: errors(ACCOUNT),
      },
    },
    async (req) => {
      const q = req.query as FilterInput & { max_score?: number; limit?: number; cursor?: string };
      const f = await parseFilters(app.ctx.db, (req.params as { account: string }).account, q, app.ctx.clock());
      try {
        const opts = { limit: q.limit, cursor: q.cursor, maxScore: q.max_score };
        const page = await app.ctx.reads.get(f.account, JSON.stringify(['csat-responses', f, opts]), () => listCsatResponses(app.ctx.db, f, opts));
        return { period: period(f), responses: page.responses.map((r) => ({ ...r, submitted_at: rfc3339In(f.tz, r.submitted_at) })), next_cursor: page.next };
      } catch (e) {
        if (e instanceof BadCursorError) throw badRequest('cursor', e.message);
        throw e;
      }
    },
  );
}
