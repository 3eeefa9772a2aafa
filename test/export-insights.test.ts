import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, EXAMPLE_NDJSON, FIXTURES, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * The service-levels and campaigns workbooks (issue 16 item 4) hold the API's numbers:
 * sla-example.ndjson's hand-checked service levels, expired-example.ndjson's windows and
 * the worked example's campaigns; CSV for campaigns; a schedule of each runs.
 */
let s: TestServer;
beforeAll(async () => {
  s = await startServer({}, { clock: () => Date.parse('2026-10-01T12:00:00+07:00') });
  for (const f of [EXAMPLE_NDJSON, path.join(FIXTURES, 'sla-example.ndjson'), path.join(FIXTURES, 'expired-example.ndjson')]) {
    expect((await postNdjson(s.app, s.adminKey, fs.readFileSync(f))).json()).toMatchObject({ rejected: 0 });
  }
  const put = await s.app.inject({ method: 'PUT', url: '/api/v1/accounts/sla/settings', headers: bearer(s.adminKey), payload: { sla: { first_response_s: 600, resolution_s: 3600, business_hours: false } } });
  expect(put.statusCode).toBe(200);
});
afterAll(async () => s?.close());

async function book(url: string): Promise<ExcelJS.Workbook> {
  const r = await s.app.inject({ method: 'GET', url, headers: bearer(s.adminKey) });
  expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
  return wb;
}
const rows = (ws: ExcelJS.Worksheet) => {
  const head = (ws.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(String);
  const out: Array<Record<string, ExcelJS.CellValue>> = [];
  ws.eachRow((r, n) => void (n > 1 && out.push(Object.fromEntries(head.map((h, i) => [h, r.getCell(i + 1).value ?? null])))));
  return out;
};

describe('insight workbooks', () => {
  test('service.xlsx: the hand-checked service levels of sla-example, all rooms and per channel', async () => {
    const wb = await book('/api/v1/accounts/sla/exports/service.xlsx?from=2026-10-01&to=2026-10-02');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Service levels', 'Expired windows', 'About']);
    const lv = rows(wb.getWorksheet('Service levels')!);
    expect(lv[0]).toMatchObject({ Scope: 'All rooms', Rooms: 5, 'First response met': 2, 'First response breached': 2, 'First response pending': 1, 'First response met %': 0.5, 'Resolution met': 1, 'Resolution breached': 2, 'Resolution pending': 2 });
    expect(lv.find((r) => r.Name === 'WhatsApp')).toMatchObject({ Rooms: 2, 'First response met': 2, 'Resolution breached': 1 });
    const about = new Map<string, string>();
    wb.getWorksheet('About')!.eachRow((r) => about.set(String(r.getCell(1).value), String(r.getCell(2).value ?? '')));
    expect(about.get('Target set for the first response')).toBe('600 seconds');
  });

  test('service.xlsx: expired windows of expired-example', async () => {
    const wb = await book('/api/v1/accounts/exp/exports/service.xlsx?from=2026-10-02&to=2026-10-03');
    const ex = rows(wb.getWorksheet('Expired windows')!);
    expect(ex[0]).toMatchObject({ Scope: 'All rooms', 'Windows closed': 4, 'Expired unanswered': 2, 'Share expired': 0.5 });
    expect(ex.find((r) => r.Name === 'Email')).toMatchObject({ 'Windows closed': 1, 'Expired unanswered': 1 });
  });

  test('campaigns.xlsx and .csv: the worked example\'s November campaign, as GET .../campaigns', async () => {
    const api = (await s.app.inject({ method: 'GET', url: '/api/v1/accounts/demo/campaigns?from=2026-11-01&to=2026-12-01', headers: bearer(s.adminKey) })).json();
    const wb = await book('/api/v1/accounts/demo/exports/campaigns.xlsx?from=2026-11-01&to=2026-12-01');
    const c = rows(wb.getWorksheet('Campaigns')!);
    expect(c).toHaveLength(api.campaigns.length);
    expect(c[0]).toMatchObject({ Campaign: 'promo-nov', Messages: 2, Contacts: 2, 'Replied within 24 h': 1, 'Reply rate': 0.5, Conversations: 2, 'Charged conversations': 1, 'MCC charges': 460, 'MUV charges': 0, 'Total charges': 460 });
    const csv = (await s.app.inject({ method: 'GET', url: '/api/v1/accounts/demo/exports/campaigns.csv?from=2026-11-01&to=2026-12-01', headers: bearer(s.adminKey) })).body.replace(/^\uFEFF/, '').split('\r\n');
    expect(csv[0]).toBe('Campaign,First sent at,Last sent at,Messages,Contacts,Replied within 24 h,Reply rate (%),Conversations,Free conversations,Charged conversations,MCC charges,MUV charges,Total charges');
    expect(csv[1].split(',').slice(3)).toEqual(['2', '2', '1', '50', '2', '1', '1', '460', '0', '460']);
  });

  test('a schedule of each runs and keeps its file', async () => {
    for (const [report, format] of [['service', 'xlsx'], ['campaigns', 'csv']] as const) {
      const made = await s.app.inject({ method: 'POST', url: '/api/v1/accounts/demo/schedules', headers: bearer(s.adminKey), payload: { report, format, cron: '0 7 * * 1', period: 'last_month' } });
      expect(made.statusCode, made.body).toBe(201);
      expect((await s.app.inject({ method: 'POST', url: `/api/v1/accounts/demo/schedules/${made.json().id}/run`, headers: bearer(s.adminKey) })).statusCode).toBe(202);
      await s.app.ctx.scheduler.idle();
      const runs = (await s.app.inject({ method: 'GET', url: `/api/v1/accounts/demo/exports?schedule_id=${made.json().id}`, headers: bearer(s.adminKey) })).json().runs;
      expect(runs[0], JSON.stringify(runs[0])).toMatchObject({ status: 'succeeded', file_available: true });
    }
  });
});
