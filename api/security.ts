import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../core/config.ts';
import { ApiError } from './errors.ts';

/**
 * Headers, CORS and rate limits for every route:
 * - helmet's security headers (CSP allows the docs page's and dashboard's own assets);
 * - CORS only for the origins in CORS_ORIGINS (none by default: same-origin only);
 * - a request budget per API key per minute (RATE_LIMIT_PER_MIN), 429 with Retry-After.
 */
export async function installSecurity(app: FastifyInstance, cfg: Config): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // Served over plain HTTP on a LAN address too: upgrading would break its own assets.
        upgradeInsecureRequests: null,
      },
    },
  });
  if (cfg.corsOrigins.length) {
    await app.register(cors, { origin: cfg.corsOrigins, credentials: false, allowedHeaders: ['authorization', 'content-type', 'content-encoding'] });
  }
  await app.register(rateLimit, {
    global: true,
    max: cfg.rateLimitPerMin,
    timeWindow: 60_000,
    keyGenerator: rateKey,
    allowList: (req) => req.url === '/health',
    // Thrown by the plugin, so the one error handler answers it in the API's error shape.
    errorResponseBuilder: (_req, ctx) =>
      new ApiError(429, 'rate_limited', `more than ${ctx.max} requests a minute with this key; retry in ${Math.ceil(ctx.ttl / 1000)} s`) as never,
  });
}

/** The budget is per key (by its hash, so a bad token cannot crowd out a good one), else per address. */
function rateKey(req: FastifyRequest): string {
  const h = req.headers.authorization;
  if (h) return 'k:' + crypto.createHash('sha256').update(h).digest('base64url').slice(0, 22);
  const cookie = req.headers.cookie;
  if (cookie) return 'c:' + crypto.createHash('sha256').update(cookie).digest('base64url').slice(0, 22);
  return 'ip:' + req.ip;
}
