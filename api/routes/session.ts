import type { FastifyInstance } from 'fastify';

/** Dashboard sign-in: POST/DELETE /api/v1/session (filled in by the dashboard work). Registered outside the key check. */
export async function sessionRoutes(_app: FastifyInstance): Promise<void> {}
