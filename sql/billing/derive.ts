import type { Db } from '../db.ts';
import { loadSql } from '../load.ts';
import { tuning } from '../../core/config.ts';

/**
 * Derives billable items from billing_messages, page by page, with the fold below, and
 * writes them together with the segment markers and directories of migration 023.
 *
 * SPEC rules, per contact, messages in billing order (page.sql gives it):
 * - MCC (WhatsApp only): an outbound message opens a conversation when none is open; a
 *   conversation opened at t is open during [t, t + 24 h). It is initiated when the
 *   opening message is a template or a broadcast, or when the contact's latest inbound
 *   message at or before t is older than t - 24 h (or there is none); else service.
 * - MUV: the contact's first inbound message in each calendar month of the time zone.
 * The fold's whole state is three values (Fold), so a contact's derivation can stop after
 * any message and resume there: each page ends a segment per contact in it, and the state
 * after each segment is kept in the contact's directory.
 *
 * Why a fold in TypeScript over pages rather than one SQL arrayFold per contact: that
 * fold copied its growing array of conversations at every message and the query
 * repeated each contact's item keys once per item (ARRAY JOIN), so one contact's cost grew
 * with the square of its messages (measured: 25k messages 2.1 s, 100k 45.8 s and 10 GB;
 * 50k messages each opening a conversation exhausted 21 GB). Here a page is one index
 * range read of pageRows() rows (20k: ~40 ms to read, measured) and every few pages one
 * insert, each query short: chDB runs parameterised queries one at a time across the
 * whole process (chdb's index.js chains them), so a long one would hold up every other
 * account's reads, and a derivation never holds more than a few pages in memory.
 */

/** 24 h, ms: how long a conversation stays open. */
const DAY_MS = 86_400_000;
/** "Never", ms: before any real time and 24 h away from it. */
export const NEVER = -1e15;
/** The local month of "no inbound message yet": never equal to a real message's month. */
export const NO_MONTH = '1970-01-01';

/** Messages a page reads (env BILLING_PAGE_ROWS): bounds each query's time and the memory of a derivation. */
export function pageRows(): number {
  return tuning().billingPageRows;
}

/** The fold's state after a message: all a resumed derivation needs. */
export interface Fold {
  /** opening time (ms) of the latest conversation, NEVER if none */
  open: number;
  /** the latest inbound message (ms), NEVER if none */
  lastIn: number;
  /** that message's local month 'YYYY-MM-DD', NO_MONTH if none */
  lastInMonth: string;
}

/** One segment of a contact: its messages after the previous segment's end, up to `end`. */
export interface Seg extends Fold {
  /** time (ms) of its last message; every message of that instant is in it */
  end: number;
  /** billing_messages rows it read */
  rows: number;
}

export const freshFold = (): Fold => ({ open: NEVER, lastIn: NEVER, lastInMonth: NO_MONTH });

/** Where a derivation starts: every contact (of `contacts`, or of the account) from scratch, or one contact after a segment. */
export type Scope = { contacts?: { ch: string[]; ct: string[] } } | { resume: { ch: string; ct: string; kept: Seg[] } };

/** One contact's messages of a page (page.sql), parallel arrays in billing order. */
interface Page {
  channel: string;
  contact_id: string;
  /** times, ms */
  ms: number[];
  outbound: number[];
  ids: string[];
  forced: number[];
  rooms: string[];
  /** local month of each message, days since 1970-01-01 */
  months: number[];
}

/** A row of format(JSONCompactEachRow) in write.sql: kind, month, t, id, category, channel, contact, room, forced, last inbound, rows, keys, segs. */
type Out = [number, string, number, string, number, string, string, string, number, number, number, Array<[number, string, number, string]>, Array<[number, number, number, number, string]>];

const SQL = {
  page: loadSql(import.meta.url, 'page.sql'),
  contacts: loadSql(import.meta.url, 'scope-contacts.sql'),
  contact: loadSql(import.meta.url, 'scope-contact.sql'),
  write: loadSql(import.meta.url, 'write.sql'),
};

/**
 * Derives the contacts of `scope` from their start to their last stored message, one page
 * at a time, and returns the messages read. The caller has already tombstoned whatever
 * these contacts had from that start on.
 */
export async function derive(db: Db, account: string, tz: string, scope: Scope, nextVersion: () => number): Promise<number> {
  const n = pageRows();
  let filter = '';
  let params: Record<string, unknown> = {};
  let at = { c0: '', k0: '', t0: 0 };
  /** The contact the previous page ended in: its fold and segments continue on the next page. */
  let carry: { ch: string; ct: string; fold: Fold; segs: Seg[] } | undefined;
  if ('resume' in scope) {
    const { ch, ct, kept } = scope.resume;
    const last = kept[kept.length - 1];
    filter = SQL.contact;
    at = { c0: ch, k0: ct, t0: last.end };
    carry = { ch, ct, fold: { open: last.open, lastIn: last.lastIn, lastInMonth: last.lastInMonth }, segs: [...kept] };
  } else if (scope.contacts) {
    filter = SQL.contacts;
    params = scope.contacts;
  }
  let read = 0;
  // Pages are written a few at a time (an insert costs ~40 ms whatever its size, measured).
  const w = new Writer(db, account, tz, nextVersion);
  for (let size = n; ; ) {
    const page = await db.query<Page>(SQL.page.replace('/*contacts*/', filter), { account, tz, n: size, ...params, ...at });
    const full = page.reduce((a, g) => a + g.ms.length, 0) >= size;
    // A full page may stop inside an instant: that instant goes to the next page whole. A
    // page that is one instant of one contact is read again twice as big.
    if (full && !trimLastInstant(page)) {
      size *= 2;
      continue;
    }
    size = n;
    for (const g of page) {
      const { channel: ch, contact_id: ct } = g;
      const c = carry?.ch === ch && carry.ct === ct ? carry : { ch, ct, fold: freshFold(), segs: [] };
      const items = foldPage(g, ch === 'whatsapp', c.fold);
      c.segs.push({ end: g.ms[g.ms.length - 1], rows: g.ms.length, ...c.fold });
      w.add(c.ch, c.ct, items, c.segs);
      carry = c;
      read += g.ms.length;
    }
    if (w.messages >= FLUSH_PAGES * n || w.rows >= n) await w.flush();
    if (!full) break;
    const last = page[page.length - 1];
    at = { c0: last.channel, k0: last.contact_id, t0: last.ms[last.ms.length - 1] };
  }
  await w.flush();
  return read;
}

/** Drops the rows of the page's last (contact, instant); false when nothing is left. */
function trimLastInstant(page: Page[]): boolean {
  const g = page[page.length - 1];
  const end = g.ms[g.ms.length - 1];
  let k = g.ms.length;
  while (k > 0 && g.ms[k - 1] === end) k--;
  if (k === 0) page.pop();
  else for (const key of ['ms', 'outbound', 'ids', 'forced', 'rooms', 'months'] as const) g[key].length = k;
  return page.length > 0;
}

/** Pages read before their items are written, at most (and at most a page's worth of rows written). */
const FLUSH_PAGES = 5;

/**
 * Buffers items, segment markers and directories and writes them in one INSERT, so that a
 * contact's markers and the directory listing them always land together: a directory
 * lists every live marker of its contact, even after a crash between two inserts.
 */
class Writer {
  /** messages read and rows to write (items, markers, directories) since the last flush */
  messages = 0;
  rows = 0;
  private out: Out[] = [];
  private dirs = new Map<string, { ch: string; ct: string; segs: Seg[] }>();

  constructor(
    private db: Db,
    private account: string,
    private tz: string,
    private nextVersion: () => number,
  ) {}

  add(ch: string, ct: string, items: Item[], segs: Seg[]): void {
    const seg = segs[segs.length - 1];
    for (const it of items) this.out.push([it.kind, it.month, it.t, it.id, it.category, ch, ct, it.room, it.forced, it.lastIn, 0, [], []]);
    this.out.push([2, NO_MONTH, seg.end, `${ch}:${ct}`, 0, ch, ct, '', 0, 0, seg.rows, items.map((it) => [it.kind, it.month, it.t, it.id]), []]);
    this.dirs.set(`${ch}:${ct}`, { ch, ct, segs });
    this.messages += seg.rows;
    this.rows = this.out.length + this.dirs.size;
  }

  async flush(): Promise<void> {
    if (!this.out.length) return;
    for (const [id, d] of this.dirs) this.out.push([2, NO_MONTH, 0, id, 0, d.ch, d.ct, '', 0, 0, 0, [], d.segs.map((s) => [s.end, s.rows, s.open, s.lastIn, s.lastInMonth])]);
    const data = this.out.map((r) => JSON.stringify(r)).join('\n');
    this.out = [];
    this.dirs.clear();
    this.messages = 0;
    this.rows = 0;
    await this.db.command(SQL.write, { account: this.account, tz: this.tz, version: this.nextVersion(), data });
  }
}

interface Item {
  kind: 0 | 1;
  month: string;
  t: number;
  id: string;
  /** 0 service, 1 initiated, 2 visitor */
  category: number;
  room: string;
  forced: number;
  /** the latest inbound message before a conversation (ms, 0 if none) */
  lastIn: number;
}

/** 'YYYY-MM-DD' of a day number (days since 1970-01-01); a page has few distinct months. */
const dayNames = new Map<number, string>();
function dayName(d: number): string {
  let s = dayNames.get(d);
  if (s === undefined) dayNames.set(d, (s = new Date(d * 86_400_000).toISOString().slice(0, 10)));
  return s;
}

/** SPEC's MCC and MUV over one contact's messages of a page, from state `f` (updated in place). */
function foldPage(g: Page, whatsapp: boolean, f: Fold): Item[] {
  const items: Item[] = [];
  for (let k = 0; k < g.ms.length; k++) {
    const t = g.ms[k];
    if (g.outbound[k] === 0) {
      const month = dayName(g.months[k]);
      if (month !== f.lastInMonth) items.push({ kind: 1, month, t, id: g.ids[k], category: 2, room: g.rooms[k], forced: 0, lastIn: 0 });
      f.lastIn = t;
      f.lastInMonth = month;
    } else if (whatsapp && t >= f.open + DAY_MS) {
      const initiated = g.forced[k] === 1 || f.lastIn < t - DAY_MS;
      items.push({ kind: 0, month: dayName(g.months[k]), t, id: g.ids[k], category: initiated ? 1 : 0, room: g.rooms[k], forced: g.forced[k], lastIn: Math.max(f.lastIn, 0) });
      f.open = t;
    }
  }
  return items;
}
