import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { badRequest } from '../errors.ts';
import { FilterQuery, parseFilters, type FilterInput } from '../filters.ts';
import { campaignContacts, campaignReport } from '../../sql/campaigns/report.ts';
import { rfc3339In } from '../../core/time.ts';
import { CampaignContactsResponse, CampaignsResponse } from '../../core/wire/campaigns.ts';
import { ACCOUNT, errors, ref } from './openapi-schemas.ts';
import { AccountParams } from './params.ts';

const { from, to, tz } = FilterQuery;
const WindowQuery = { from, to, tz };
/** A page position as an opaque string: the offset, base64url. */
const cursorOf = (n: number) => Buffer.from(String(n)).toString('base64url');
function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const n = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isSafeInteger(n) || n < 0) throw badRequest('cursor', 'is damaged');
  return n;
}

/** Routes under /api/v1/accounts/:account/: what each broadcast campaign reached and cost. */
export async function campaignsRoutes(app: FastifyInstance): Promise<void> {
  const db = app.ctx.db;
  const window = async (req: { params: unknown; query: unknown }) => {
    const f = await parseFilters(db, (req.params as { account: string }).account, req.query as FilterInput, app.ctx.clock());
    return { f, period: { from: rfc3339In(f.tz, f.from), to: rfc3339In(f.tz, f.to), tz: f.tz } };
  };

  app.get(
    '/campaigns',
    {
      schema: {
        summary: 'Campaigns: sends, contacts, replies within 24 h, and the conversations and visitors they cost',
        description:
          "One row per campaign_id with an outbound message in the period. Money comes from Billing's own decisions: the conversations a campaign message opened (free or charged as Billing counted them) and the visitors who first wrote in the month within 24 h after a campaign message to them (the latest campaign message wins). without_campaign holds the conversations opened by other messages: with the campaigns they add up to the billing months' mcc_service + mcc_initiated charges of the period.",
        tags: ['campaigns'],
        params: AccountParams,
        querystring: Type.Object(WindowQuery),
        response: { 200: ref(CampaignsResponse) },
        errorResponses: errors(ACCOUNT),
      },
    },
    async (req) => {
      const { f, period } = await window(req);
      const r = await app.ctx.reads.get(f.account, JSON.stringify(['campaigns', f.from, f.to, f.tz]), () => campaignReport(db, f.account, f.tz, f.from, f.to));
      return { period, ...r };
    },
  );

  app.get(
    '/campaigns/:campaign_id/contacts',
    {
      schema: {
        summary: "A campaign's contacts: first message, reply, conversation and charges",
        tags: ['campaigns'],
        params: Type.Object({ ...AccountParams.properties, campaign_id: Type.String({ minLength: 1, maxLength: 256 }) }),
        querystring: Type.Object({
          ...WindowQuery,
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          cursor: Type.Optional(Type.String({ maxLength: 40 })),
        }),
        response: { 200: ref(CampaignContactsResponse) },
        errorResponses: errors(ACCOUNT),
      },
    },
    async (req) => {
      const { f, period } = await window(req);
      const { campaign_id } = req.params as { campaign_id: string };
      const q = req.query as { limit: number; cursor?: string };
      const offset = offsetOf(q.cursor);
      const all = await app.ctx.reads.get(f.account, JSON.stringify(['campaign-contacts', campaign_id, f.from, f.to, f.tz]), () => campaignContacts(db, f.account, f.tz, campaign_id, f.from, f.to));
      const contacts = all.slice(offset, offset + q.limit);
      return { campaign_id, period, total: all.length, contacts, next_cursor: offset + contacts.length < all.length ? cursorOf(offset + contacts.length) : null };
    },
  );
}
