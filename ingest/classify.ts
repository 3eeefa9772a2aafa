import { EVENT_SCHEMAS, type EventType } from '../core/contract.ts';
import { Bloom } from './bloom.ts';
import type { IngestContext, IngestOutcome } from './ingestor.ts';
import { MAX_LINE_BYTES, type Line } from './lines.ts';
import { epochMs, validateEvent, type LineError } from './validate.ts';

/** One request line, read: the row to store (re-serialised with its type's columns only), or why it is turned down. */

/** Columns of each event type, in table order: an accepted line is re-serialised with exactly these. */
const FIELDS = Object.fromEntries(
  Object.entries(EVENT_SCHEMAS).map(([t, s]) => [t, Object.keys((s as { properties: object }).properties)]),
) as Record<EventType, string[]>;

/** A line that passed every check, on its way to the store. */
export interface Pending {
  /** Line number and text, for the dead letters if the store refuses the row. */
  n: number;
  text: string;
  bytes: number;
  key: string;
  hash: number;
  account: string;
  id: string;
  /** '' for events without a room (billing-only types). */
  room: string;
  row: string;
  maybe: boolean;
}

/** A line turned down before storing: what its dead letter needs. */
export interface Refusal {
  n: number;
  raw: string;
  bytes: number;
  id: unknown;
  account: unknown;
  err: LineError;
  forbidden?: boolean;
}

/** Parses, checks and projects one line: the event to store, or why it is turned down. */
export function classify(line: Line, ctx: IngestContext, out: IngestOutcome): Pending | Refusal {
  if (line.text === null) {
    return { n: line.n, raw: line.head ?? '', bytes: line.bytes, id: null, account: null, err: { field: null, message: `line is longer than ${MAX_LINE_BYTES} bytes` } };
  }
  const base = { n: line.n, raw: line.text, bytes: line.bytes };
  let v: unknown;
  try {
    v = JSON.parse(line.text);
  } catch (e) {
    return { ...base, id: null, account: null, err: { field: null, message: `is not valid JSON (${(e as Error).message})` } };
  }
  out.parsed++;
  const o = v as Record<string, unknown>;
  const isObj = v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj && ctx.account !== undefined && typeof o.account_id === 'string' && o.account_id !== ctx.account) {
    return { ...base, id: o.id, account: o.account_id, forbidden: true, err: { field: 'account_id', message: `this key may only store events of account ${ctx.account}` } };
  }
  const err = validateEvent(v);
  if (err) return { ...base, id: isObj ? o.id : null, account: isObj ? o.account_id : null, err };
  const row = project(o);
  if (typeof row !== 'string') return { ...base, id: o.id, account: o.account_id, err: row };
  const account = o.account_id as string;
  const id = o.id as string;
  return { n: line.n, text: line.text, bytes: line.bytes, key: `${account}\u0000${id}`, hash: Bloom.hash(account, id), account, id, room: typeof o.room_id === 'string' ? o.room_id : '', row, maybe: false };
}

/**
 * The event with only its type's fields (JSON.stringify's key list when it has others):
 * unknown fields never reach the store. Strings must be well-formed Unicode: JSON allows a
 * lone surrogate escape such as \\ud800, the store does not. JSON.stringify writes valid
 * pairs as characters and lone surrogates as \\udXXX escapes, so one regex finds them.
 */
const LONE_SURROGATE = /\\ud[89a-f]/i;
const ALLOWED = Object.fromEntries(Object.entries(FIELDS).map(([t, f]) => [t, new Set(f)])) as Record<EventType, Set<string>>;
function project(o: Record<string, unknown>): string | LineError {
  const fields = FIELDS[o.type as EventType];
  // Most events carry only their own fields: then plain JSON.stringify (its fast path,
  // about 1 µs) replaces the key-list form (about 3 µs).
  const allowed = ALLOWED[o.type as EventType];
  let only = true;
  for (const k in o) if (!allowed.has(k)) { only = false; break; }
  // The instant as ms since 1970: the store reads an integer faster than it parses the text (validate.ts).
  o.occurred_at = epochMs(o.occurred_at as string);
  const row = only ? JSON.stringify(o) : JSON.stringify(o, fields);
  if (LONE_SURROGATE.test(row)) {
    // The regex also matches a literal backslash-u text; the check per field decides.
    const field = fields.find((f) => typeof o[f] === 'string' && !(o[f] as string).isWellFormed());
    if (field) return { field, message: 'must be valid Unicode (it has a lone surrogate)' };
  }
  return row;
}
