import path from 'node:path';

/** Every setting of the service, read once from the environment (see README "Configuration"). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  adminApiKey?: string;
  demo: boolean;
  logLevel: string;
  /** Largest request body accepted by POST /api/v1/events, bytes after gunzip. */
  maxBodyBytes: number;
  /** Where scheduled export files are kept (default DATA_DIR/exports). */
  exportDir: string;
  /** Days an export file is kept. */
  exportRetentionDays: number;
  /** Run the export scheduler on this instance (SCHEDULER=0 turns it off). */
  scheduler: boolean;
  /** Signs dashboard session cookies; default: DATA_DIR/session.secret, made on first start. */
  sessionSecret?: string;
  /** Origins allowed by CORS (CORS_ORIGINS, comma-separated); empty: no CORS headers. */
  corsOrigins: string[];
  /** Requests a minute per API key (RATE_LIMIT_PER_MIN). */
  rateLimitPerMin: number;
  /** Longest time to receive a whole request, ms (REQUEST_TIMEOUT_MS); 0 = none. */
  requestTimeoutMs: number;
  clickhouse: {
    url?: string;
    user?: string;
    password?: string;
    database: string;
    cluster?: string;
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.DATA_DIR || './data');
  return {
    port: intFrom(env.PORT, 8080, 'PORT'),
    host: env.HOST || '127.0.0.1',
    dataDir,
    adminApiKey: env.ADMIN_API_KEY || undefined,
    demo: env.DEMO !== '0' && env.DEMO !== 'false',
    logLevel: env.LOG_LEVEL || 'info',
    maxBodyBytes: intFrom(env.MAX_BODY_BYTES, 256 * 1024 * 1024, 'MAX_BODY_BYTES'),
    exportDir: path.resolve(env.EXPORT_DIR || path.join(dataDir, 'exports')),
    exportRetentionDays: intFrom(env.EXPORT_RETENTION_DAYS, 30, 'EXPORT_RETENTION_DAYS'),
    scheduler: env.SCHEDULER !== '0' && env.SCHEDULER !== 'false',
    sessionSecret: env.SESSION_SECRET || undefined,
    corsOrigins: (env.CORS_ORIGINS || '').split(',').map((o) => o.trim()).filter(Boolean),
    rateLimitPerMin: intFrom(env.RATE_LIMIT_PER_MIN, 6000, 'RATE_LIMIT_PER_MIN'),
    requestTimeoutMs: intFrom(env.REQUEST_TIMEOUT_MS, 600_000, 'REQUEST_TIMEOUT_MS'),
    clickhouse: {
      url: env.CLICKHOUSE_URL || undefined,
      user: env.CLICKHOUSE_USER || undefined,
      password: env.CLICKHOUSE_PASSWORD || undefined,
      database: env.CLICKHOUSE_DATABASE || 'default',
      cluster: env.CLICKHOUSE_CLUSTER || undefined,
    },
  };
}

function intFrom(v: string | undefined, dflt: number, name: string): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}
