import type { FastifyInstance } from 'fastify';

/** Routes under /api/v1/accounts/:account/ (filled in by the metrics work). */
export async function metricsRoutes(_app: FastifyInstance): Promise<void> {}
