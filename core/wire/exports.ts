import { Type, type Static } from 'typebox';

/** The names of exports: reports, formats and schedule periods (the API, the store and the scheduler use these). */

export const REPORTS = ['overview', 'csat', 'rooms', 'billing', 'service', 'campaigns'] as const;
export type Report = (typeof REPORTS)[number];
/** Reports that also come out as CSV (one flat table each). */
export const CSV_REPORTS: readonly Report[] = ['csat', 'rooms', 'campaigns'];
export type Format = 'xlsx' | 'csv';

/** The periods a schedule can export, each relative to the moment the run is for. */
export const PERIODS = ['yesterday', 'last_7_days', 'last_week', 'last_month', 'month_to_date'] as const;
export type Period = (typeof PERIODS)[number];

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** The JSON shapes of schedules and runs, as the API shows them (and documents them in /openapi.json). */

export const ScheduleDoc = Type.Object({
  id: Type.String(),
  account: Type.String(),
  report: Type.Enum(REPORTS),
  format: Type.Union([Type.Literal('xlsx'), Type.Literal('csv')]),
  cron: Type.String({ description: 'node-cron expression: 5 fields, or 6 with seconds first' }),
  tz: Type.String({ description: 'IANA zone the cron fires in, and of the period and the dates' }),
  period: Type.Enum(PERIODS),
  channel: Type.Array(Type.String()),
  agent: Type.Array(Type.String()),
  business_hours: Type.Boolean(),
  lang: Type.Union([Type.Literal('en'), Type.Literal('id')], { description: "the files' language: sheet names, headers, words and definitions" }),
  webhook_url: Nullable(Type.String()),
  webhook_secret: Nullable(Type.String({ description: 'HMAC-SHA256 key of Webhook-Signature (README "Webhooks")' })),
  enabled: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
  next_run_at: Nullable(Type.String({ description: 'next fire of the cron (null when disabled)' })),
});
export type ScheduleDoc = Static<typeof ScheduleDoc>;

export const RunDoc = Type.Object({
  id: Type.String(),
  account: Type.String(),
  schedule_id: Type.String(),
  report: Type.String(),
  format: Type.String(),
  trigger: Type.String({ description: 'cron | catch_up (missed while the server was down) | manual' }),
  status: Type.String({ description: 'running | succeeded | failed | interrupted (the server stopped during it)' }),
  scheduled_for: Nullable(Type.String()),
  period: Type.Object({ from: Type.String(), to: Type.String(), tz: Type.String() }),
  started_at: Type.String(),
  finished_at: Nullable(Type.String()),
  rows: Type.Integer(),
  bytes: Type.Integer(),
  error: Nullable(Type.String()),
  file_available: Type.Boolean(),
  download_url: Nullable(Type.String()),
  webhook: Type.Object({
    status: Type.String({ description: 'none (no webhook, or an interrupted run: nothing to tell) | pending | delivered | failed' }),
    attempts: Type.Integer(),
    error: Nullable(Type.String({ description: 'why it was not delivered: refused (an address webhooks may not reach) or failed; never the answer or error itself' })),
  }),
});
export type RunDoc = Static<typeof RunDoc>;
