import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { drawnCanvases, launchBrowser, recordScripts, screenshot, startDashboardServer, watchErrors, type Browser, type DashboardServer } from './harness.ts';

/**
 * The dashboard in Debian's Chromium against the real server on real embedded ClickHouse,
 * with the worked example (spec-example.ndjson) stored through the ingestion endpoint.
 * Expected numbers are the spec's: October 2026 has 7 chats (5 WhatsApp, 1 Instagram,
 * 1 webchat) and 3 CSAT answers of which 2 are 4 or 5 (66.7 %).
 */
let s: DashboardServer;
let browser: Browser;
let page: Page;
let errors: string[];

const OCTOBER = 'account=demo&from=2026-10-01&to=2026-10-31';
const text = (sel: string) => page.locator(sel).innerText();
/** Intl's spaces (no-break, narrow no-break) as plain spaces. */
const plain = (x: string) => x.replace(/[\u00a0\u202f]/g, ' ');

async function open(path: string) {
  await page.goto(s.url + path);
  await page.waitForLoadState('networkidle');
}

/** Waits until no panel is loading and every chart panel has drawn. */
async function settled() {
  // Every loading indicator (the boot line, a page being fetched, a panel) is a role=status.
  await page.waitForFunction(() => document.querySelector('main') !== null && document.querySelector('[role="status"], [aria-busy="true"]') === null, undefined, { timeout: 30_000 });
  await page.waitForTimeout(400); // the charts' first frame
}

beforeAll(async () => {
  s = await startDashboardServer();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  errors = watchErrors(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

describe('sign-in', () => {
  it('shows only the sign-in form, and asks the API for nothing, without a session', async () => {
    const apiCalls: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (r.url().includes('/api/')) apiCalls.push(r.url());
    };
    page.on('request', onRequest);
    await open(`/overview?${OCTOBER}`);
    page.off('request', onRequest);
    await expect(page.getByLabel('API key').isVisible()).resolves.toBe(true);
    expect(await page.locator('[data-testid=kpis]').count()).toBe(0);
    expect(apiCalls).toEqual([]);
    // The API itself refuses without the cookie.
    const res = await page.request.get(`${s.url}/api/v1/accounts/demo/metrics/summary`);
    expect(res.status()).toBe(401);
    await screenshot(page, 'signin');
  });

  it('a wrong key is refused with a message', async () => {
    await page.getByLabel('API key').fill('cak_000000000000_' + 'x'.repeat(43));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/not valid/);
  });

  it('the account key signs in; the cookie is httpOnly and the key is kept nowhere', async () => {
    await page.getByLabel('API key').fill(s.demoKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-testid=kpi-total-chats]').waitFor();
    const cookies = await browser.context.cookies();
    const session = cookies.find((c) => c.name === 'ca_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(session.value).not.toContain(s.demoKey);
    expect(await page.evaluate(() => document.cookie)).not.toContain('ca_session');
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(s.demoKey);
    await settled();
  });
});

describe('numbers of the worked example', () => {
  it('Overview for October 2026: 7 chats, CSAT 66.7 %', async () => {
    await open(`/overview?${OCTOBER}`);
    await settled();
    expect(await text('[data-testid=kpi-total-chats-value]')).toBe('7');
    expect(plain(await text('[data-testid=kpi-csat-value]'))).toMatch(/^66\.7 ?%$/);
    // Average response time 3975 s, first response 492.05 s (SPEC example), read as people do.
    expect(await text('[data-testid=kpi-avg-response-value]')).toBe('1 h 6 m');
    expect(await text('[data-testid=kpi-first-response-value]')).toBe('8 m 12 s');
    // The tab names the page and the account (issue 14 item 11).
    expect(await page.title()).toBe('Overview · demo · Chat analytics');
    await screenshot(page, 'overview');
  });

  it('Agents counts every resolved room in Resolved, also those no agent was assigned (issue 14 item 4)', async () => {
    // A room of September with only a room.resolved (no assignment, no message, so no
    // charge): resolved, with no response time, under "(unassigned)".
    const ev = { id: 'e2e-sept-resolved', type: 'room.resolved', account_id: 'demo', occurred_at: '2026-09-15T10:00:00+07:00', room_id: 'rz' };
    const r = await s.server.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${s.server.adminKey}`, 'content-type': 'application/x-ndjson' }, payload: JSON.stringify(ev) + '\n' });
    expect(r.json().accepted + r.json().duplicates).toBe(1);
    await open('/agents?account=demo&from=2026-09-01&to=2026-09-30');
    await settled();
    const row = page.locator('[data-testid=table-agents] tbody tr', { hasText: '(unassigned)' });
    const cells = await row.locator('td').allInnerTexts();
    const headers = await page.locator('[data-testid=table-agents] thead th').allInnerTexts();
    expect(cells[headers.findIndex((h) => h.trim().startsWith('Resolved'))]).toBe('1');
    // October (the worked example): agent1 resolved r1 and r5.
    await open(`/agents?${OCTOBER}`);
    await settled();
    const a1 = await page.locator('[data-testid=table-agents] tbody tr', { hasText: 'agent1' }).locator('td').allInnerTexts();
    expect(a1[headers.findIndex((h) => h.trim().startsWith('Resolved'))]).toBe('2');
  });

  it('Billing shows the balance the API gives', async () => {
    const api = await (await page.request.get(`${s.url}/api/v1/accounts/demo/billing/balance`)).json();
    // After the example's last charge (3 November) the balance stays 6,640 (SPEC example).
    expect(api.balance).toBe(6640);
    await open('/billing?account=demo');
    await settled();
    expect(plain(await text('[data-testid=balance-value]'))).toBe('IDR 6,640');
    await screenshot(page, 'billing');
  });
});

describe('every page', () => {
  const pages: Array<[string, number]> = [
    // page, charts it draws for October 2026
    ['overview', 4],
    ['agents', 1],
    ['csat', 2],
    ['rooms', 0],
    ['exports', 0],
    ['service', 0],
    ['campaigns', 0],
  ];
  for (const [name, charts] of pages) {
    it(`${name} renders ${charts ? 'its charts' : 'its tables'} with no console errors`, async () => {
      const before = errors.length;
      await open(`/${name}?${OCTOBER}`);
      await settled();
      const c = await drawnCanvases(page, 'main [role=img]');
      expect(c.drawn).toBeGreaterThanOrEqual(charts);
      expect(await page.locator('main [role=alert]').count()).toBe(0);
      expect(errors.slice(before)).toEqual([]);
      await screenshot(page, name);
    });
  }

  it('billing draws its charts (this month of the example: November 2026)', async () => {
    const before = errors.length;
    await open('/billing?account=demo&month=2026-11');
    await settled();
    expect((await drawnCanvases(page, 'main [role=img]')).drawn).toBeGreaterThanOrEqual(3);
    expect(errors.slice(before)).toEqual([]);
  });
});

describe('billing: where the money goes (issue 14 item 2)', () => {
  // October 2026 of the worked example (spec-example.expected.json): 2 service and 2
  // initiated conversations, all free (quota 2 + 2 carried in); 5 visitors, 1 free and
  // 4 charged at 600 = 2,400. Money in: t1 top-up 10,000 (INV-1), adj1 -500 (correction).
  const cells = async (kind: string) => (await page.locator(`[data-testid=charges-table] tr[data-kind=${kind}] td`).allInnerTexts()).map(plain);

  it('splits the month into MCC service, MCC initiated and MUV, with counts, prices and money, and the plan', async () => {
    await open('/billing?account=demo&month=2026-10');
    await settled();
    expect(await cells('mcc_service')).toEqual(['2', '2', '0', 'IDR 275', 'IDR 0']);
    expect(await cells('mcc_initiated')).toEqual(['2', '2', '0', 'IDR 460', 'IDR 0']);
    expect(await cells('muv')).toEqual(['5', '1', '4', 'IDR 600', 'IDR 2,400']);
    expect((await cells('total')).filter(Boolean)).toEqual(['9', '5', '4', 'IDR 2,400']);
    expect(plain(await text('[data-testid=money-split]'))).toBe('Of IDR 2,400 charged, IDR 2,400 was MUV (visitors) and IDR 0 MCC (WhatsApp conversations).');
    const plan = plain(await text('[data-testid=plan]'));
    expect(plan).toContain('Plan: Plan p1');
    expect(plan).toContain('Free each month: 2 WhatsApp conversations (MCC) and 1 visitors (MUV).');
    expect(plan).toContain('Unused free conversations carry into the next month.');
    // The statement says the same per month: October's MUV 1 free / 4 charged, IDR 2,400.
    const headers = await page.locator('[data-testid=statement] thead th').allInnerTexts();
    const oct = (await page.locator('[data-testid=statement] tbody tr', { hasText: 'October 2026' }).locator('td').allInnerTexts()).map(plain);
    const col = (h: string) => oct[headers.findIndex((x) => x.trim() === h)];
    expect([col('MUV Free / Charged'), col('MUV Charges'), col('MCC Free / Charged'), col('MCC Charges')]).toEqual(['1 / 4', 'IDR 2,400', '4 / 0', 'IDR 0']);
  });

  it('lists the charged visitors, each top-up and adjustment with its reference or reason, over a range that can change', async () => {
    const visitors = page.locator('[data-testid=visitors] tbody tr');
    expect(await visitors.count()).toBe(4);
    for (const r of await visitors.allInnerTexts()) expect(plain(r)).toContain('IDR 600');
    const money = page.locator('[data-testid=topups] tbody tr');
    expect((await money.allInnerTexts()).map((r) => plain(r).replace(/\s+/g, ' ').trim())).toEqual([
      '1 Oct 2026, 08:00 Top-up IDR 10,000 INV-1',
      '20 Oct 2026, 09:00 Adjustment -IDR 500 correction',
    ]);
    await page.locator('[data-testid=topups] input[type=date]').first().fill('2026-10-02');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=topups] tbody tr').length === 1);
    expect(plain(await money.first().innerText())).toContain('correction');
    // October's conversations were all free: nothing is listed as charged.
    expect(await page.locator('[data-testid=conversations] [data-state=empty]').count()).toBe(1);
  });

  it("says a conversation's why in the page's language, and moves by month with the buttons", async () => {
    await page.getByRole('button', { name: 'Next month' }).click();
    await settled();
    expect(new URL(page.url()).searchParams.get('month')).toBe('2026-11');
    const conv = page.locator('[data-testid=conversations] tbody tr');
    expect(await conv.count()).toBe(1);
    expect(plain(await conv.first().innerText())).toContain('Initiated: opened by a template or broadcast message.');
    expect(await text('.monthbar')).toContain('Billing goes by calendar month in Asia/Jakarta');
    // Expired windows in Billing (issue 16 item 3): November's two initiated conversations reached answered customers.
    expect(plain(await text('[data-testid=expired-reach]'))).toContain('0 of 2 initiated conversations (IDR 0) went to customers whose previous 24-hour window had expired unanswered.');
    await page.locator('[data-testid=lang]').first().selectOption('id');
    await settled();
    expect(plain(await conv.first().innerText())).toContain('Dimulai bisnis: dibuka oleh pesan template atau siaran.');
    await page.locator('[data-testid=lang]').first().selectOption('en');
    await settled();
    await page.getByRole('button', { name: 'Previous month' }).click();
    await settled();
    expect(new URL(page.url()).searchParams.get('month')).toBe('2026-10');
    // This month (December 2026 on the tests' clock) has no next.
    await open('/billing?account=demo');
    await settled();
    expect(await page.getByRole('button', { name: 'Next month' }).isDisabled()).toBe(true);
  });

  it('explains the run-out date, and sets the low-balance threshold from the page', async () => {
    // Nothing was charged in the 7 days before 2 December: no run-out date, and it says why.
    expect(await text('[data-testid=zero-on]')).toBe('No spend in the last 7 days: no run-out date.');
    const box = page.locator('[data-testid=threshold]');
    expect(await box.innerText()).toContain('No low-balance alert is set.');
    await box.getByRole('button', { name: 'Change alert' }).click();
    await box.getByLabel(/Alert when the balance falls below/).fill('5.000');
    await box.getByRole('button', { name: 'Save' }).click();
    await box.getByText('Low-balance alert below').waitFor();
    expect(plain(await box.innerText())).toContain('Low-balance alert below IDR 5,000.');
    const settingsNow = async () => (await (await page.request.get(`${s.url}/api/v1/accounts/demo/settings`, { headers: { authorization: `Bearer ${s.demoKey}` } })).json()).low_balance_threshold;
    expect(await settingsNow()).toBe(5000);
    await box.getByRole('button', { name: 'Change alert' }).click();
    await box.getByRole('button', { name: 'Remove alert' }).click();
    await box.getByText('No low-balance alert is set.').waitFor();
    expect(await settingsNow()).toBe(null);
    await screenshot(page, 'billing-money');
  });
});

describe('filters live in the URL', () => {
  it('choosing a channel changes the URL and the numbers; Back undoes it', async () => {
    await open(`/overview?${OCTOBER}`);
    await settled();
    await page.locator('[data-testid=filter-channels] summary').click();
    await page.getByRole('checkbox', { name: 'Instagram' }).check();
    await page.waitForURL(/channel=instagram/);
    await settled();
    // r5 is October's only Instagram room.
    expect(await text('[data-testid=kpi-total-chats-value]')).toBe('1');
    await page.goBack();
    await page.waitForURL((u) => !u.search.includes('channel='));
    await settled();
    expect(await text('[data-testid=kpi-total-chats-value]')).toBe('7');
  });

  it('the agent list offers the period\'s agents; choosing one narrows the numbers', async () => {
    await open(`/overview?${OCTOBER}`);
    await settled();
    await page.locator('[data-testid=filter-agents] summary').click();
    await page.getByRole('checkbox', { name: 'agent1' }).check();
    await page.waitForURL(/agent=agent1/);
    await settled();
    // agent1 resolved r1 and r5.
    expect(await text('[data-testid=kpi-total-chats-value]')).toBe('2');
    expect(await page.getByRole('checkbox', { name: 'agent3' }).count()).toBe(1);
    await page.goBack();
    await page.waitForURL((u) => !u.search.includes('agent='));
  });

  it('a preset replaces the custom range in the URL', async () => {
    await page.locator('button[data-range="30d"]').click();
    await page.waitForURL(/range=30d/);
    expect(page.url()).not.toContain('from=');
  });

  it('a link reproduces the view', async () => {
    const link = `${s.url}/overview?${OCTOBER}&channel=whatsapp`;
    const other = await browser.context.newPage();
    await other.goto(link);
    await other.locator('[data-testid=kpi-total-chats-value]').waitFor();
    await other.waitForFunction(() => document.querySelector('[data-testid=kpi-total-chats-value]')?.textContent === '5');
    await other.close();
  });
});

describe('charts (issue 14 item 6)', () => {
  it('every chart has its numbers in a table for screen readers; response times show the average too', async () => {
    await open(`/overview?${OCTOBER}`);
    await settled();
    const charts = await page.locator('main [role=img]').count();
    expect(charts).toBeGreaterThanOrEqual(4);
    expect(await page.locator('main table[data-testid=chart-table]').count()).toBe(charts);
    const rt = page.locator('[data-testid=chart-response] table[data-testid=chart-table]');
    expect((await rt.locator('thead th').allInnerTexts()).slice(1)).toEqual(['p50', 'p90', 'Average']);
    // 7 October: r4 alone, assigned 10:31 and resolved 11:31 (the worked example): 1 h for each.
    const row = await rt.locator('tbody tr', { hasText: /^\s*7 Oct/ }).locator('td').allInnerTexts();
    expect(row).toEqual(['1 h', '1 h', '1 h']);
    // The heatmap: weekdays by 24 hours.
    const heat = page.locator('[data-testid=chart-heatmap] table[data-testid=chart-table]');
    expect(await heat.locator('thead th').count()).toBe(25);
    expect(await heat.locator('tbody tr').count()).toBe(7);
  });
});

describe('rooms and CSAT (issue 14 item 8)', () => {
  it('a score-5 bar opens the rooms with CSAT = 5, not at most 5', async () => {
    await open(`/rooms?${OCTOBER}&min_csat=5&max_csat=5`);
    await settled();
    expect(plain(await text('[data-testid=filter-csat]'))).toMatch(/= 5/);
    // r1 is October's only room scored 5.
    expect(await page.locator('[data-testid=table-rooms] tbody tr').count()).toBe(1);
    expect(await text('[data-testid=rooms-count]')).toBe('Rooms: 1 (1 shown)');
    await open(`/rooms?${OCTOBER}&max_csat=3`);
    await settled();
    expect(plain(await text('[data-testid=filter-csat]'))).toMatch(/≤ 3/);
  });

  const roomIds = async () => (await page.locator('[data-testid=table-rooms] tbody tr td:first-child').allInnerTexts()).sort();
  /** The same rooms from the API, for the query the page's URL carries. */
  const apiRoomIds = async (qs: string) =>
    ((await (await page.request.get(`${s.url}/api/v1/accounts/demo/rooms?from=2026-10-01&to=2026-11-01&limit=500&${qs}`)).json()).rooms as Array<{ room_id: string }>).map((r) => r.room_id).sort();

  it('quick filters: unresolved, unassigned, low CSAT and slow rooms, each from the API and in the URL', async () => {
    await open(`/rooms?${OCTOBER}`);
    await settled();
    const quick = page.locator('[data-testid=quick-filters]');
    // October's unresolved rooms are r3 and r7 (the worked example).
    await quick.getByRole('button', { name: 'Unresolved' }).click();
    await settled();
    expect(new URL(page.url()).searchParams.get('resolved')).toBe('false');
    expect(await roomIds()).toEqual(['r3', 'r7']);
    await quick.getByRole('button', { name: 'Unassigned' }).click();
    await settled();
    expect(await roomIds()).toEqual(await apiRoomIds('resolved=false&assigned=false'));
    await quick.getByRole('button', { name: 'Unresolved' }).click();
    await settled();
    const unassigned = await roomIds();
    expect(unassigned).toEqual(await apiRoomIds('assigned=false'));
    expect(unassigned.length).toBeGreaterThan(0);
    await quick.getByRole('button', { name: 'Unassigned' }).click();
    // Low CSAT: r2 (score 3) of r1 5, r2 3, r5 4.
    await quick.getByRole('button', { name: 'Low CSAT (1-3)' }).click();
    await settled();
    expect(await roomIds()).toEqual(['r2']);
    expect(await quick.getByRole('button', { name: 'Low CSAT (1-3)' }).getAttribute('aria-pressed')).toBe('true');
    await quick.getByRole('button', { name: 'Low CSAT (1-3)' }).click();
    // Slow: a response of an hour or more: r2 (2 h), r4 and r6 (1 h).
    await page.locator('[data-testid=filter-slow]').selectOption('3600');
    await settled();
    expect(new URL(page.url()).searchParams.get('min_response_s')).toBe('3600');
    expect(await roomIds()).toEqual(['r2', 'r4', 'r6']);
    expect(await text('[data-testid=rooms-count]')).toBe('Rooms: 3 (3 shown)');
  });

  it('CSAT panels say what they list, and an answer links to its room', async () => {
    await open(`/csat?${OCTOBER}`);
    await settled();
    const titles = await page.locator('main section h2').allInnerTexts();
    expect(titles).toEqual(expect.arrayContaining(['Answers per score (1 = worst, 5 = best)', 'Satisfied share (scores 4-5) over time', 'Every answer, newest first, with its comment if any']));
    const link = page.locator('[data-testid=csat-responses] [data-testid=room-link]').first();
    const room = await link.innerText();
    await link.click();
    await settled();
    expect(new URL(page.url()).pathname).toBe('/rooms');
    expect(await roomIds()).toEqual([room]);
    expect(await text('[data-testid=chip-room]')).toContain(`Room ${room}`);
  });

  it('business hours: one switch for every page, sent to the API and kept in the URL', async () => {
    const put = (body: object) => page.request.put(`${s.url}/api/v1/accounts/demo/settings`, { headers: { authorization: `Bearer ${s.demoKey}` }, data: body });
    expect((await put({ office_hours: { mon: [{ from: '09:00', to: '12:00' }], tue: [{ from: '09:00', to: '12:00' }], wed: [{ from: '09:00', to: '12:00' }], thu: [{ from: '09:00', to: '12:00' }], fri: [{ from: '09:00', to: '12:00' }] } })).status()).toBe(200);
    try {
      await open(`/overview?${OCTOBER}`);
      await settled();
      const calendar = await text('[data-testid=kpi-avg-response-value]');
      const sent: string[] = [];
      const onRequest = (r: { url(): string }) => void (r.url().includes('/metrics/summary') && sent.push(r.url()));
      page.on('request', onRequest);
      await page.locator('[data-testid=filter-business-hours]').check();
      await settled();
      page.off('request', onRequest);
      expect(new URL(page.url()).searchParams.get('business_hours')).toBe('true');
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((u) => new URL(u).searchParams.get('business_hours') === 'true')).toBe(true);
      const api = await (await page.request.get(`${s.url}/api/v1/accounts/demo/metrics/summary?from=2026-10-01&to=2026-11-01&business_hours=true`)).json();
      expect(api.period.business_hours).toBe(true);
      const office = await text('[data-testid=kpi-avg-response-value]');
      expect(office).not.toBe(calendar);
      // The switch goes with the links to other pages.
      expect(await page.locator('nav a[data-page=agents]').getAttribute('href')).toContain('business_hours=true');
    } finally {
      await put({ office_hours: null });
    }
  });
});

describe('service levels, expired windows and campaigns (issue 16 item 4)', () => {
  const apiGet = async (path: string) => (await page.request.get(`${s.url}/api/v1/accounts/demo/${path}`, { headers: { authorization: `Bearer ${s.demoKey}` } })).json();

  it('targets are set on the page; met, breached and pending are the API\'s, and link to the breaching rooms', async () => {
    await open(`/service?${OCTOBER}`);
    await settled();
    expect(await text('[data-testid=sla-first-response]')).toContain('No target set.');
    await page.getByRole('button', { name: 'Set targets' }).click();
    await page.getByLabel('First response within (minutes)').fill('10');
    await page.getByLabel('Resolved within (minutes)').fill('60');
    await page.getByRole('button', { name: 'Save targets' }).click();
    await page.locator('[data-testid=sla-form]').waitFor({ state: 'detached' });
    await settled();
    const api = await apiGet('metrics/sla?from=2026-10-01&to=2026-11-01');
    expect(api.first_response.target_s).toBe(600);
    const box = plain(await text('[data-testid=sla-first-response]'));
    expect(box).toContain('Target: 10 m');
    expect(box.replace(/\s+/g, ' ')).toContain(`Met ${api.first_response.met} Breached ${api.first_response.breached} Pending ${api.first_response.pending}`);
    await page.locator('[data-testid=sla-breaching]').click();
    await settled();
    expect(new URL(page.url()).searchParams.get('sla')).toBe('breached');
    const shown = (await page.locator('[data-testid=table-rooms] tbody tr td:first-child').allInnerTexts()).sort();
    const want = ((await apiGet('rooms?from=2026-10-01&to=2026-11-01&sla=breached&limit=500')).rooms as Array<{ room_id: string }>).map((r) => r.room_id).sort();
    expect(shown).toEqual(want);
    expect(want.length).toBeGreaterThan(0);
  });

  it('expired windows say how many of the closed ones got no answer', async () => {
    await open(`/service?${OCTOBER}`);
    await settled();
    const api = await apiGet('metrics/expired?from=2026-10-01&to=2026-11-01');
    expect(plain(await text('[data-testid=expired-summary]'))).toContain(`${api.expired_unanswered} of ${api.rooms_with_inbound} rooms`);
    await page.locator('[data-testid=expired-rooms]').click();
    await settled();
    expect(new URL(page.url()).searchParams.get('expired')).toBe('true');
    expect(await text('[data-testid=rooms-count]')).toBe(`Rooms: ${api.expired_unanswered} (${api.expired_unanswered} shown)`);
  });

  it('campaigns: promo-nov reached two contacts and cost IDR 460; its contacts open below', async () => {
    await open('/campaigns?account=demo&from=2026-11-01&to=2026-11-30');
    await settled();
    const row = page.locator('[data-testid=campaigns] tbody tr', { hasText: 'promo-nov' });
    const cells = (await row.locator('td').allInnerTexts()).map(plain);
    expect(cells.slice(2, 10)).toEqual(['2', '2', '1', '50.0%', '1 / 1', 'IDR 460', 'IDR 0', 'IDR 460']);
    await row.getByRole('button', { name: 'Contacts' }).click();
    await settled();
    expect(new URL(page.url()).searchParams.get('campaign')).toBe('promo-nov');
    const contacts = await page.locator('[data-testid=campaign-contacts] tbody tr').allInnerTexts();
    expect(contacts.map((r) => r.split('\t')[0].trim()).sort()).toEqual(['6281111', '6282222']);
    expect(plain(await text('[data-testid=without-campaign]'))).toContain('Conversations opened without a campaign: 1, charged IDR 0.');
  });
});

describe('landing and comparisons (issue 14 item 3)', () => {
  /** The summary request of opening `path`, and the KPI panel's title. */
  async function summaryOf(path: string): Promise<{ url: URL; title: string }> {
    const req = page.waitForRequest((r) => r.url().includes('/metrics/summary'));
    await open(path);
    const url = new URL((await req).url());
    await settled();
    return { url, title: plain(await text('[data-testid=kpis] h2')) };
  }

  it('lands on the last 7 days against the 7 before', async () => {
    // Now is 2 December 2026, 10:00 in Jakarta (harness E2E_NOW).
    const { url, title } = await summaryOf('/overview?account=demo');
    expect(await page.locator('button[data-range="7d"]').getAttribute('aria-pressed')).toBe('true');
    expect([url.searchParams.get('from'), url.searchParams.get('to'), url.searchParams.get('compare_from')]).toEqual(['2026-11-26', '2026-12-03', null]);
    expect(title).toBe('26 Nov 2026 – 2 Dec 2026, compared with 19 Nov 2026 – 25 Nov 2026');
  });

  it('today compares with the same hours of yesterday', async () => {
    const { url, title } = await summaryOf('/overview?account=demo&range=today');
    expect([url.searchParams.get('compare_from'), url.searchParams.get('compare_to')]).toEqual(['2026-12-01', '2026-12-01T03:00:00.000Z']);
    expect(title).toBe('2 Dec 2026, compared with 1 Dec 2026 until 10:00');
  });

  it('last month compares with the whole month before', async () => {
    const { url, title } = await summaryOf('/overview?account=demo&range=last-month');
    expect([url.searchParams.get('from'), url.searchParams.get('to'), url.searchParams.get('compare_from'), url.searchParams.get('compare_to')]).toEqual(['2026-11-01', '2026-12-01', '2026-10-01', '2026-11-01']);
    expect(title).toBe('1 Nov 2026 – 30 Nov 2026, compared with 1 Oct 2026 – 31 Oct 2026');
    // October of the worked example had 7 chats.
    expect(await page.locator('[data-testid=kpi-total-chats] .change').getAttribute('title')).toBe('previous: 7');
  });
});

describe('every API call once (issue 14 item 7)', () => {
  /** The API requests of `during`, and those that failed (aborted) meanwhile. */
  async function requestsOf(during: () => Promise<void>): Promise<{ urls: string[]; failed: string[] }> {
    const urls: string[] = [];
    const failed: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (r.url().includes('/api/v1/')) urls.push(r.url());
    };
    const onFailed = (r: { url(): string }) => {
      if (r.url().includes('/api/v1/')) failed.push(r.url());
    };
    page.on('request', onRequest);
    page.on('requestfailed', onFailed);
    try {
      await during();
    } finally {
      page.off('request', onRequest);
      page.off('requestfailed', onFailed);
    }
    return { urls, failed };
  }
  const twice = (urls: string[]) => urls.filter((u, i) => urls.indexOf(u) !== i);

  for (const name of ['overview', 'agents', 'csat', 'service', 'campaigns', 'rooms', 'exports', 'billing']) {
    it(`opening ${name} fetches each URL once, none aborted`, async () => {
      const { urls, failed } = await requestsOf(async () => {
        await open(`/${name}?${OCTOBER}`);
        await settled();
      });
      expect(urls.length).toBeGreaterThan(0);
      expect(twice(urls)).toEqual([]);
      expect(failed).toEqual([]);
    });
  }

  it('a filter change fetches each report once, none aborted and sent again', async () => {
    await open(`/overview?${OCTOBER}`);
    await settled();
    const { urls, failed } = await requestsOf(async () => {
      await page.locator('[data-testid=filter-channels] summary').click();
      await page.getByRole('checkbox', { name: 'Instagram' }).check();
      await page.waitForURL(/channel=instagram/);
      await settled();
    });
    expect(urls.filter((u) => u.includes('channel=instagram')).length).toBeGreaterThan(0);
    expect(twice(urls)).toEqual([]);
    expect(failed).toEqual([]);
    expect(await text('[data-testid=kpi-total-chats-value]')).toBe('1');
  });
});

describe('drill-down', () => {
  it('a KPI opens the rooms behind it with the same filters', async () => {
    await open(`/overview?${OCTOBER}`);
    await settled();
    await page.locator('[data-testid=kpi-total-chats]').click();
    await page.waitForURL(/\/rooms\?/);
    await settled();
    expect(page.url()).toContain('from=2026-10-01');
    expect(await page.locator('[data-testid=table-rooms] tbody tr').count()).toBe(7);
    // The count of all the filter's rooms, not "7+" or the rows loaded so far (issue 14 item 8).
    expect(await text('[data-testid=rooms-count]')).toBe('Rooms: 7 (7 shown)');
  });

  it('clicking a bar opens the rooms of that day and channel', async () => {
    await open(`/overview?${OCTOBER}`);
    await settled();
    // The first WhatsApp-green pixel of the chats chart: the bar of 1 October (room r1).
    const canvas = page.locator('[data-testid=chart-chats] canvas').first();
    const box = (await canvas.boundingBox())!;
    const at = await canvas.evaluate((el: HTMLCanvasElement) => {
      const ctx = el.getContext('2d')!;
      const { data, width, height } = ctx.getImageData(0, 0, el.width, el.height);
      for (let x = 0; x < width; x++)
        for (let y = height - 1; y >= 0; y -= 2) {
          const i = (y * width + x) * 4;
          if (Math.abs(data[i] - 0x25) < 12 && Math.abs(data[i + 1] - 0xa3) < 12 && Math.abs(data[i + 2] - 0x66) < 12) {
            return { x: (x + 3) / (el.width / el.clientWidth), y: y / (el.height / el.clientHeight) - 4 };
          }
        }
      return null;
    });
    expect(at).not.toBeNull();
    await page.mouse.click(box.x + at!.x, box.y + at!.y);
    await page.waitForURL(/\/rooms\?/);
    await settled();
    const url = new URL(page.url());
    expect(url.searchParams.get('channel')).toBe('whatsapp');
    // The bucket's own span: 1 October, midnight to midnight in the account's zone.
    expect(Date.parse(url.searchParams.get('start')!)).toBe(Date.parse('2026-10-01T00:00:00+07:00'));
    expect(Date.parse(url.searchParams.get('end')!)).toBe(Date.parse('2026-10-02T00:00:00+07:00'));
    const rows = page.locator('[data-testid=table-rooms] tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td').first().innerText()).toBe('r1');
  });
});

describe('exports', () => {
  it('downloads a report as Excel for the filters shown', async () => {
    await open(`/exports?${OCTOBER}`);
    await settled();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=download-overview]').click()]);
    expect(download.suggestedFilename()).toBe('demo-overview-2026-10-01-to-2026-10-31.xlsx');
    const file = await download.path();
    // An .xlsx is a zip archive.
    expect((await import('node:fs')).readFileSync(file).subarray(0, 2).toString()).toBe('PK');
    // Last month's overview compares with the whole month before, as the Overview page does.
    await open('/exports?account=demo&range=last-month');
    await settled();
    const href = new URL((await page.locator('[data-testid=download-overview]').getAttribute('href'))!, s.url);
    expect([href.searchParams.get('from'), href.searchParams.get('compare_from'), href.searchParams.get('compare_to')]).toEqual(['2026-11-01', '2026-10-01', '2026-11-01']);
  });

  // Issue 14 item 1: a schedule made, changed, paused, run and deleted in the UI alone.
  const apiSchedules = async () =>
    ((await (await page.request.get(`${s.url}/api/v1/accounts/demo/schedules`, { headers: { authorization: `Bearer ${s.demoKey}` } })).json()) as { schedules: Array<Record<string, unknown>> }).schedules;
  const form = () => page.locator('[data-testid=schedule-form]');
  const scheduleRows = () => page.locator('[data-testid=schedules] tbody tr');

  it('with no schedule, says how to begin', async () => {
    await open(`/exports?${OCTOBER}`);
    await settled();
    expect(await text('[data-testid=schedules-empty]')).toContain('New schedule');
    expect(await apiSchedules()).toEqual([]);
  });

  it('makes a schedule with the picker; the cron is said in words with the zone', async () => {
    await page.getByRole('button', { name: 'New schedule' }).click();
    // Billing offers no channel or agent filter, and only the periods billing goes by.
    await form().getByLabel('Report').selectOption('billing');
    expect(await form().locator('[data-testid=billing-no-filters]').count()).toBe(1);
    expect(await form().getByRole('group', { name: 'Channels' }).count()).toBe(0);
    expect(await form().getByLabel('Period').locator('option').allInnerTexts()).toEqual(['Last month', 'Month to date']);
    expect(await form().getByLabel('Format').locator('option').allInnerTexts()).toEqual(['Excel']);
    await form().getByLabel('Report').selectOption('rooms');
    await form().getByLabel('Format').selectOption('csv');
    await form().getByLabel('Period').selectOption('last_week');
    await form().getByLabel('When it runs').selectOption('weekly');
    await form().getByLabel('Thursday').check(); // Monday is ticked already
    await form().getByLabel('At', { exact: true }).fill('07:00');
    expect(await text('[data-testid=schedule-words]')).toBe('Every Monday and Thursday at 07:00 (Asia/Jakarta)');
    await form().getByLabel('WhatsApp').check();
    await form().getByLabel(/^Agents/).fill('agent-b, agent-a');
    await form().getByRole('button', { name: 'Create schedule' }).click();
    await form().waitFor({ state: 'detached' });
    await settled();
    expect(await scheduleRows().count()).toBe(1);
    expect(await scheduleRows().first().innerText()).toContain('Every Monday and Thursday at 07:00 (Asia/Jakarta)');
    const [saved] = await apiSchedules();
    expect(saved).toMatchObject({ report: 'rooms', format: 'csv', period: 'last_week', cron: '0 7 * * 1,4', tz: 'Asia/Jakarta', channel: ['whatsapp'], agent: ['agent-b', 'agent-a'], enabled: true, webhook_url: null, lang: 'en' });
  });

  it('a cron the server refuses is shown with its reason, and nothing is saved', async () => {
    await page.getByRole('button', { name: 'New schedule' }).click();
    await form().getByLabel('When it runs').selectOption('custom');
    await form().getByLabel('Cron expression').fill('* * * * *');
    expect(await text('[data-testid=schedule-words]')).toBe('cron * * * * * (Asia/Jakarta)');
    await form().getByRole('button', { name: 'Create schedule' }).click();
    await expect(form().getByRole('alert').innerText()).resolves.toMatch(/^cron: fires 60 s apart/);
    await form().getByRole('button', { name: 'Cancel' }).click();
    expect((await apiSchedules()).length).toBe(1);
  });

  it('edits it: the form opens with its values, and the change is saved', async () => {
    await scheduleRows().first().getByRole('button', { name: 'Edit' }).click();
    expect(await form().getByLabel('Report').inputValue()).toBe('rooms');
    expect(await form().getByLabel('Monday').isChecked()).toBe(true);
    expect(await form().getByLabel('Thursday').isChecked()).toBe(true);
    expect(await form().getByLabel('WhatsApp').isChecked()).toBe(true);
    await form().getByLabel('When it runs').selectOption('daily');
    await form().getByLabel('At', { exact: true }).fill('08:30');
    await form().getByRole('button', { name: 'Save changes' }).click();
    await form().waitFor({ state: 'detached' });
    await settled();
    expect(await scheduleRows().first().innerText()).toContain('Every day at 08:30 (Asia/Jakarta)');
    const [saved] = await apiSchedules();
    expect(saved).toMatchObject({ cron: '30 8 * * *', report: 'rooms', channel: ['whatsapp'] });
  });

  it('pauses and resumes it', async () => {
    await scheduleRows().first().getByRole('button', { name: 'Pause' }).click();
    await scheduleRows().first().getByRole('button', { name: 'Resume' }).waitFor();
    expect(await scheduleRows().first().innerText()).toContain('paused');
    expect((await apiSchedules())[0]).toMatchObject({ enabled: false, next_run_at: null });
    await scheduleRows().first().getByRole('button', { name: 'Resume' }).click();
    await scheduleRows().first().getByRole('button', { name: 'Pause' }).waitFor();
    expect((await apiSchedules())[0].enabled).toBe(true);
  });

  it('Run now starts a run that names its schedule and gets its file with no Refresh clicked', async () => {
    await scheduleRows().first().getByRole('button', { name: 'Run now' }).click();
    const runs = page.locator('[data-testid=runs] tbody tr');
    await runs.first().waitFor();
    expect(await runs.first().innerText()).toContain('Every day at 08:30 (Asia/Jakarta)');
    // The list polls while the run is going: the file link appears by itself.
    await page.locator('[data-testid=runs] a[download]').waitFor({ timeout: 30_000 });
    expect(await runs.first().innerText()).toContain('done');
    await screenshot(page, 'exports');
  });

  it('deletes it after asking; its run stays, naming a deleted schedule', async () => {
    await scheduleRows().first().getByRole('button', { name: 'Delete' }).click();
    await scheduleRows().first().getByRole('button', { name: 'Keep' }).click();
    expect(await scheduleRows().count()).toBe(1);
    await scheduleRows().first().getByRole('button', { name: 'Delete' }).click();
    await scheduleRows().first().getByRole('button', { name: 'Delete' }).click();
    await page.locator('[data-testid=schedules-empty]').waitFor();
    expect(await apiSchedules()).toEqual([]);
    expect(await page.locator('[data-testid=runs] tbody tr').first().innerText()).toContain('(deleted schedule)');
  });
});

describe('states', () => {
  it('a panel that fails says so and retries', async () => {
    let fail = true;
    await page.route('**/metrics/heatmap?*', (route) => (fail ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"internal_error","message":"boom"}}' }) : route.continue()));
    await open(`/overview?${OCTOBER}`);
    const panel = page.locator('[data-testid=chart-heatmap]');
    await panel.getByRole('alert').waitFor();
    expect(await panel.innerText()).toContain('boom');
    fail = false;
    await panel.getByRole('button', { name: 'Retry' }).click();
    await panel.locator('canvas').first().waitFor();
    await page.unroute('**/metrics/heatmap?*');
  });

  it('a period without traffic shows empty states, not zeros drawn as data', async () => {
    await open('/overview?account=demo&from=2026-08-01&to=2026-08-31');
    await settled();
    expect(await text('[data-testid=kpi-total-chats-value]')).toBe('0');
    expect(await page.locator('[data-state=empty]').count()).toBe(4);
  });
});

describe('language', () => {
  it('switching to Bahasa Indonesia changes labels and number formats', async () => {
    await open(`/overview?${OCTOBER}`);
    await settled();
    await page.locator('[data-testid=lang]').first().selectOption('id');
    await page.getByText('Total obrolan').waitFor();
    expect(plain(await text('[data-testid=kpi-csat-value]'))).toMatch(/^66,7 ?%$/);
    expect(await text('[data-testid=kpi-avg-response-value]')).toBe('1 jam 6 mnt');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('id');
    await screenshot(page, 'overview-id');
    await open('/billing?account=demo');
    await settled();
    expect(plain(await text('[data-testid=balance-value]'))).toBe('Rp 6.640');
    // On the balance card (and as a column of its chart's table for screen readers).
    expect(await page.getByText('Sisa saldo').count()).toBeGreaterThanOrEqual(1);
    // The choice stays; back to English for the rest.
    await page.locator('[data-testid=lang]').first().selectOption('en');
  });

  it('definitions: the ⓘ of a KPI says what it means, in both languages, in the words of the workbook\'s About sheet (issue 14 item 5)', async () => {
    const { GLOSSARY } = await import('../../core/glossary.ts');
    await open(`/overview?${OCTOBER}`);
    await settled();
    await page.locator('[data-testid=kpis] [data-testid=info-total_chats]').click();
    expect(await text('[data-testid=definition-total_chats]')).toBe(`${GLOSSARY.en.total_chats.term}: ${GLOSSARY.en.total_chats.definition}`);
    // The Excel About sheet of the same view has the same definition.
    const ExcelJS = (await import('exceljs')).default;
    const aboutLine = async (lang: 'en' | 'id', term: string) => {
      const r = await page.request.get(`${s.url}/api/v1/accounts/demo/exports/overview.xlsx?from=2026-10-01&to=2026-11-01&lang=${lang}`);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await r.body()) as unknown as ArrayBuffer);
      let found = '';
      wb.worksheets[wb.worksheets.length - 1].eachRow((row) => void (row.getCell(1).value === term && (found = String(row.getCell(2).value))));
      return found;
    };
    expect(await aboutLine('en', GLOSSARY.en.total_chats.term)).toBe(GLOSSARY.en.total_chats.definition);
    // Agents' columns have theirs; CSAT's response rate explains a rate over 100 %.
    await open(`/csat?${OCTOBER}`);
    await settled();
    await page.locator('[data-testid=info-response_rate]').click();
    expect(await text('[data-testid=definition-response_rate]')).toContain('pass 100%');
    await page.locator('[data-testid=lang]').first().selectOption('id');
    await settled();
    await page.locator('[data-testid=info-response_rate]').click();
    await page.locator('[data-testid=info-response_rate]').click();
    expect(await text('[data-testid=definition-response_rate]')).toBe(`${GLOSSARY.id.response_rate.term}: ${GLOSSARY.id.response_rate.definition}`);
    expect(await aboutLine('id', GLOSSARY.id.response_rate.term)).toBe(GLOSSARY.id.response_rate.definition);
    await page.locator('[data-testid=lang]').first().selectOption('en');
  });

  it('downloads come in the dashboard\'s language, and a schedule gets its own (issue 14 item 10)', async () => {
    await open(`/exports?${OCTOBER}`);
    await settled();
    await page.locator('[data-testid=lang]').first().selectOption('id');
    await settled();
    const href = new URL((await page.locator('[data-testid=download-overview]').getAttribute('href'))!, s.url);
    expect(href.searchParams.get('lang')).toBe('id');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=download-overview]').click()]);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await download.path());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Ringkasan', 'Harian', 'Per kanal', 'Per agen', 'Tentang']);
    // A schedule made in Indonesian gets Indonesian files unless told otherwise.
    await page.getByRole('button', { name: 'Jadwal baru' }).click();
    expect(await page.locator('[data-testid=schedule-form] select[name=lang]').inputValue()).toBe('id');
    await page.locator('[data-testid=schedule-form] select[name=lang]').selectOption('en');
    await page.getByRole('button', { name: 'Buat jadwal' }).click();
    await page.locator('[data-testid=schedule-form]').waitFor({ state: 'detached' });
    const list = (await (await page.request.get(`${s.url}/api/v1/accounts/demo/schedules`, { headers: { authorization: `Bearer ${s.demoKey}` } })).json()).schedules as Array<{ lang: string; created_at: string }>;
    expect(list.sort((a, b) => a.created_at.localeCompare(b.created_at)).at(-1)!.lang).toBe('en');
    await page.locator('[data-testid=lang]').first().selectOption('en');
  });

  it('a browser that prefers Indonesian starts in Indonesian', async () => {
    const id = await launchBrowser({ locale: 'id-ID' });
    const p = await id.context.newPage();
    await p.goto(s.url + '/');
    await p.getByLabel('Kunci API').waitFor();
    await id.close();
  });
});

describe('phone', () => {
  it('390 px wide: no horizontal scroll on any page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const name of ['overview', 'agents', 'csat', 'service', 'campaigns', 'billing', 'exports', 'rooms']) {
        await open(`/${name}?${OCTOBER}`);
        await settled();
        const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
        expect(w.scroll, name).toBeLessThanOrEqual(w.client);
        await screenshot(page, `phone-${name}`);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});

describe('phone: everything in reach (issue 14 item 9)', () => {
  /** The element lies inside the 390 px viewport, not past its right edge (nor behind a sideways scroll). */
  const inView = async (sel: ReturnType<Page['locator']>) => {
    const b = await sel.boundingBox();
    return b !== null && b.x >= 0 && b.x + b.width <= 390 && b.width > 0;
  };

  it('every tab, the money of the statement, and Run now and Download of a schedule are on screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await open('/billing?account=demo&month=2026-10');
      await settled();
      for (const a of await page.locator('nav a').all()) expect(await inView(a), await a.innerText()).toBe(true);
      // The statement's rows stack on a phone: October's closing balance is in view, labelled.
      const oct = page.locator('[data-testid=statement] tbody tr', { hasText: 'October 2026' });
      const closing = oct.locator('td[data-label=Closing]');
      expect(plain(await closing.innerText())).toBe('IDR 7,100');
      expect(await inView(closing)).toBe(true);
      expect(await inView(page.locator('[data-testid=charges-table] tr[data-kind=muv] td').last())).toBe(true);
      const created = await page.request.post(`${s.url}/api/v1/accounts/demo/schedules`, { headers: { authorization: `Bearer ${s.demoKey}` }, data: { report: 'csat', cron: '0 7 * * 1', period: 'last_week' } });
      expect(created.status()).toBe(201);
      await open(`/exports?${OCTOBER}`);
      await settled();
      const runNow = page.locator('[data-testid=schedules] tbody tr', { hasText: 'CSAT answers' }).getByRole('button', { name: 'Run now' });
      expect(await inView(runNow)).toBe(true);
      await runNow.click();
      // The new run (newest first) gets its file by itself; its Download is in view.
      const link = page.locator('[data-testid=runs] tbody tr', { hasText: 'CSAT answers' }).first().locator('a[download]');
      await link.waitFor({ timeout: 30_000 });
      expect(await inView(link)).toBe(true);
      await screenshot(page, 'phone-exports-run');
      // A table too wide for the phone says that it scrolls (Agents has ten number columns).
      await open(`/agents?${OCTOBER}`);
      await settled();
      expect(await text('[data-testid=table-agents] [data-testid=scroll-hint]')).toMatch(/scroll the table sideways/);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});

describe('agents and charts, by keyboard and to the decimal (issue 14 items 4 and 6)', () => {
  it('shares have one decimal and scores two, in every row', async () => {
    await open(`/agents?${OCTOBER}`);
    await settled();
    const headers = (await page.locator('[data-testid=table-agents] thead th').allInnerTexts()).map((h) => h.trim());
    const col = async (name: string) => {
      const i = headers.findIndex((h) => h.startsWith(name));
      expect(i, name).toBeGreaterThan(0);
      return page.locator(`[data-testid=table-agents] tbody tr td:nth-child(${i + 1})`).allInnerTexts();
    };
    const shares = await col('CSAT %');
    expect(shares.some((v) => v !== '—')).toBe(true);
    for (const v of shares) expect(plain(v)).toMatch(/^(\d+\.\d%|—)$/);
    for (const v of await col('Avg score')) expect(v).toMatch(/^(\d\.\d\d|—)$/);
  });

  it('a chart point is reached and opened with the keyboard alone', async () => {
    await open(`/overview?${OCTOBER}`);
    await settled();
    const cell = page.locator('[data-testid=chart-chats] button.cell').first();
    await cell.focus();
    // The table shows itself when focus is in it.
    expect(((await cell.boundingBox())?.width ?? 0) > 5).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/rooms\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('start')).toBeTruthy();
    expect(url.searchParams.get('end')).toBeTruthy();
  });

  it('the response chart can switch to a log scale', async () => {
    const before = errors.length;
    await open(`/overview?${OCTOBER}`);
    await settled();
    await page.locator('[data-testid=log-scale]').check();
    await page.waitForTimeout(400);
    expect((await drawnCanvases(page, '[data-testid=chart-response]')).drawn).toBe(1);
    expect(errors.slice(before)).toEqual([]);
  });
});

describe('admin and sign-out', () => {
  it('sign-out returns to the form and the cookie is gone', async () => {
    await open(`/overview?${OCTOBER}`);
    await page.locator('[data-testid=sign-out]').click();
    await page.getByLabel('API key').waitFor();
    expect((await browser.context.cookies()).find((c) => c.name === 'ca_session')).toBeUndefined();
    await page.reload();
    await page.getByLabel('API key').waitFor();
  });

  it('an admin key can switch between accounts', async () => {
    await s.server.accountKey('other-co');
    await page.getByLabel('API key').fill(s.server.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const select = page.locator('select[data-testid=account]');
    // The select is drawn before the account list arrives (it shows "…" until then), so
    // wait for the list's options rather than reading them once.
    await select.locator('option[value="other-co"]').waitFor({ state: 'attached' });
    await expect(select.locator('option').allInnerTexts()).resolves.toEqual(expect.arrayContaining(['demo', 'other-co']));
    await select.selectOption('demo');
    await page.waitForURL(/account=demo/);
    await open(`/overview?${OCTOBER}`);
    await settled();
    expect(await text('[data-testid=kpi-total-chats-value]')).toBe('7');
    await select.selectOption('other-co');
    await page.waitForURL(/account=other-co/);
    await settled();
    expect(await text('[data-testid=kpi-total-chats-value]')).toBe('0');
  });

  it('an admin opening an unknown account is told it is not found, not shown zeros (issue 14 item 11)', async () => {
    await open('/overview?account=nobody-here&range=30d');
    await page.locator('[data-testid=account-not-found]').waitFor();
    expect(await text('[data-testid=account-not-found]')).toContain('"nobody-here" not found');
    expect(await page.locator('[data-testid=kpi-total-chats-value]').count()).toBe(0);
    expect(await page.title()).toBe('Overview · nobody-here · Chat analytics');
  });
});

describe('size', () => {
  it('the first page loads at most 350 KB of gzipped JavaScript', async () => {
    // A new browser with an empty cache, so every file is fetched and counted: the
    // sign-in form, then the Overview it opens.
    const fresh = await launchBrowser();
    try {
      const p = await fresh.context.newPage();
      const measure = recordScripts(p);
      await p.goto(`${s.url}/overview?${OCTOBER}`);
      await p.getByLabel('API key').fill(s.demoKey);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.locator('[data-testid=kpi-total-chats-value]').waitFor();
      await p.waitForLoadState('networkidle');
      const m = await measure();
      const names = m.files.map((f) => new URL(f).pathname.replace('/assets/', '')).join(', ');
      console.log(`first page JavaScript: ${m.files.length} files (${names}), ${(m.rawBytes / 1024).toFixed(1)} KiB, ${(m.gzipBytes / 1024).toFixed(1)} KiB gzipped`);
      expect(m.gzipBytes).toBeLessThanOrEqual(350 * 1024);
    } finally {
      await fresh.close();
    }
  });
});
