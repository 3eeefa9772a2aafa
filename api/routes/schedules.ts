import type { FastifyInstance } from 'fastify';

/** Routes under /api/v1/accounts/:account/ (filled in by the schedules work). */
export async function schedulesRoutes(_app: FastifyInstance): Promise<void> {}
