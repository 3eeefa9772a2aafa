import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness and store check (no key needed)',
        tags: ['system'],
        security: [],
        response: {
          200: Type.Object({
            status: Type.String(),
            clickhouse: Type.Object({ mode: Type.String(), version: Type.String() }),
          }),
        },
      },
    },
    async () => ({ status: 'ok', clickhouse: { mode: app.ctx.db.mode, version: await app.ctx.db.version() } }),
  );
}
