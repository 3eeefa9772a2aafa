import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GLOSSARY } from '../core/glossary.ts';
import { missingWords } from '../api/export/words.ts';
import { EXAMPLE_NDJSON, bearer, postNdjson, startServer, type TestServer } from './helpers.ts';

/**
 * Workbooks and CSV in the language of whoever asked (issue 14 item 10): `lang` on demand
 * (the dashboard sends its own), Accept-Language when absent, the schedule's `lang` on a
 * schedule. The same numbers in both languages; every word of every report has its
 * Indonesian (words.ts records any that has none); definitions are the glossary's, the
 * dashboard's ⓘ words; file names carry the filters.
 */
let s: TestServer;
let key: string;
const BASE = '/api/v1/accounts/demo';
const OCT = 'from=2026-10-01&to=2026-11-01';

beforeAll(async () => {
  s = await startServer();
  expect((await postNdjson(s.app, s.adminKey, fs.readFileSync(EXAMPLE_NDJSON))).json()).toMatchObject({ accepted: 42 });
  key = await s.accountKey('demo');
});
afterAll(async () => s?.close());

const get = (url: string, headers: Record<string, string> = {}) => s.app.inject({ method: 'GET', url, headers: { ...bearer(key), ...headers } });
async function workbook(name: string, query: string, headers: Record<string, string> = {}): Promise<ExcelJS.Workbook> {
  const r = await get(`${BASE}/exports/${name}?${query}`, headers);
  expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
  return wb;
}
const header = (ws: ExcelJS.Worksheet) => (ws.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(String);
const about = (wb: ExcelJS.Workbook, sheet: string) => {
  const lines = new Map<string, string>();
  wb.getWorksheet(sheet)!.eachRow((row) => lines.set(String(row.getCell(1).value), String(row.getCell(2).value ?? '')));
  return lines;
};
/** Every number cell of every sheet but About, in order: what must not change with the language. */
function numbers(wb: ExcelJS.Workbook): number[] {
  const out: number[] = [];
  wb.worksheets.slice(0, -1).forEach((ws) => ws.eachRow((row) => row.eachCell((c) => void (typeof c.value === 'number' && out.push(c.value)))));
  return out;
}

describe('exports in Indonesian', () => {
  test('overview: sheet names, headers, KPI labels, channel names and the About sheet in Indonesian; the same numbers as in English', async () => {
    const [en, id] = [await workbook('overview.xlsx', `${OCT}&lang=en`), await workbook('overview.xlsx', `${OCT}&lang=id`)];
    expect(en.worksheets.map((w) => w.name)).toEqual(['Summary', 'Daily', 'By channel', 'By agent', 'About']);
    expect(id.worksheets.map((w) => w.name)).toEqual(['Ringkasan', 'Harian', 'Per kanal', 'Per agen', 'Tentang']);
    expect(header(id.getWorksheet('Ringkasan')!)).toEqual(['Metrik', 'Periode ini (2026-10-01 sampai 2026-10-31)', 'Periode sebelumnya (2026-08-31 sampai 2026-09-30)', 'Perubahan']);
    expect((id.getWorksheet('Ringkasan')!.getRow(2).values as unknown[]).slice(1, 4)).toEqual(['Total obrolan', 7, 0]);
    expect(header(id.getWorksheet('Per kanal')!).slice(0, 3)).toEqual(['Kanal', 'Total obrolan', 'Masuk']);
    expect(id.getWorksheet('Per kanal')!.getRow(2).getCell(1).value).toBe('WhatsApp');
    // The agent column says "(belum ditugaskan)" as the dashboard does.
    const agents: string[] = [];
    id.getWorksheet('Per agen')!.eachRow((r, n) => void (n > 1 && agents.push(String(r.getCell(1).value))));
    expect(agents).toContain('(belum ditugaskan)');
    expect(numbers(id)).toEqual(numbers(en));
    const a = about(id, 'Tentang');
    expect(a.get('Akun')).toBe('demo');
    expect(a.get('Bahasa')).toBe('Bahasa Indonesia');
    expect(a.get('Filter kanal')).toBe('semua kanal');
    // Definitions are the glossary's, word for word: the same as the dashboard's ⓘ.
    for (const k of ['total_chats', 'response_time', 'response_rate'] as const) expect(a.get(GLOSSARY.id[k].term)).toBe(GLOSSARY.id[k].definition);
    expect(about(en, 'About').get(GLOSSARY.en.response_rate.term)).toBe(GLOSSARY.en.response_rate.definition);
  });

  test('rooms, csat and billing in Indonesian, CSV too; no word is left without its translation', async () => {
    const rooms = await workbook('rooms.xlsx', `${OCT}&lang=id`);
    expect(rooms.worksheets.map((w) => w.name)).toEqual(['Ruang', 'Tentang']);
    expect(header(rooms.getWorksheet('Ruang')!).slice(0, 6)).toEqual(['Ruang', 'Mulai pada', 'Kanal', 'Kontak', 'Asal', 'Agen']);
    const origins = new Set<string>();
    rooms.getWorksheet('Ruang')!.eachRow((r, n) => void (n > 1 && origins.add(String(r.getCell(5).value))));
    expect([...origins].every((o) => ['masuk', 'siaran', 'keluar'].includes(o))).toBe(true);
    const csat = await workbook('csat.xlsx', `${OCT}&lang=id`);
    expect(csat.worksheets.map((w) => w.name)).toEqual(['Jawaban', 'Skor', 'Tentang']);
    const billing = await workbook('billing.xlsx', 'month=2026-11&lang=id');
    expect(billing.worksheets.map((w) => w.name)).toEqual(['Laporan', 'Percakapan', 'Pengunjung', 'Buku besar', 'Tentang']);
    const conv = billing.getWorksheet('Percakapan')!;
    // November: r9's broadcast is charged (spec example); its why in Indonesian.
    const r9 = [...Array(conv.rowCount).keys()].map((i) => conv.getRow(i + 1)).find((r) => r.getCell(13).value === 'r9-bc')!;
    expect([r9.getCell(6).value, r9.getCell(7).value, r9.getCell(9).value]).toEqual(['dimulai bisnis', 'dimulai bisnis: dibuka oleh pesan template atau siaran', 'berbayar']);
    const csv = await get(`${BASE}/exports/rooms.csv?${OCT}&lang=id`);
    expect(csv.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('Ruang,Mulai pada,Kanal,Kontak,Asal,Agen,Pertama ditugaskan pada,Waktu respons pertama (s),Selesai pada,Waktu respons (s),Skor CSAT,Komentar CSAT');
    // Service levels and campaigns (issue 16 item 4) in Indonesian too.
    const service = await workbook('service.xlsx', `${OCT}&lang=id`);
    expect(service.worksheets.map((w) => w.name)).toEqual(['Tingkat layanan', 'Jendela kedaluwarsa', 'Tentang']);
    const camps = await workbook('campaigns.xlsx', 'from=2026-11-01&to=2026-12-01&lang=id');
    expect(camps.worksheets.map((w) => w.name)).toEqual(['Kampanye', 'Tentang']);
    expect((await get(`${BASE}/exports/campaigns.csv?from=2026-11-01&to=2026-12-01&lang=id`)).body.replace(/^\uFEFF/, '').split('\r\n')[0].split(',')[0]).toBe('Kampanye');
    expect(missingWords()).toEqual([]);
  });

  test("without lang the browser's Accept-Language decides; lang wins over it", async () => {
    const byHeader = await workbook('csat.xlsx', OCT, { 'accept-language': 'id-ID,id;q=0.9,en;q=0.8' });
    expect(byHeader.worksheets[0].name).toBe('Jawaban');
    expect((await workbook('csat.xlsx', `${OCT}&lang=en`, { 'accept-language': 'id-ID' })).worksheets[0].name).toBe('Responses');
    expect((await workbook('csat.xlsx', OCT, { 'accept-language': 'fr-FR' })).worksheets[0].name).toBe('Responses');
    const bad = await get(`${BASE}/exports/csat.xlsx?${OCT}&lang=fr`);
    expect([bad.statusCode, bad.json().error.field]).toEqual([400, 'lang']);
  });

  test('a schedule keeps its lang and its files come out in it', async () => {
    const call = (method: 'POST' | 'PATCH', url: string, payload: object) => s.app.inject({ method, url: `${BASE}${url}`, headers: bearer(key), payload });
    const made = (await call('POST', '/schedules', { report: 'csat', cron: '0 7 * * 1', period: 'last_month', lang: 'id' })).json();
    expect(made.lang).toBe('id');
    expect((await call('POST', `/schedules/${made.id}/run`, {})).statusCode).toBe(202);
    await s.app.ctx.scheduler.idle();
    const runs = (await get(`${BASE}/exports?schedule_id=${made.id}`)).json().runs;
    expect(runs[0].status).toBe('succeeded');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get(runs[0].download_url)).rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Jawaban', 'Skor', 'Tentang']);
    expect(about(wb, 'Tentang').get('Dibuat oleh')).toMatch(/^jadwal /);
    expect((await call('PATCH', `/schedules/${made.id}`, { lang: 'en' })).json().lang).toBe('en');
    expect((await call('PATCH', `/schedules/${made.id}`, { lang: 'fr' })).statusCode).toBe(400);
  });
});

describe('file names carry the filters', () => {
  const name = async (file: string, q: string) => /filename="([^"]+)"/.exec(String((await get(`${BASE}/exports/${file}?${q}`)).headers['content-disposition']))?.[1];
  test('channels, agents and business hours are in the name; billing has its month', async () => {
    expect(await name('rooms.xlsx', OCT)).toBe('demo-rooms-2026-10-01-to-2026-10-31.xlsx');
    expect(await name('rooms.csv', `${OCT}&channel=whatsapp,email&agent=agent1`)).toBe('demo-rooms-2026-10-01-to-2026-10-31-whatsapp-email-agent-agent1.csv');
    expect(await name('overview.xlsx', `${OCT}&agent=a/b c&agent=x&agent=y&agent=z`)).toBe('demo-overview-2026-10-01-to-2026-10-31-agent-a_b_c-x-y-and-1-more.xlsx');
    expect(await name('billing.xlsx', 'month=2026-10&channel=whatsapp')).toBe('demo-billing-2026-10.xlsx');
  });
});
