import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors.ts';
import { parseAllow, webhookUrlError } from '../../core/webhook-guard.ts';
import { checkOfficeHours, getSettings, putSettings, SettingsInput } from '../../sql/settings.ts';
import { ACCOUNT, ACCOUNT_BODY, errors, ref } from './openapi-schemas.ts';
import { AccountParams } from './params.ts';


export async function settingsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/settings',
    { schema: { summary: "The account's settings", tags: ['settings'], params: AccountParams, response: { 200: ref('Settings') }, errorResponses: errors(ACCOUNT) } },
    async (req) => getSettings(app.ctx.db, (req.params as { account: string }).account),
  );
  app.put(
    '/settings',
    {
      schema: {
        summary: 'Change settings: office hours, low-balance threshold, webhook (fields left out stay; null clears)',
        tags: ['settings'],
        params: AccountParams,
        body: SettingsInput,
        response: { 200: ref('Settings') },
        errorResponses: errors(ACCOUNT_BODY),
      },
    },
    async (req) => {
      const input = req.body as SettingsInput;
      const bad = checkOfficeHours(input.office_hours);
      if (bad) throw badRequest(bad.field, bad.message);
      // internal addresses (loopback, private, metadata, ...) are refused unless WEBHOOK_ALLOW names them
      const hook = input.webhook_url ? await webhookUrlError(input.webhook_url, parseAllow(app.ctx.config.webhookAllow)) : null;
      if (hook) throw badRequest('webhook_url', hook);
      return putSettings(app.ctx.db, (req.params as { account: string }).account, input);
    },
  );
}
