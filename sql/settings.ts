import crypto from 'node:crypto';
import { Type, type Static } from 'typebox';
import type { Db } from './db.ts';

const HHMM = '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$';
const Span = Type.Object({ from: Type.String({ pattern: HHMM }), to: Type.String({ pattern: HHMM }) }, { additionalProperties: false });
const Day = Type.Array(Span, { maxItems: 8 });
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * Per-account settings. `office_hours` are wall-clock spans per weekday in the account's
 * time zone (from < to; "24:00" ends a day); a weekday left out has no office time.
 * `low_balance_threshold` is rupiah. PUT merges: a field left out stays, null clears it.
 */
/** Service-level targets (SPEC "Beyond the essentials"): seconds from the first assignment, or null for no target. */
function SlaSchema() {
  const target = (what: string) => orNull<number>({ type: 'number', exclusiveMinimum: 0, maximum: 1e9, description: `${what}, seconds (> 0), or null: no target` });
  return Type.Object(
    {
      first_response_s: target('Most time from the first assignment to the first agent message'),
      resolution_s: target('Most time from the first assignment to the latest resolve'),
      business_hours: Type.Boolean({ description: "Count office time only (the account's office_hours), as business_hours=true does" }),
    },
    { additionalProperties: false },
  );
}
export interface Sla {
  first_response_s: number | null;
  resolution_s: number | null;
  business_hours: boolean;
}

export const SettingsInput = Type.Object(
  {
    office_hours: Type.Optional(
      Type.Union([Type.Object(Object.fromEntries(WEEKDAYS.map((d) => [d, Type.Optional(Day)])), { additionalProperties: false }), Type.Null()]),
    ),
    low_balance_threshold: Type.Optional(orNull<number>({ type: 'integer', minimum: 0, maximum: 1e15 })),
    webhook_url: Type.Optional(orNull<string>({ type: 'string', pattern: '^https?://', maxLength: 2000 })),
    sla: Type.Optional(Type.Union([SlaSchema(), Type.Null()])),
  },
  { additionalProperties: false },
);

/**
 * A scalar or null as one JSON Schema type list, not anyOf: the API's ajv coerces types
 * (querystrings need it), and in anyOf [integer, null] the integer branch turns a null
 * sent to clear a field into 0 (a string branch into ""). With a type list a null stays
 * null and a number stays a number.
 */
function orNull<T>(schema: { type: 'integer' | 'number' | 'string' } & Record<string, unknown>) {
  return Type.Unsafe<T | null>({ ...schema, type: [schema.type, 'null'] });
}
export type SettingsInput = Static<typeof SettingsInput>;

export const Settings = Type.Object({
  office_hours: Type.Union([Type.Record(Type.String(), Day), Type.Null()]),
  low_balance_threshold: Type.Union([Type.Integer(), Type.Null()]),
  webhook_url: Type.Union([Type.String(), Type.Null()]),
  /** HMAC-SHA256 key of this account's webhooks; made when a webhook_url is first set. */
  webhook_secret: Type.Union([Type.String(), Type.Null()]),
  sla: Type.Union([SlaSchema(), Type.Null()]),
});
export type Settings = Static<typeof Settings>;
export type OfficeHours = Record<string, Array<{ from: string; to: string }>>;

const EMPTY: Settings = { office_hours: null, low_balance_threshold: null, webhook_url: null, webhook_secret: null, sla: null };

export async function getSettings(db: Db, account: string): Promise<Settings> {
  const rows = await db.query<{ settings: string }>(
    'SELECT argMax(settings, updated_at) AS settings FROM account_settings WHERE account_id = {account:String} GROUP BY account_id',
    { account },
  );
  return rows.length ? { ...EMPTY, ...JSON.parse(rows[0].settings) } : { ...EMPTY };
}

/** Returns the error (field, message) of an input the schema cannot express, or null. */
export function checkOfficeHours(oh: SettingsInput['office_hours']): { field: string; message: string } | null {
  if (!oh) return null;
  for (const [day, spans] of Object.entries(oh)) {
    for (const [i, s] of (spans ?? []).entries()) {
      if (s.from >= s.to) return { field: `office_hours.${day}.${i}`, message: 'from must be before to' };
    }
  }
  return null;
}

export async function putSettings(db: Db, account: string, input: SettingsInput): Promise<Settings> {
  const cur = await getSettings(db, account);
  const next: Settings = { ...cur };
  if (input.office_hours !== undefined) next.office_hours = input.office_hours as OfficeHours | null;
  if (input.low_balance_threshold !== undefined) next.low_balance_threshold = input.low_balance_threshold;
  if (input.webhook_url !== undefined) next.webhook_url = input.webhook_url;
  if (input.sla !== undefined) next.sla = input.sla as Sla | null;
  if (next.webhook_url && !next.webhook_secret) next.webhook_secret = crypto.randomBytes(24).toString('base64url');
  await db.write.insert({
    table: 'account_settings',
    values: [{ account_id: account, settings: JSON.stringify(next), updated_at: Date.now() }],
    format: 'JSONEachRow',
  });
  return next;
}
