import type { FastifyInstance } from 'fastify';

/** Routes under /api/v1/accounts/:account/ (filled in by the billing work). */
export async function billingRoutes(_app: FastifyInstance): Promise<void> {}
