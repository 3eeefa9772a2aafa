import type { Writable } from 'node:stream';
import { campaignReport } from '../../sql/campaigns/report.ts';
import type { Campaigns } from '../../core/wire/campaigns.ts';
import { CsvTable } from './csv.ts';
import { aboutHead, definitions, formatNotes, type BuildResult, type ReportInput } from './report.ts';
import { col, localized, StreamingWorkbook, writeAbout, type Column } from './sheet.ts';
import { words, type Words } from './words.ts';

type Row = Campaigns['campaigns'][number];

/** The campaign report's columns (GET .../campaigns), in the file's language. */
const campaignColumns = (w: Words): Array<Column<Row>> =>
  localized(w, [
    col('Campaign', 'text', (c) => c.campaign_id, 20),
    col('First sent at', 'datetime', (c) => c.first_sent_at),
    col('Last sent at', 'datetime', (c) => c.last_sent_at),
    col('Messages', 'int', (c) => c.messages),
    col('Contacts', 'int', (c) => c.contacts),
    col('Replied within 24 h', 'int', (c) => c.replied),
    col('Reply rate', 'percent', (c) => c.reply_rate),
    col('Conversations', 'int', (c) => c.conversations.total),
    col('Free conversations', 'int', (c) => c.conversations.free),
    col('Charged conversations', 'int', (c) => c.conversations.charged),
    col('MCC charges', 'rupiah', (c) => c.charges.mcc),
    col('MUV charges', 'rupiah', (c) => c.charges.muv),
    col('Total charges', 'rupiah', (c) => c.charges.total),
  ]);

const report = (input: ReportInput) => campaignReport(input.db, input.account, input.filters.tz, input.filters.from, input.filters.to);

/** The campaigns workbook: one row per campaign with a send in the period, and the conversations opened without one. */
export async function buildCampaigns(input: ReportInput, out: Writable): Promise<BuildResult> {
  const w = words(input.lang);
  const r = await report(input);
  const book = new StreamingWorkbook(out, input.filters.tz, input.workbook);
  const table = book.table(w('Campaigns'), campaignColumns(w));
  await table.addAll(r.campaigns);
  const n = table.finish();
  writeAbout(book, w, [
    ...aboutHead(input, w, w('Campaigns: what each broadcast reached and cost'), w('the same functions as GET /api/v1/accounts/{account}/campaigns', { account: input.account })),
    [w('Conversations without a campaign'), w('{n} conversations, charged {amount} rupiah', { n: r.without_campaign.conversations, amount: r.without_campaign.charges_mcc })],
    ...definitions(w, ['campaign', 'mcc', 'mcc_initiated', 'muv']),
    ...formatNotes(w),
  ]);
  await book.commit();
  return { rows: n, sheets: [...table.sheetNames, w('About')] };
}

/** The same rows as the Campaigns sheet, as CSV. */
export async function campaignsCsv(input: ReportInput, out: Writable): Promise<BuildResult> {
  const r = await report(input);
  const table = new CsvTable(out, campaignColumns(words(input.lang)), input.filters.tz);
  await table.addAll(r.campaigns);
  return { rows: await table.finish(), sheets: [] };
}
