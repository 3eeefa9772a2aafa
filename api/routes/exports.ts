import type { FastifyInstance } from 'fastify';

/** Routes under /api/v1/accounts/:account/ (filled in by the exports work). */
export async function exportsRoutes(_app: FastifyInstance): Promise<void> {}
