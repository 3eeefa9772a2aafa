import crypto from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../core/config.ts';
import { clockFromEnv, type Clock } from '../core/clock.ts';
import type { Db } from '../sql/db.ts';
import { DedupIndex } from '../ingest/dedup.ts';
import { Ingestor } from '../ingest/ingestor.ts';
import { installErrorHandler } from './errors.ts';
import { installSecurity } from './security.ts';
import { sessionSecret } from './session.ts';
import { KeyStore } from './keys.ts';
import { requireAccountAccess, requireKey } from './auth.ts';
import { healthRoutes } from './routes/health.ts';
import { eventRoutes } from './routes/events.ts';
import { rejectedRoutes } from './routes/rejected.ts';
import { keyRoutes } from './routes/keys.ts';
import { adminRoutes } from './routes/admin.ts';
import { settingsRoutes } from './routes/settings.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { campaignsRoutes } from './routes/campaigns.ts';
import { billingRoutes } from './routes/billing.ts';
import { exportsRoutes } from './routes/exports.ts';
import { schedulesRoutes } from './routes/schedules.ts';
import { sessionRoutes } from './routes/session.ts';
import { dashboardRoutes } from './dashboard.ts';
import { sharedSchemas } from './routes/openapi-schemas.ts';
import { Alerter } from './alerts.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { ReadCache } from './read-cache.ts';

export interface AppOptions {
  config: Config;
  db: Db;
  logger?: boolean | object;
  /** "Now" for every default window, billing instant and schedule (default: NOW, else the system clock). */
  clock?: Clock;
}

export interface AppContext {
  config: Config;
  db: Db;
  keys: KeyStore;
  ingestor: Ingestor;
  dedup: DedupIndex;
  clock: Clock;
  /** Low-balance alerts (api/alerts.ts): checks after stored batches, webhook deliveries. */
  alerter: Alerter;
  /** Export schedules (api/scheduler): armed only by api/main.ts or a test (start), used by the routes on every instance. */
  scheduler: Scheduler;
  /** Report answers shared in flight and kept per account data version (api/read-cache.ts). */
  reads: ReadCache;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
    /** Every route as registered (method, url, whether it is public): the isolation test walks it. */
    routeTable: Array<{ method: string; url: string; public: boolean }>;
  }
}

export type App = FastifyInstance;

/** The whole HTTP service, without listening: tests drive it with app.inject or listen(). */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    genReqId: () => crypto.randomUUID(),
    // Ingestion reads its own stream with its own limit; this bounds JSON bodies elsewhere.
    bodyLimit: 1024 * 1024,
    requestTimeout: opts.config.requestTimeoutMs,
    // TRUST_PROXY: whose X-Forwarded-For/-Proto to believe, for req.ip (rate limits) and
    // req.protocol (the session cookie's Secure); off by default, as anyone can send them.
    trustProxy: opts.config.trustProxy,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const keys = new KeyStore(opts.db, { authFailuresPerMin: opts.config.authFailuresPerMin });
  const dedup = new DedupIndex(opts.db);
  await dedup.load();
  const clock = opts.clock ?? clockFromEnv(opts.config.now);
  const alerter = new Alerter(opts.db, app.log, { webhookAllow: opts.config.webhookAllow }, clock);
  const ctx: AppContext = { config: opts.config, db: opts.db, keys, dedup, ingestor: new Ingestor(opts.db, dedup, { maxRejectedLines: opts.config.maxRejectedLines }), clock, alerter, scheduler: new Scheduler(opts.db, opts.config, app.log, clock), reads: new ReadCache(opts.db, opts.config.readCacheEntries) };
  app.decorate('ctx', ctx);
  // Low-balance alerts: a check after stored batches; deliveries a stop left pending go on once ready.
  ctx.ingestor.onStored((accounts) => alerter.touched(accounts));
  app.addHook('onReady', async () => {
    alerter.resume().catch((err) => app.log.error({ err }, 'resuming webhook deliveries failed'));
  });
  app.addHook('onClose', async () => alerter.close());
  const routeTable: FastifyInstance['routeTable'] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method === 'HEAD') continue;
      // Public: the few routes that document "security: []" (health, sign-in) and the docs pages.
      const isPublic = (r.schema as { security?: unknown[] } | undefined)?.security?.length === 0 || !r.url.startsWith('/api/');
      routeTable.push({ method, url: r.url, public: isPublic });
    }
    // An account read is admitted to the store once, with every query it makes (sql/db.ts):
    // a report is answered whole or refused at once with 503, never cut off halfway.
    if ([r.method].flat().includes('GET') && r.url.startsWith('/api/v1/accounts/')) {
      const handler = r.handler;
      r.handler = function (this: FastifyInstance, req, reply) {
        return opts.db.admit(async () => handler.call(this, req, reply));
      };
    }
  });
  app.decorateRequest('auth', null as never);
  installErrorHandler(app);
  // Every answer names its request: dead letters are filed under it (GET /api/v1/rejected?request_id=).
  // While closing (SIGTERM), answers in flight end their connection: a keep-alive socket
  // would otherwise hold the shutdown open until the client lets go.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (closing) reply.header('connection', 'close');
  });

  await installSecurity(app, opts.config);
  // Parses and signs the dashboard's session cookie (api/session.ts); requireKey accepts it.
  await app.register(cookie, { secret: sessionSecret(opts.config) });
  // The named schemas (components.schemas.<name>, api/routes/openapi-schemas.ts): added before
  // any route so every route can point at them.
  for (const s of sharedSchemas()) app.addSchema(s);
  await app.register(swagger, {
    openapi: {
      // 3.1: its schemas are JSON Schema 2020-12, which is what TypeBox writes (type null, const, examples).
      openapi: '3.1.0',
      info: { title: 'Chat analytics and billing API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // A schema with an $id is listed under its $id, not def-N.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    // The parts of a route schema that are documentation only (api/routes/openapi-schemas.ts):
    // error answers (`errorResponses`) and a body that is never validated (`documentedBody`).
    transform: ({ schema, url }) => {
      if (!schema) return { schema, url };
      const { errorResponses, documentedBody, ...rest } = schema;
      return {
        schema: {
          ...rest,
          ...(documentedBody ? { body: documentedBody } : {}),
          ...(errorResponses ? { response: { ...(rest.response as object), ...errorResponses } } : {}),
        },
        url,
      };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes);
  await app.register(dashboardRoutes);
  await app.register(sessionRoutes, { prefix: '/api/v1' });
  await app.register(async (api) => {
    api.addHook('onRequest', requireKey(keys));
    await api.register(eventRoutes);
    await api.register(rejectedRoutes);
    await api.register(keyRoutes);
    await api.register(adminRoutes);
    await api.register(
      async (acct) => {
        acct.addHook('onRequest', requireAccountAccess);
        await acct.register(settingsRoutes);
        await acct.register(metricsRoutes);
        await acct.register(campaignsRoutes);
        await acct.register(billingRoutes);
        await acct.register(exportsRoutes);
        await acct.register(schedulesRoutes);
      },
      { prefix: '/accounts/:account' },
    );
  }, { prefix: '/api/v1' });
  return app;
}
