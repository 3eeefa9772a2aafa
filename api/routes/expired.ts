import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { FilterQuery, parseFilters, period, type FilterInput } from '../filters.ts';
import { expiredOf, expiredRows } from '../../sql/metrics/expired.ts';
import { CHANNELS } from '../../sql/metrics/types.ts';
import { splitSets } from '../../sql/metrics/query.ts';
import { ExpiredResponse } from '../../core/wire/metrics.ts';
import { ACCOUNT, errors, ref } from './openapi-schemas.ts';
import { AccountParams } from './params.ts';

/** GET .../metrics/expired: customers' 24 h windows that closed unanswered, whole, per channel and per agent. */
export async function expiredRoutes(app: FastifyInstance): Promise<void> {
  const db = app.ctx.db;
  app.get(
    '/metrics/expired',
    {
      schema: {
        summary: "Customers' 24 h windows that closed with nobody answering",
        description:
          'A room\'s window expires unanswered at m + 24 h when m is an inbound message of the room, no inbound message of the room follows within 24 h, and no outbound message with sender agent or bot is in (m, m + 24 h]; it counts in the period that holds m + 24 h. Rooms, per channel and per agent (the room\'s resolving or last assigned agent). On WhatsApp, reaching such a customer again takes a template.',
        tags: ['metrics'],
        params: AccountParams,
        querystring: Type.Object({ ...FilterQuery }),
        response: { 200: ref(ExpiredResponse) },
        errorResponses: errors(ACCOUNT),
      },
    },
    async (req) => {
      const f = await parseFilters(db, (req.params as { account: string }).account, req.query as FilterInput, app.ctx.clock());
      const sets = splitSets(await app.ctx.reads.get(f.account, JSON.stringify(['expired', f]), () => expiredRows(db, f, { group: 'sets' })));
      const none = expiredOf(0, 0);
      const ch = new Map(sets.channel.map((r) => [r.key, r.value]));
      const channels = CHANNELS.map((c) => ({ channel: c as string | null, ...(ch.get(c) ?? none) }));
      if (ch.has('')) channels.push({ channel: null, ...ch.get('')! });
      return { period: period(f), ...(sets.whole ?? none), channels, agents: sets.agent.map((r) => ({ agent_id: r.key || null, ...r.value })) };
    },
  );
}
