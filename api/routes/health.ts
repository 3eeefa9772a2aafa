import type { FastifyInstance } from 'fastify';
import { errors, ref } from './openapi-schemas.ts';

/** Longest wait for the store's version on the first checks, ms: /health must stay quick under any load. */
const VERSION_WAIT_MS = 50;

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const db = app.ctx.db;
  // Asked now, at start, so the first check already has it.
  void db.version().catch(() => undefined);
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness, store version and read-queue depth (no key needed)',
        description:
          'Answers from the process, never behind the read queue: the version is asked of the store once, ' +
          'and `reads` shows how many reads run and wait (past `max` waiting, reads get 503 `overloaded`).',
        tags: ['system'],
        security: [],
        response: { 200: ref('Health') },
        // Plain /health is never rate limited (RATE_LIMIT_PER_MIN), but /health?anything is.
        errorResponses: errors([429, 500], { 429: 'Only with a query string: plain /health is not rate limited', 500: 'Internal error' }),
      },
    },
    async () => {
      // db.version() is remembered after its first answer; until then wait only briefly.
      let timer: NodeJS.Timeout | undefined;
      const version = await Promise.race([
        db.version().catch(() => 'unknown'),
        new Promise<string>((resolve) => (timer = setTimeout(resolve, VERSION_WAIT_MS, 'unknown'))),
      ]).finally(() => clearTimeout(timer));
      return { status: 'ok', clickhouse: { mode: db.mode, version }, reads: db.readStats() };
    },
  );
}
