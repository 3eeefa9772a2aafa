import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { FilterQuery, parseFilters, period, type FilterInput } from '../filters.ts';
import { getSettings } from '../../sql/settings.ts';
import { emptySla, slaRows, type SlaTargets } from '../../sql/metrics/sla.ts';
import { CHANNELS } from '../../sql/metrics/types.ts';
import { splitSets } from '../../sql/metrics/query.ts';
import { SlaResponse } from '../../core/wire/metrics.ts';
import { ACCOUNT, errors, ref } from './openapi-schemas.ts';
import { AccountParams } from './params.ts';

/** The account's service-level targets and whether they count office time (settings.sla). */
export async function slaSettings(app: FastifyInstance, account: string): Promise<SlaTargets & { business_hours: boolean }> {
  const s = (await getSettings(app.ctx.db, account)).sla;
  return { first_response_s: s?.first_response_s ?? null, resolution_s: s?.resolution_s ?? null, business_hours: s?.business_hours ?? false };
}

/** GET .../metrics/sla: first response and resolution against the account's targets, whole, per channel and per agent. */
export async function slaRoutes(app: FastifyInstance): Promise<void> {
  const db = app.ctx.db;
  app.get(
    '/metrics/sla',
    {
      schema: {
        summary: 'Service levels: first response and resolution against the targets of settings.sla',
        description:
          'Rooms whose first assignment is in the window: met, breached (over the target, or not done with more than the target passed at min(to, now)) and pending, and met % = met / (met + breached). Office time when settings.sla.business_hours is true (the request\'s business_hours is not used). Per channel and per agent too.',
        tags: ['metrics'],
        params: AccountParams,
        querystring: Type.Object({ ...FilterQuery }),
        response: { 200: ref(SlaResponse) },
        errorResponses: errors(ACCOUNT),
      },
    },
    async (req) => {
      const acct = (req.params as { account: string }).account;
      const t = await slaSettings(app, acct);
      const now = app.ctx.clock();
      const f = await parseFilters(db, acct, { ...(req.query as FilterInput), business_hours: t.business_hours }, now);
      const until = Math.min(f.to, now);
      const sets = splitSets(await app.ctx.reads.get(acct, JSON.stringify(['sla', f, t, until]), () => slaRows(db, f, t, now, { group: 'sets' })));
      const ch = new Map(sets.channel.map((r) => [r.key, r.value]));
      const channels = CHANNELS.map((c) => ({ channel: c as string | null, ...(ch.get(c) ?? emptySla(t)) }));
      if (ch.has('')) channels.push({ channel: null, ...ch.get('')! });
      return {
        period: period(f),
        ...(sets.whole ?? emptySla(t)),
        business_hours: f.businessHours,
        channels,
        agents: sets.agent.map((r) => ({ agent_id: r.key || null, ...r.value })),
      };
    },
  );
}
