import type { FastifyInstance } from 'fastify';

/** Serves the built dashboard at / (filled in by the dashboard work). */
export async function dashboardRoutes(_app: FastifyInstance): Promise<void> {}
