import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildReport } from '../api/export/index.ts';
import { CHANNEL_NAMES } from '../core/glossary.ts';

/** A channel as the files write it: the dashboard's name (WhatsApp, LINE...). */
const shown = (c: string | null) => (c ? CHANNEL_NAMES[c] : null);
import { EXAMPLE_NDJSON, bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

// Every workbook is downloaded through the real HTTP route, read back with exceljs, and
// compared with what the API answers for the same filters on the worked example
// (October 2026: 7 chats, 5 visitors, 2,400 rupiah charged).

let s: TestServer;
let key: string;
const OCT = 'from=2026-10-01&to=2026-11-01';
const BASE = '/api/v1/accounts/demo';

beforeAll(async () => {
  s = await startServer();
  const r = await postNdjson(s.app, s.adminKey, fs.readFileSync(EXAMPLE_NDJSON));
  expect(r.json()).toMatchObject({ accepted: 42, duplicates: 2, rejected: 0 });
  key = await s.accountKey('demo');
});
afterAll(async () => s?.close());

const api = async (url: string) => {
  const r = await s.app.inject({ method: 'GET', url: `${BASE}${url}`, headers: bearer(key) });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

const download = async (name: string, query = '') => {
  const r = await s.app.inject({ method: 'GET', url: `${BASE}/exports/${name}${query ? `?${query}` : ''}`, headers: bearer(key) });
  expect(r.statusCode, r.statusCode === 200 ? '' : r.body).toBe(200);
  return r;
};

async function workbook(name: string, query = ''): Promise<ExcelJS.Workbook> {
  const r = await download(name, query);
  expect(r.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
  return wb;
}

/** A sheet as objects keyed by its header row. */
function rowsOf(ws: ExcelJS.Worksheet): Array<Record<string, ExcelJS.CellValue>> {
  const header = (ws.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(String);
  const out: Array<Record<string, ExcelJS.CellValue>> = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    out.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value ?? null])));
  });
  return out;
}

/** A duration cell (Excel days; exceljs reads it as a Date from 1899-12-30) in seconds. */
const seconds = (v: ExcelJS.CellValue): number | null => (v === null ? null : v instanceof Date ? (v.getTime() - Date.UTC(1899, 11, 30)) / 1000 : Number(v) * 86400);
/** A date cell's wall clock ("YYYY-MM-DDThh:mm:ss.mmm"), to compare with the local part of the API's RFC 3339 times. */
const wall = (v: ExcelJS.CellValue): string | null => (v === null ? null : (v as Date).toISOString().slice(0, 23));
const local = (rfc3339: string | null): string | null => (rfc3339 === null ? null : rfc3339.slice(0, 23));
/** Seconds from a duration cell against the API's seconds: both empty, or equal to the millisecond. */
function sameSeconds(cell: ExcelJS.CellValue, s: number | null) {
  if (s === null) expect(cell).toBe(null);
  else expect(seconds(cell)).toBeCloseTo(s, 3);
}

/** Every sheet: a styled header row, frozen, with an autofilter over header and data. */
function expectTableSheet(ws: ExcelJS.Worksheet, columns: number) {
  expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  const last = String.fromCharCode(64 + columns);
  expect(String(ws.autoFilter)).toBe(`A1:${last}${Math.max(ws.rowCount, 1)}`);
  const h = ws.getRow(1).getCell(1);
  expect(h.font?.bold).toBe(true);
  expect((h.fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FF1F4E78');
  for (let c = 1; c <= columns; c++) expect(ws.getColumn(c).width).toBeGreaterThanOrEqual(7);
}

function expectAbout(wb: ExcelJS.Workbook, extra: Record<string, RegExp> = {}) {
  const about = wb.getWorksheet('About')!;
  const lines = new Map<string, string>();
  about.eachRow((row) => lines.set(String(row.getCell(1).value), String(row.getCell(2).value ?? '')));
  expect(lines.get('Account')).toBe('demo');
  expect(lines.get('Time zone')).toMatch(/^Asia\/Jakarta \(UTC\+07:00\)/);
  expect(lines.get('Generated at')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(Asia\/Jakarta\)$/);
  expect(lines.get('Channel filter')).toBeDefined();
  for (const [k, re] of Object.entries(extra)) expect(lines.get(k)).toMatch(re);
  return lines;
}

describe('overview.xlsx', () => {
  test('KPIs of the period and the previous one equal GET .../metrics/summary', async () => {
    const wb = await workbook('overview.xlsx', OCT);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Daily', 'By channel', 'By agent', 'About']);
    const sum = await api(`/metrics/summary?${OCT}`);
    expect(sum.total_chats).toBe(7);
    const ws = wb.getWorksheet('Summary')!;
    expectTableSheet(ws, 4);
    const header = (ws.getRow(1).values as string[]).slice(1);
    expect(header).toEqual(['Metric', 'This period (2026-10-01 to 2026-10-31)', 'Previous period (2026-08-31 to 2026-09-30)', 'Change']);
    const kpi = new Map(rowsOf(ws).map((r) => [r.Metric as string, r]));
    const cur = (label: string) => kpi.get(label)![header[1]];
    expect(cur('Total chats')).toBe(sum.total_chats);
    expect(cur('Chats started by the customer (inbound)')).toBe(sum.chats_by_origin.inbound);
    expect(cur('Chats started by a broadcast')).toBe(sum.chats_by_origin.broadcast);
    expect(cur('Chats started by the business (outbound)')).toBe(sum.chats_by_origin.outbound);
    expect(seconds(cur('Response time, average'))).toBeCloseTo(sum.response_time.avg_s, 3);
    expect(seconds(cur('Response time, median'))).toBeCloseTo(sum.response_time.p50_s, 3);
    expect(seconds(cur('Response time, 90th percentile'))).toBeCloseTo(sum.response_time.p90_s, 3);
    expect(cur('Rooms resolved (with a response time)')).toBe(sum.response_time.count);
    expect(seconds(cur('First response time, average'))).toBeCloseTo(sum.first_response_time.avg_s, 3);
    expect(seconds(cur('First response time, 90th percentile'))).toBeCloseTo(sum.first_response_time.p90_s, 3);
    expect(cur('CSAT responses')).toBe(sum.csat.responses);
    expect(cur('CSAT average score (1-5)')).toBeCloseTo(sum.csat.avg_score, 6);
    expect(Number(cur('CSAT % (scores 4 and 5)')) * 100).toBeCloseTo(sum.csat.csat_pct, 6);
    expect(Number(cur('CSAT response rate')) * 100).toBeCloseTo(sum.csat.response_rate, 6);
    expect(cur('CSAT score 3')).toBe(sum.csat.scores['3']);
    // the previous window (no traffic): zeros and empty averages, no change to show
    expect(kpi.get('Total chats')![header[2]]).toBe(sum.previous.total_chats);
    expect(kpi.get('Response time, average')![header[2]]).toBe(null);
    expect(kpi.get('Total chats')!.Change).toBe(null);
    // formats follow each row's kind
    const fmt = (label: string) => ws.getRow([...kpi.keys()].indexOf(label) + 2).getCell(2).numFmt;
    expect(fmt('Total chats')).toBe('#,##0');
    expect(fmt('Response time, average')).toBe('[h]:mm:ss');
    expect(fmt('CSAT % (scores 4 and 5)')).toBe('0.0%');
    expect(fmt('CSAT average score (1-5)')).toBe('0.00');
    expectAbout(wb, { Report: /^Overview/, Period: /^2026-10-01 00:00:00 to 2026-11-01 00:00:00/ });
  });

  test('compares with the window asked for, as the Overview page does (compare_from / compare_to)', async () => {
    // November against the whole of October: October's 7 chats (the worked example).
    const q = 'from=2026-11-01&to=2026-12-01&compare_from=2026-10-01&compare_to=2026-11-01';
    const ws = (await workbook('overview.xlsx', q)).getWorksheet('Summary')!;
    const header = (ws.getRow(1).values as string[]).slice(1);
    expect(header.slice(1, 3)).toEqual(['This period (2026-11-01 to 2026-11-30)', 'Previous period (2026-10-01 to 2026-10-31)']);
    const kpi = new Map(rowsOf(ws).map((r) => [r.Metric as string, r]));
    const sum = await api(`/metrics/summary?${q}`);
    expect(sum.previous.total_chats).toBe(7);
    expect(kpi.get('Total chats')![header[2]]).toBe(7);
    expect(kpi.get('Total chats')![header[1]]).toBe(sum.total_chats);
    // A comparison that does not end before the period is refused by field.
    const bad = await s.app.inject({ method: 'GET', url: `${BASE}/exports/overview.xlsx?from=2026-11-01&to=2026-12-01&compare_from=2026-10-01&compare_to=2026-11-15`, headers: bearer(key) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('compare_to');
  });

  test('the daily series lists every day; channels and agents equal .../metrics/channels and /agents', async () => {
    const wb = await workbook('overview.xlsx', OCT);
    const daily = wb.getWorksheet('Daily')!;
    expectTableSheet(daily, 17);
    const days = rowsOf(daily);
    expect(days).toHaveLength(31);
    expect(wall(days[0].Date)).toBe('2026-10-01T00:00:00.000');
    expect(wall(days[30].Date)).toBe('2026-10-31T00:00:00.000');
    expect(daily.getRow(2).getCell(1).numFmt).toBe('yyyy-mm-dd');
    expect(days.reduce((a, d) => a + Number(d['Total chats']), 0)).toBe(7);
    expect(days.find((d) => wall(d.Date) === '2026-10-01T00:00:00.000')!['CSAT responses']).toBe(1);

    const channels = (await api(`/metrics/channels?${OCT}`)).channels as Array<Record<string, any>>;
    const byChannel = rowsOf(wb.getWorksheet('By channel')!);
    expect(byChannel.map((r) => r.Channel)).toEqual(channels.filter((c) => c.channel).map((c) => shown(c.channel)));
    for (const c of channels.filter((x) => x.channel)) {
      const row = byChannel.find((r) => r.Channel === shown(c.channel))!;
      expect(row['Total chats']).toBe(c.total_chats);
      sameSeconds(row['Response time avg'], c.response_time.avg_s);
      expect(row['CSAT responses']).toBe(c.csat.responses);
    }
    const agents = (await api(`/metrics/agents?${OCT}`)).agents as Array<Record<string, any>>;
    const byAgent = rowsOf(wb.getWorksheet('By agent')!);
    expect(byAgent).toHaveLength(agents.length);
    for (const a of agents) {
      // Rooms without an agent: the dashboard's word for them.
      const row = byAgent.find((r) => r.Agent === (a.agent_id ?? '(unassigned)'))!;
      expect(row['Total chats']).toBe(a.total_chats);
      expect(row['Rooms resolved']).toBe(a.response_time.count);
      sameSeconds(row['First response median'], a.first_response_time.p50_s);
    }
    // row 3: agent1 (row 2 is "(unassigned)", whose averages are empty cells)
    expect(wb.getWorksheet('By agent')!.getRow(3).getCell(1).value).toBe('agent1');
    expect(wb.getWorksheet('By agent')!.getRow(3).getCell(6).numFmt).toBe('[h]:mm:ss');
    expect(wb.getWorksheet('By agent')!.getRow(3).getCell(16).numFmt).toBe('0.0%');
  });
});

describe('rooms and csat', () => {
  test('rooms.xlsx has every room of GET .../rooms (all pages) with the same values', async () => {
    const wb = await workbook('rooms.xlsx', OCT);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Rooms', 'About']);
    const apiRooms: Array<Record<string, any>> = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page = await api(`/rooms?${OCT}&limit=2&sort=started_at${cursor ? `&cursor=${cursor}` : ''}`);
      apiRooms.push(...page.rooms);
      cursor = page.next_cursor;
    }
    expect(apiRooms).toHaveLength(7);
    const ws = wb.getWorksheet('Rooms')!;
    expectTableSheet(ws, 12);
    const rows = rowsOf(ws);
    expect(rows.map((r) => r.Room)).toEqual(apiRooms.map((r) => r.room_id));
    for (const [i, r] of apiRooms.entries()) {
      const x = rows[i];
      expect(wall(x['Started at'])).toBe(local(r.started_at));
      expect(x.Channel).toBe(shown(r.channel) ?? undefined);
      expect(x.Contact).toBe(r.contact_id);
      expect(x.Origin).toBe(r.origin);
      expect(x.Agent).toBe(r.agent_id ?? '(unassigned)');
      expect(wall(x['First assigned at'])).toBe(local(r.first_assigned_at));
      expect(wall(x['Resolved at'])).toBe(local(r.resolved_at));
      sameSeconds(x['Response time'], r.response_s);
      sameSeconds(x['First response time'], r.first_response_s);
      expect(x['CSAT score']).toBe(r.csat_score);
      expect(x['CSAT comment'] ?? null).toBe(r.csat_comment || null);
    }
    // r6: the first agent reply at 17:10:00.250 UTC keeps its milliseconds
    expect(seconds(rows.find((r) => r.Room === 'r6')!['First response time'])).toBeCloseTo(1500.25, 3);
    expect(ws.getRow(2).getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(ws.getRow(2).getCell(10).numFmt).toBe('[h]:mm:ss');
    expectAbout(wb, { Rooms: /^7$/, 'Row order': /start time/ });
  });

  test('csat.xlsx has every answer of GET .../csat/responses, and a score count', async () => {
    const wb = await workbook('csat.xlsx', OCT);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Responses', 'Scores', 'About']);
    const answers = (await api(`/csat/responses?${OCT}&limit=500`)).responses as Array<Record<string, any>>;
    expect(answers).toHaveLength(3);
    const ws = wb.getWorksheet('Responses')!;
    expectTableSheet(ws, 7);
    const rows = rowsOf(ws);
    // the API lists newest first, the workbook in time order
    const byRoom = new Map(rows.map((r) => [r.Room, r]));
    expect(rows.map((r) => r.Room)).toEqual(answers.map((a) => a.room_id).reverse());
    for (const a of answers) {
      const x = byRoom.get(a.room_id)!;
      expect(wall(x['Submitted at'])).toBe(local(a.submitted_at));
      expect(x.Score).toBe(a.score);
      expect(x.Comment ?? null).toBe(a.comment);
      expect(x.Agent).toBe(a.agent_id);
      expect(x.Channel).toBe(shown(a.channel) ?? undefined);
    }
    expect(byRoom.get('r5')!.Comment).toBe('ok "mantap" 👍');
    const scores = rowsOf(wb.getWorksheet('Scores')!);
    expect(scores.map((r) => r.Responses)).toEqual([0, 0, 1, 1, 1]);
    expect(wb.getWorksheet('Scores')!.getRow(2).getCell(3).numFmt).toBe('0.0%');
  });

  test('the CSVs open with the same rows as the sheets', async () => {
    for (const [report, sheet] of [['rooms', 'Rooms'], ['csat', 'Responses']] as const) {
      const wb = await workbook(`${report}.xlsx`, OCT);
      const r = await download(`${report}.csv`, OCT);
      expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
      const text = r.body;
      expect(text.startsWith('\uFEFF')).toBe(true);
      const lines = parseCsv(text.slice(1));
      const ws = wb.getWorksheet(sheet)!;
      const xrows = rowsOf(ws);
      expect(lines).toHaveLength(xrows.length + 1);
      const header = (ws.getRow(1).values as string[]).slice(1);
      expect(lines[0].map((h) => h.replace(/ \((s|%)\)$/, ''))).toEqual(header);
      for (const [i, x] of xrows.entries()) {
        const csv = lines[i + 1];
        header.forEach((h, c) => {
          const v = x[h];
          if (v === null || v === undefined) expect(csv[c]).toBe('');
          else if (lines[0][c].endsWith('(s)')) expect(Number(csv[c])).toBeCloseTo(seconds(v)!, 3);
          else if (v instanceof Date) expect(csv[c]).toBe(wall(v)!.replace('T', ' '));
          else expect(csv[c]).toBe(String(v));
        });
      }
    }
  });
});

describe('billing.xlsx', () => {
  test('the statement, conversations, visitors and ledger equal the billing API for October 2026', async () => {
    const wb = await workbook('billing.xlsx', 'month=2026-10');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Statement', 'Conversations', 'Visitors', 'Ledger', 'About']);
    const usage = await api('/billing/usage?month=2026-10');
    expect(usage.muv.count).toBe(5);
    expect(usage.charges.total).toBe(2400);
    const st = wb.getWorksheet('Statement')!;
    expectTableSheet(st, 3);
    const lines = new Map(rowsOf(st).map((r) => [`${r.Section}/${r.Item}`, r['2026-10']]));
    expect(lines.get('MUV (visitors)/Visitors')).toBe(usage.muv.count);
    expect(lines.get('MUV (visitors)/Charged visitors')).toBe(usage.muv.billable);
    expect(lines.get('Charges/Total charges')).toBe(usage.charges.total);
    expect(lines.get('Charges/MUV (monthly unique visitors)')).toBe(usage.charges.muv);
    expect(lines.get('MCC (WhatsApp conversations)/Total conversations')).toBe(usage.mcc.total);
    expect(lines.get('MCC (WhatsApp conversations)/Carried in from the month before')).toBe(usage.mcc.carried_in);
    expect(lines.get('MCC (WhatsApp conversations)/Free conversations used')).toBe(usage.mcc.free_used);
    expect(lines.get('Balance/Top-ups')).toBe(10000);
    expect(lines.get('Balance/Adjustments (credit notes, refunds, corrections)')).toBe(-500);
    expect(lines.get('Balance/Closing balance')).toBe(10000 - 500 - 2400);
    expect(st.getRow(2).getCell(3).numFmt).toBe('#,##0');

    const conv = (await api('/billing/conversations?month=2026-10')).conversations as Array<Record<string, any>>;
    const cws = wb.getWorksheet('Conversations')!;
    expectTableSheet(cws, 13);
    const crows = rowsOf(cws);
    expect(crows.map((r) => [r['#'], r.Category, r['Free or charged'], r.Price, r.Charge])).toEqual(
      conv.map((c) => [c.seq, c.category, c.free ? 'free' : 'charged', c.price, c.charge]),
    );
    expect(crows.map((r) => r.Room)).toEqual(['r1', 'r2', 'r3', 'r4']);
    // opened_at is UTC in the API; the sheet shows Jakarta wall clock (UTC+7)
    expect(wall(crows[0]['Opened at'])).toBe('2026-10-01T09:10:00.000');

    const vis = (await api('/billing/visitors?month=2026-10')).visitors as Array<Record<string, any>>;
    const vrows = rowsOf(wb.getWorksheet('Visitors')!);
    expect(vrows.map((r) => [r.Channel, r.Contact, r['Free or charged'], r.Charge])).toEqual(vis.map((v) => [shown(v.channel), v.contact_id, v.free ? 'free' : 'charged', v.charge]));
    expect(vrows.reduce((a, r) => a + Number(r.Charge), 0)).toBe(2400);

    const led = wb.getWorksheet('Ledger')!;
    expectTableSheet(led, 10);
    const lrows = rowsOf(led);
    expect(lrows).toHaveLength(31);
    expect(lrows.reduce((a, r) => a + Number(r['Total charges']), 0)).toBe(2400);
    const oct20 = lrows.find((r) => wall(r.Date) === '2026-10-20T00:00:00.000')!;
    const bal = await api('/billing/balance?at=2026-10-20T12:00:00%2B07:00');
    expect(oct20['Closing balance']).toBe(bal.balance);
    expect(lrows[30]['Closing balance']).toBe(7100);
    expectAbout(wb, { Month: /^2026-10/ });
  });
});

describe('downloads', () => {
  test('the file name carries account, report and dates; wrong names, filters and keys are refused', async () => {
    const r = await download('rooms.xlsx', OCT);
    expect(r.headers['content-disposition']).toBe(`attachment; filename="demo-rooms-2026-10-01-to-2026-10-31.xlsx"; filename*=UTF-8''demo-rooms-2026-10-01-to-2026-10-31.xlsx`);
    expect((await download('billing.xlsx', 'month=2026-11')).headers['content-disposition']).toContain('filename="demo-billing-2026-11.xlsx"');
    const get = (url: string, headers: Record<string, string> = bearer(key)) => s.app.inject({ method: 'GET', url, headers });
    expect((await get(`${BASE}/exports/overview.csv`)).statusCode).toBe(404);
    expect((await get(`${BASE}/exports/nothing.xlsx`)).statusCode).toBe(404);
    const bad = await get(`${BASE}/exports/rooms.xlsx?from=2026-13-01`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('from');
    expect((await get(`${BASE}/exports/billing.xlsx?month=2026-1`)).statusCode).toBe(400);
    expect((await get(`${BASE}/exports/rooms.xlsx`, {})).statusCode).toBe(401);
    expect((await get(`${BASE}/exports/rooms.xlsx`, bearer(await s.accountKey('other')))).statusCode).toBe(403);
  });

  test('a channel filter narrows the rows', async () => {
    const wb = await workbook('rooms.xlsx', `${OCT}&channel=instagram,webchat`);
    expect(rowsOf(wb.getWorksheet('Rooms')!).map((r) => r.Room)).toEqual(['r5', 'r7']);
    const about = expectAbout(wb);
    expect(about.get('Channel filter')).toBe('Instagram, Webchat');
  });

  test('a table longer than a sheet continues on the next sheet, each with its header', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c) => chunks.push(c));
    const ended = new Promise((r) => out.on('end', r));
    const from = Date.parse('2026-10-01T00:00:00+07:00');
    const to = Date.parse('2026-11-01T00:00:00+07:00');
    const res = await buildReport(
      'rooms',
      'xlsx',
      { db: s.db, account: 'demo', filters: { account: 'demo', from, to, tz: 'Asia/Jakarta' }, generatedAt: Date.now(), origin: 'test', workbook: { maxRowsPerSheet: 4 } },
      out,
    );
    await ended;
    expect(res).toEqual({ rows: 7, sheets: ['Rooms', 'Rooms (2)', 'Rooms (3)', 'About'] });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const parts = ['Rooms', 'Rooms (2)', 'Rooms (3)'].map((n) => rowsOf(wb.getWorksheet(n)!));
    expect(parts.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(parts.flat().map((r) => r.Room)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r7', 'r6']);
    for (const n of ['Rooms', 'Rooms (2)', 'Rooms (3)']) expectTableSheet(wb.getWorksheet(n)!, 12);
  });
});

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF), for reading the exports back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
