import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { badRequest } from '../errors.ts';
import { checkOfficeHours, getSettings, putSettings, Settings, SettingsInput } from '../settings.ts';

const Params = Type.Object({ account: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }) });

export async function settingsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/settings',
    { schema: { summary: "The account's settings", tags: ['settings'], params: Params, response: { 200: Settings } } },
    async (req) => getSettings(app.ctx.db, (req.params as { account: string }).account),
  );
  app.put(
    '/settings',
    {
      schema: {
        summary: 'Change settings: office hours, low-balance threshold, webhook (fields left out stay; null clears)',
        tags: ['settings'],
        params: Params,
        body: SettingsInput,
        response: { 200: Settings },
      },
    },
    async (req) => {
      const input = req.body as SettingsInput;
      const bad = checkOfficeHours(input.office_hours);
      if (bad) throw badRequest(bad.field, bad.message);
      return putSettings(app.ctx.db, (req.params as { account: string }).account, input);
    },
  );
}
