import type { Writable } from 'node:stream';
import { conversations, ledger, statement, visitors, type Conversation, type LedgerRow, type StatementMonth, type Visitor } from '../../sql/billing/index.ts';
import { addMonths, monthStart } from '../../core/time.ts';
import { accountTimezone } from '../../sql/account.ts';
import { aboutHead, definitions, formatNotes, type BuildResult, type ReportInput } from './report.ts';
import { words, type Words } from './words.ts';
import { col, localized, StreamingWorkbook, writeAbout, type Kind } from './sheet.ts';

/** Items per page read from the billing lists (their API maximum). */
const PAGE = 10_000;

/** One line of the Statement sheet. */
interface Line {
  section: string;
  item: string;
  kind: Kind;
  value: number | string | null;
}

function statementLines(w: Words, m: StatementMonth): Line[] {
  const L = (section: string, item: string, kind: Kind, value: number | string | null): Line => ({ section: w(section), item: w(item), kind, value });
  return [
    L('Balance', 'Opening balance', 'rupiah', m.opening_balance),
    L('Balance', 'Top-ups', 'rupiah', m.topups),
    L('Balance', 'Adjustments (credit notes, refunds, corrections)', 'rupiah', m.adjustments),
    L('Balance', 'Charges', 'rupiah', -m.charges.total),
    L('Balance', 'Closing balance', 'rupiah', m.closing_balance),
    L('Charges', 'MCC service conversations', 'rupiah', m.charges.mcc_service),
    L('Charges', 'MCC initiated conversations', 'rupiah', m.charges.mcc_initiated),
    L('Charges', 'MUV (monthly unique visitors)', 'rupiah', m.charges.muv),
    L('Charges', 'Total charges', 'rupiah', m.charges.total),
    L('MCC (WhatsApp conversations)', 'Service conversations', 'int', m.mcc.service),
    L('MCC (WhatsApp conversations)', 'Initiated conversations', 'int', m.mcc.initiated),
    L('MCC (WhatsApp conversations)', 'Total conversations', 'int', m.mcc.total),
    L('MCC (WhatsApp conversations)', 'Free quota of the month', 'int', m.mcc.free_quota),
    L('MCC (WhatsApp conversations)', 'Carried in from the month before', 'int', m.mcc.carried_in),
    L('MCC (WhatsApp conversations)', 'Free conversations used', 'int', m.mcc.free_used),
    L('MCC (WhatsApp conversations)', 'Charged service conversations', 'int', m.mcc.billable_service),
    L('MCC (WhatsApp conversations)', 'Charged initiated conversations', 'int', m.mcc.billable_initiated),
    L('MCC (WhatsApp conversations)', 'Free quota left', 'int', m.mcc.remaining_quota),
    L('MUV (visitors)', 'Visitors', 'int', m.muv.count),
    L('MUV (visitors)', 'Free quota of the month', 'int', m.muv.free_quota),
    L('MUV (visitors)', 'Charged visitors', 'int', m.muv.billable),
    L('MUV (visitors)', 'Free quota left', 'int', m.muv.remaining_quota),
    L('Plan', 'Plan in force at the start of the month', 'text', m.plan_id ?? w('default plan')),
  ];
}

/** Every item of a paged billing list, page after page. */
async function* allPages<T>(page: (offset: number) => Promise<{ items: T[]; next: number | null }>): AsyncGenerator<T> {
  for (let offset: number | null = 0; offset !== null; ) {
    const p = await page(offset);
    yield* p.items;
    offset = p.next;
  }
}

/**
 * The billing workbook of one calendar month (the account's time zone): the statement,
 * every WhatsApp conversation with its category, free or charged and price, every
 * visitor, and the day-by-day ledger with the running balance, from the same functions as
 * GET .../billing/statement, /conversations, /visitors and /ledger.
 */
export async function buildBilling(input: ReportInput, out: Writable): Promise<BuildResult> {
  const { db, account } = input;
  const tz = await accountTimezone(db, account);
  const month = input.month!;
  const [st, led] = await Promise.all([statement(db, account, month, month), ledger(db, account, monthStart(tz, month), monthStart(tz, addMonths(month, 1)), 'day')]);
  const m = st.months[0];
  // The workbook's dates are in the account's zone: billing months are cut in it.
  const book = new StreamingWorkbook(out, tz, input.workbook);
  const w = words(input.lang);
  const why = (c: Conversation) =>
    c.reason_code === 'contact_wrote'
      ? w('service: the contact wrote at {time}, within the 24 h before', { time: c.last_inbound_at ?? '' })
      : w(c.reason_code === 'template' ? 'initiated: opened by a template or broadcast message' : 'initiated: no message from the contact in the 24 h before');

  const stmt = book.table<Line>(w('Statement'), [
    col(w('Section'), 'text', (l) => l.section, 30),
    col(w('Item'), 'text', (l) => l.item, 48),
    { ...col(`${month}`, 'rupiah', (l: Line) => l.value, 16), kindOf: (l: Line) => l.kind },
  ]);
  await stmt.addAll(m ? statementLines(w, m) : []);
  let rows = stmt.finish();

  const conv = book.table<Conversation>(w('Conversations'), localized(w, [
    col('#', 'int', (c) => c.seq, 7),
    col('Opened at', 'datetime', (c) => c.opened_at),
    col('Open until', 'datetime', (c) => c.open_until),
    col('Contact', 'text', (c) => c.contact_id, 18),
    col('Room', 'text', (c) => c.room_id, 18),
    col('Category', 'text', (c) => w(c.category), 11),
    col('Why', 'text', why, 56),
    col('Contact last wrote at', 'datetime', (c) => c.last_inbound_at),
    col('Free or charged', 'text', (c) => w(c.free ? 'free' : 'charged'), 12),
    col('Price', 'rupiah', (c) => c.price),
    col('Charge', 'rupiah', (c) => c.charge),
    col('Plan', 'text', (c) => c.plan_id ?? w('default'), 14),
    col('Opening message', 'text', (c) => c.message_id, 20),
  ]));
  await conv.addAll(
    allPages(async (offset) => {
      const p = await conversations(db, account, month, { limit: PAGE, offset }, input.generatedAt);
      return { items: p.conversations, next: p.next_offset };
    }),
  );
  rows += conv.finish();

  const vis = book.table<Visitor>(w('Visitors'), localized(w, [
    col('#', 'int', (v) => v.seq, 7),
    col('First seen at', 'datetime', (v) => v.first_seen_at),
    col('Channel', 'text', (v) => w.channel(v.channel), 11),
    col('Contact', 'text', (v) => v.contact_id, 18),
    col('Room', 'text', (v) => v.room_id, 18),
    col('Free or charged', 'text', (v) => w(v.free ? 'free' : 'charged'), 12),
    col('Price', 'rupiah', (v) => v.price),
    col('Charge', 'rupiah', (v) => v.charge),
    col('Plan', 'text', (v) => v.plan_id ?? w('default'), 14),
    col('First message', 'text', (v) => v.message_id, 20),
  ]));
  await vis.addAll(
    allPages(async (offset) => {
      const p = await visitors(db, account, month, { limit: PAGE, offset }, input.generatedAt);
      return { items: p.visitors, next: p.next_offset };
    }),
  );
  rows += vis.finish();

  const ledgerTable = book.table<LedgerRow>(w('Ledger'), localized(w, [
    col('Date', 'date', (r) => r.start),
    col('Opening balance', 'rupiah', (r) => r.opening_balance, 15),
    col('Top-ups', 'rupiah', (r) => r.topups),
    col('Adjustments', 'rupiah', (r) => r.adjustments),
    col('MCC service charges', 'rupiah', (r) => r.charges.mcc_service),
    col('MCC initiated charges', 'rupiah', (r) => r.charges.mcc_initiated),
    col('MUV charges', 'rupiah', (r) => r.charges.muv),
    col('Total charges', 'rupiah', (r) => r.charges.total),
    col('Net', 'rupiah', (r) => r.net),
    col('Closing balance', 'rupiah', (r) => r.closing_balance, 15),
  ]));
  await ledgerTable.addAll(led.rows);
  rows += ledgerTable.finish();

  writeAbout(book, w, [
    ...aboutHead(
      { ...input, filters: { ...input.filters, tz, channels: [], agents: [] } },
      w,
      w('Billing statement of {month}', { month }),
      w('the same functions as GET /api/v1/accounts/{account}/billing/statement, /conversations, /visitors and /ledger', { account }),
    ),
    ...definitions(w, ['mcc', 'mcc_service', 'mcc_initiated', 'muv', 'free_quota', 'balance']),
    [w('Prices'), w('those of the plan in force when the conversation opens or the visitor is first seen; quotas are those of the plan in force at the start of the month')],
    [w('Statement sheet'), w('charges are shown negative in the balance section (money out) and positive in the charges section')],
    ...formatNotes(w),
  ]);
  await book.commit();
  return { rows, sheets: [...stmt.sheetNames, ...conv.sheetNames, ...vis.sheetNames, ...ledgerTable.sheetNames, w('About')] };
}
