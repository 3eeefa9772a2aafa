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
  /** Rejected lines of one POST /api/v1/events before reading stops with 422 (MAX_REJECTED_LINES); 0 = no ceiling. */
  maxRejectedLines: number;
  /** Where scheduled export files are kept (default DATA_DIR/exports). */
  exportDir: string;
  /** Days an export file is kept. */
  exportRetentionDays: number;
  /** Shortest time between two fires of a schedule's cron, seconds (SCHEDULE_MIN_INTERVAL_S); 0 = no limit. */
  scheduleMinIntervalS: number;
  /** Schedules one account may have (SCHEDULES_PER_ACCOUNT); 0 = no limit. */
  schedulesPerAccount: number;
  /** Bytes of scheduled export files kept per account (EXPORT_BYTES_PER_ACCOUNT); past it the oldest files go; 0 = no limit. */
  exportBytesPerAccount: number;
  /** Run the export scheduler on this instance (SCHEDULER=0 turns it off). */
  scheduler: boolean;
  /** Hosts, addresses and CIDRs webhooks may reach although internal (WEBHOOK_ALLOW, comma-separated); empty: public addresses only. */
  webhookAllow: string[];
  /** Signs dashboard session cookies; default: DATA_DIR/session.secret, made on first start. */
  sessionSecret?: string;
  /** Origins allowed by CORS (CORS_ORIGINS, comma-separated); empty: no CORS headers. */
  corsOrigins: string[];
  /** Requests a minute per API key (RATE_LIMIT_PER_MIN). */
  rateLimitPerMin: number;
  /** Failed authentications a minute from one address before it gets 429 without a store query (AUTH_FAILURES_PER_MIN). */
  authFailuresPerMin: number;
  /** Report answers kept by the read cache (READ_CACHE_ENTRIES); 0 = keep none (identical requests in flight are still shared). */
  readCacheEntries: number;
  /** Reads that may wait for a store connection before more get 503 (READ_QUEUE_MAX); 0 = no bound. */
  readQueueMax: number;
  /** Fastify's trustProxy (TRUST_PROXY): whose X-Forwarded-For / -Proto to believe; false = nobody's. */
  trustProxy: boolean | string;
  /** Longest time to receive a whole request, ms (REQUEST_TIMEOUT_MS); 0 = none. */
  requestTimeoutMs: number;
  /** Base of the download links export webhooks carry (PUBLIC_URL); default http://HOST:PORT. */
  publicUrl?: string;
  /** Starts the service's clock at this RFC 3339 instant (NOW); unset: the system clock. For demos and tests of a spawned server. */
  now?: string;
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
    maxRejectedLines: intFrom(env.MAX_REJECTED_LINES, 100_000, 'MAX_REJECTED_LINES'),
    exportDir: path.resolve(env.EXPORT_DIR || path.join(dataDir, 'exports')),
    exportRetentionDays: intFrom(env.EXPORT_RETENTION_DAYS, 30, 'EXPORT_RETENTION_DAYS'),
    scheduler: env.SCHEDULER !== '0' && env.SCHEDULER !== 'false',
    scheduleMinIntervalS: intFrom(env.SCHEDULE_MIN_INTERVAL_S, 300, 'SCHEDULE_MIN_INTERVAL_S'),
    schedulesPerAccount: intFrom(env.SCHEDULES_PER_ACCOUNT, 50, 'SCHEDULES_PER_ACCOUNT'),
    exportBytesPerAccount: intFrom(env.EXPORT_BYTES_PER_ACCOUNT, 5 * 1024 ** 3, 'EXPORT_BYTES_PER_ACCOUNT'),
    webhookAllow: (env.WEBHOOK_ALLOW || '').split(',').map((h) => h.trim()).filter(Boolean),
    sessionSecret: env.SESSION_SECRET || undefined,
    corsOrigins: (env.CORS_ORIGINS || '').split(',').map((o) => o.trim()).filter(Boolean),
    rateLimitPerMin: intFrom(env.RATE_LIMIT_PER_MIN, 6000, 'RATE_LIMIT_PER_MIN'),
    authFailuresPerMin: intFrom(env.AUTH_FAILURES_PER_MIN, 30, 'AUTH_FAILURES_PER_MIN'),
    readQueueMax: intFrom(env.READ_QUEUE_MAX, 64, 'READ_QUEUE_MAX'),
    readCacheEntries: intFrom(env.READ_CACHE_ENTRIES, 500, 'READ_CACHE_ENTRIES'),
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    requestTimeoutMs: intFrom(env.REQUEST_TIMEOUT_MS, 600_000, 'REQUEST_TIMEOUT_MS'),
    now: env.NOW || undefined,
    publicUrl: env.PUBLIC_URL || undefined,
    clickhouse: {
      url: env.CLICKHOUSE_URL || undefined,
      user: env.CLICKHOUSE_USER || undefined,
      password: env.CLICKHOUSE_PASSWORD || undefined,
      database: env.CLICKHOUSE_DATABASE || 'default',
      cluster: env.CLICKHOUSE_CLUSTER || undefined,
    },
  };
}

/**
 * TRUST_PROXY: unset, 0 or false: trust no proxy (req.ip is the socket's peer); 1 or true:
 * trust every hop; else a comma-separated list of the proxies' addresses or CIDRs (e.g.
 * 10.0.0.0/8,127.0.0.1). No hop count: this Fastify treats one as trusting nobody.
 */
function trustProxyFrom(v: string | undefined): boolean | string {
  if (!v || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  return v;
}

/**
 * Knobs of lower modules that get no Config (the export writer, billing's memo): read here
 * too, at each call, so that a benchmark or test may change them between runs. Their
 * defaults are the measured best; README "Configuration" lists them.
 */
export function tuning(env: NodeJS.ProcessEnv = process.env) {
  return {
    /** zlib level of the xlsx zip (ZIP_LEVEL, 0-9): 1 compresses a big sheet ~3x faster than the default 6, for a file ~1.3x bigger. */
    zipLevel: Math.min(intFrom(env.ZIP_LEVEL, 1, 'ZIP_LEVEL'), 9),
    /** Memo of billing results per derivation (BILLING_MEMO=0 turns it off, to measure the queries). */
    billingMemo: env.BILLING_MEMO !== '0',
    /** Contacts with fewer stored messages than this are derived by billing's SQL fold, many a query (BILLING_SMALL_ROWS). */
    billingSmallRows: intFrom(env.BILLING_SMALL_ROWS, 500, 'BILLING_SMALL_ROWS'),
    /** Messages a page of billing's page fold reads (BILLING_PAGE_ROWS, at least 1): bounds a query's time and a derivation's memory. */
    billingPageRows: Math.max(1, intFrom(env.BILLING_PAGE_ROWS, 20_000, 'BILLING_PAGE_ROWS')),
  };
}

function intFrom(v: string | undefined, dflt: number, name: string): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}
