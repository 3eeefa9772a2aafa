import { requestMemo, type Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { DEFAULT_TIMEZONE } from '../account.ts';
import { derive } from './derive.ts';
import { plan } from './plan.ts';
import { deriveSmall, deriveSmallAll } from './small.ts';
import { plansFrom, type Plan } from './plans.ts';

/**
 * Keeps billing_items (an account's conversations and visitors) equal to what SPEC's
 * rules make of the stored messages, and lets billing reads run on it.
 *
 * Why derived items and not one exact query over the messages each time: measured on
 * this 2-core machine with 2.3M WhatsApp messages in one account, the per-contact fold
 * alone took 2.0-2.4 s idle (5-13 s under load), so no read could be under a second;
 * from the derived items (and their per-hour counts) a usage read takes ~20-200 ms.
 *
 * Exactness: before every read, `withItems` looks for contacts with message rows their
 * derivation did not read (billing_pending: +1 per stored message row, -rows per sync
 * marker, so a contact is current when it sums to 0). Those contacts are re-derived
 * (plan.ts): a small one whole, a big one from its first segment whose messages changed,
 * so the items are always a pure function of the stored messages, whatever the arrival
 * order. A time zone change (new latest plan) re-derives the whole account, since months
 * are cut in it.
 *
 * Cost: every query of a derivation covers a bounded number of messages: small contacts
 * many to a query (small.ts, the SQL fold), big ones page by page (derive.ts), so one
 * contact with a million messages neither holds memory in proportion nor runs one long
 * query, and a message after its history re-derives at most a page, not the history.
 * Measured (bench/billing-heavy.ts, 1M messages on one contact, 2 cores): first
 * derivation 6.5 s with the server at ~780 MiB RSS; a read after one new message 0.6 s,
 * after one late message in the middle 2.3 s (half the history again); another account's
 * balance read meanwhile p50 83 ms, max 250 ms.
 *
 * Concurrency: one process owns an embedded store (chDB), so a per-account read/write
 * lock in memory is enough: a re-derivation (tombstones, then new items) never runs
 * while a read of the same account is between its queries. Nothing is shared between
 * accounts: chDB runs parameterised queries one at a time, in order of arrival, across
 * the process, so another account's read waits for the one short query of a derivation
 * in flight, never for the whole derivation.
 */

/** Re-derive the whole account rather than list more changed contacts than this. */
const MAX_PENDING = 5_000;
/** Layout of the derivation (billing_sync_accounts.format); an account derived with another is re-derived. */
const FORMAT = 2;

export interface Fresh {
  /** The account's time zone (its latest plan's); the derivation's months are cut in it. */
  tz: string;
  /** The account's plan history, default plan first (plans.ts). */
  plans: Plan[];
  /** Identifies the inputs of quota and month charges (derivation, plans, first event, tz) for memo.ts. */
  key: string;
}

const SQL = {
  state: loadSql(import.meta.url, 'sync-state.sql'),
  tombstones: loadSql(import.meta.url, 'tombstones.sql'),
  tombstonesScope: loadSql(import.meta.url, 'tombstones-scope.sql'),
  tombstonesMonth: 'AND kind = {kind:UInt8} AND month = {month:Date}',
  hours: loadSql(import.meta.url, 'hours.sql'),
  hourMonths:
    'SELECT DISTINCT month FROM billing_items WHERE account_id = {account:String} AND kind IN (0, 1) ' +
    'UNION DISTINCT SELECT DISTINCT month FROM billing_item_hours WHERE account_id = {account:String}',
};

/** Runs `fn` on an up-to-date derivation of `account`, with no re-derivation of it in between. */
export async function withItems<T>(db: Db, account: string, fn: (f: Fresh) => Promise<T>): Promise<T> {
  const lock = lockOf(db, account);
  let refreshed = false;
  // A request that reads several billing lists (campaigns: conversations and visitors)
  // reads the state once: a current state read after the request came in stays good for
  // it while this process re-derived nothing (`refreshes` unchanged). Saves a query of
  // ~15-35 ms at 10M events.
  const memo = requestMemo();
  const memoKey = `billing-state\u0000${account}`;
  for (;;) {
    const st = await lock.read(async () => {
      const kept = memo?.get(memoKey) as { s: State; at: number } | undefined;
      const s = kept && kept.at === refreshes ? kept.s : await state(db, account);
      if (s.current) memo?.set(memoKey, { s, at: refreshes });
      // After one re-derivation the read goes ahead even if more messages arrived
      // meanwhile: it then reflects every event stored before the request came in.
      const go = s.current || (refreshed && !s.relayout);
      return go ? { ok: true as const, value: await fn({ tz: s.tz, plans: s.plans, key: s.key }) } : { ok: false as const };
    });
    if (st.ok) return st.value;
    await lock.write(() => refresh(db, account));
    refreshed = true;
  }
}

/** Brings the derivation of `account` up to date now, ahead of a read (reads do it themselves). */
export async function sync(db: Db, account: string): Promise<void> {
  const s = await state(db, account);
  if (!s.current) await lockOf(db, account).write(() => refresh(db, account));
}

interface State {
  plans: Plan[];
  key: string;
  current: boolean;
  /** the whole account must be re-derived */
  full: boolean;
  /** ... because its months were cut in another time zone or layout (a read must wait for it) */
  relayout: boolean;
  tz: string;
  /** marker ids ('channel:contact_id') of contacts with underived messages */
  pending: string[];
}

async function state(db: Db, account: string): Promise<State> {
  const [r] = await db.query<{ plans: unknown[][]; synced: string; derivation: string; first_event: string; synced_as: [string, number]; pending: string[] }>(SQL.state, {
    account,
    limit: MAX_PENDING + 1,
  });
  const plans = plansFrom(r.plans);
  const tz = plans.length > 1 ? plans[plans.length - 1].timezone || DEFAULT_TIMEZONE : DEFAULT_TIMEZONE;
  const relayout = Number(r.synced) === 0 || r.synced_as[0] !== tz || Number(r.synced_as[1]) !== FORMAT;
  const full = relayout || r.pending.length > MAX_PENDING;
  const key = JSON.stringify([account, refreshes, r.derivation, r.first_event, tz, r.plans]);
  return { plans, key, current: !full && r.pending.length === 0, full, relayout, tz, pending: r.pending };
}

/** Re-derivations started in this process: part of every memo key, so that one cut short
 * by an error (items changed, version not yet written) can never be served from the memo. */
let refreshes = 0;

/** Re-derives what changed; called with the account's write lock held. */
async function refresh(db: Db, account: string): Promise<void> {
  const s = await state(db, account);
  if (s.current) return;
  refreshes++;
  if (s.full) await rederiveAll(db, account, s.tz);
  else {
    const p = await plan(db, account, s.pending);
    if (p.ids.length) await db.command(SQL.tombstones.replace('/*scope*/', SQL.tombstonesScope), { account, ends: p.ends, ids: p.ids, version: nextVersion() });
    await deriveSmall(db, account, s.tz, p.small, nextVersion);
    if (p.fresh.ch.length) await derive(db, account, s.tz, { contacts: p.fresh }, nextVersion);
    for (const resume of p.resume) await derive(db, account, s.tz, { resume }, nextVersion);
  }
  await db.command(
    'INSERT INTO billing_sync_accounts (account_id, timezone, rows, version, format) VALUES ({account:String}, {tz:String}, 0, {version:UInt64}, {format:UInt8})',
    { account, tz: s.tz, version: nextVersion(), format: FORMAT },
  );
}

/** Tombstones every row of the account and derives it all again, a month (or a batch, or a page) a query. */
async function rederiveAll(db: Db, account: string, tz: string): Promise<void> {
  const groups = await db.query<{ kind: number; month: string }>('SELECT DISTINCT kind, month FROM billing_items WHERE account_id = {account:String}', { account });
  for (const g of groups) await db.command(SQL.tombstones.replace('/*scope*/', SQL.tombstonesMonth), { account, ...g, version: nextVersion() });
  const big = await deriveSmallAll(db, account, tz, nextVersion);
  if (big.ch.length) await derive(db, account, tz, { contacts: big }, nextVersion);
  // Recount the hours from the items themselves: a no-op when the +1/-1 of the view
  // added up, a repair if a crash ever cut an insert in half. Only this module writes
  // billing_items, under the account's lock, so nothing moves meanwhile.
  const months = await db.query<{ month: string }>(SQL.hourMonths, { account });
  for (const { month } of months) await db.command(SQL.hours, { account, month });
  // A full derivation leaves a -rows row per marker next to its +rows rows in another
  // part; until a merge sums them to 0 (and drops them), every freshness check reads
  // them all (measured: 180k rows, ~120 ms a read on the 10M-event store). Merge now,
  // once per full derivation; the few rows of incremental ones merge in the background.
  // (Only an optimisation: a store that refuses OPTIMIZE here, e.g. a Distributed
  // table, is still exact.)
  await db.command('OPTIMIZE TABLE billing_pending FINAL').catch(() => undefined);
  await db.command('OPTIMIZE TABLE billing_item_hours FINAL').catch(() => undefined);
}

let lastVersion = 0;
/** Strictly increasing across calls and (clock permitting) across restarts: microseconds. */
function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

/** A read/write lock that lets a waiting writer go before readers that came after it. */
class RwLock {
  private readers = 0;
  private writing = false;
  private queue: Array<{ write: boolean; go: () => void }> = [];

  async read<T>(fn: () => Promise<T>): Promise<T> {
    if (this.writing || this.queue.length) await new Promise<void>((go) => this.queue.push({ write: false, go }));
    else this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      this.next();
    }
  }

  async write<T>(fn: () => Promise<T>): Promise<T> {
    if (this.writing || this.readers || this.queue.length) await new Promise<void>((go) => this.queue.push({ write: true, go }));
    else this.writing = true;
    try {
      return await fn();
    } finally {
      this.writing = false;
      this.next();
    }
  }

  private next(): void {
    while (this.queue.length && !this.writing) {
      const head = this.queue[0];
      if (head.write) {
        if (this.readers) return;
        this.queue.shift();
        this.writing = true;
        head.go();
        return;
      }
      this.queue.shift();
      this.readers++;
      head.go();
    }
  }
}

const locks = new WeakMap<Db, Map<string, RwLock>>();
function lockOf(db: Db, account: string): RwLock {
  let m = locks.get(db);
  if (!m) locks.set(db, (m = new Map()));
  let l = m.get(account);
  if (!l) m.set(account, (l = new RwLock()));
  return l;
}
