import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { badRequest } from '../errors.ts';
import { FilterQuery, parseFilters, period, type FilterInput } from '../filters.ts';
import { rfc3339In } from '../../core/time.ts';
import { BadCursorError, listRooms, ROOM_SORT_VALUES, type RoomSort } from '../../sql/metrics/rooms.ts';
import { PageQuery, RoomsResponse } from '../../core/wire/metrics.ts';
import { slaSettings } from './sla.ts';
import { ACCOUNT, errors, ref } from './openapi-schemas.ts';
import { AccountParams } from './params.ts';

const RoomsQuery = {
  ...FilterQuery,
  min_response_s: Type.Optional(Type.Number({ minimum: 0, maximum: 1e9, description: 'Only rooms with a response time of at least this many seconds' })),
  max_csat: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'Only rooms whose latest CSAT score is at most this' })),
  min_csat: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'Only rooms whose latest CSAT score is at least this (min_csat=5&max_csat=5: exactly 5)' })),
  resolved: Type.Optional(Type.Boolean({ description: 'Only resolved (true) or unresolved (false) rooms' })),
  assigned: Type.Optional(Type.Boolean({ description: "Only rooms with an agent (true) or with none (false, the agents report's agent_id null): the agent that resolved the room, else the last assigned" })),
  room_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Only this room, even if it started before from: a link to one room. It is found when it has an event in the days of [from, to) (a CSAT answer, a message...); the other filters apply' })),
  expired: Type.Optional(Type.Boolean({ description: "true: only rooms whose customer's 24 h window closed unanswered in the window (GET .../metrics/expired), whenever they started" })),
  sla: Type.Optional(Type.Literal('breached', { description: "Only rooms breaching a service level of settings.sla (first response or resolution over its target, or not done with more than it passed); durations then in office time when settings.sla.business_hours is true" })),
  sort: Type.Optional(
    Type.Enum(ROOM_SORT_VALUES, { description: `${ROOM_SORT_VALUES.join(', ')}; '-' sorts descending; rooms without a value last. Default -started_at.`, default: '-started_at' }),
  ),
  ...PageQuery,
};

interface RoomsInput extends FilterInput {
  min_response_s?: number;
  max_csat?: number;
  min_csat?: number;
  resolved?: boolean;
  assigned?: boolean;
  room_id?: string;
  sla?: 'breached';
  expired?: boolean;
  sort?: RoomSort;
  limit?: number;
  cursor?: string;
}

/** GET .../rooms: the drill-down behind the metrics, one row per room started in the window. */
export async function roomsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/rooms',
    {
      schema: {
        summary: 'Rooms started in the window, one row each',
        description:
          'Start, channel, contact, origin, agent, first assignment, first response, resolve, response time and CSAT of every room whose first event is in [from, to), filtered, sorted and paged by cursor.',
        tags: ['metrics'],
        params: AccountParams,
        querystring: Type.Object(RoomsQuery),
        response: { 200: ref(RoomsResponse) },
        errorResponses: errors(ACCOUNT),
      },
    },
    async (req) => {
      const q = req.query as RoomsInput;
      const acct = (req.params as { account: string }).account;
      const now = app.ctx.clock();
      // Breaches are judged as GET .../metrics/sla judges them: its targets, its office-time choice.
      const sla = q.sla ? await slaSettings(app, acct) : null;
      const f = await parseFilters(app.ctx.db, acct, sla ? { ...q, business_hours: sla.business_hours } : q, now);
      try {
        const opts = { sort: q.sort, limit: q.limit, cursor: q.cursor, minResponseS: q.min_response_s, maxCsat: q.max_csat, minCsat: q.min_csat, resolved: q.resolved, assigned: q.assigned, roomId: q.room_id, expired: q.expired || undefined,
          slaBreached: sla ? { first_response_s: sla.first_response_s, resolution_s: sla.resolution_s, until: Math.min(f.to, now) } : undefined,
        };
        // A page is a report read like the others: shared and kept per data version (api/read-cache.ts).
        const page = await app.ctx.reads.get(f.account, JSON.stringify(['rooms', f, opts]), () => listRooms(app.ctx.db, f, opts));
        const at = (t: number | null) => (t === null ? null : rfc3339In(f.tz, t));
        return {
          period: period(f),
          rooms: page.rooms.map((r) => ({ ...r, started_at: rfc3339In(f.tz, r.started_at), first_assigned_at: at(r.first_assigned_at), resolved_at: at(r.resolved_at) })),
          next_cursor: page.next,
          total: page.total,
        };
      } catch (e) {
        if (e instanceof BadCursorError) throw badRequest('cursor', e.message);
        throw e;
      }
    },
  );
}
