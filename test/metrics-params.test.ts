import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockFrom } from '../core/clock.ts';
import { bearer, EXAMPLE_NDJSON, postNdjson, startServer, type TestServer } from './helpers.ts';

/** Every query parameter of the metrics endpoints is checked: 400 {error: {code, message, field}}, or 401 / 403. */

// The server's "now": mid-afternoon in Jakarta, far from a midnight, whatever the day and hour.
const NOW = Date.parse('2026-11-16T14:00:00+07:00');
const clock = clockFrom(NOW);
let s: TestServer;

beforeAll(async () => {
  s = await startServer({}, { clock });
  await postNdjson(s.app, s.adminKey, fs.readFileSync(EXAMPLE_NDJSON));
});
afterAll(async () => s?.close());

const A = '/api/v1/accounts/demo';

// [name, url, field]: each must answer 400 invalid_parameter naming that field.
const BAD: Array<[string, string, string]> = [
  ['to before from', `${A}/metrics/summary?from=2026-11-01&to=2026-10-01`, 'to'],
  ['to equal to from', `${A}/metrics/summary?from=2026-10-01T00:00:00Z&to=2026-10-01T00:00:00Z`, 'to'],
  ['a range over 400 days', `${A}/metrics/summary?from=2025-01-01&to=2026-02-06`, 'to'],
  ['from alone more than 400 days before the default to', `${A}/metrics/summary?from=2020-01-01`, 'to'],
  ['an hourly series over 31 days', `${A}/metrics/timeseries?metric=total_chats&interval=hour&from=2026-10-01&to=2026-11-02`, 'interval'],
  ['an unknown channel', `${A}/metrics/summary?channel=myspace`, 'channel'],
  ['an unknown channel in a comma list', `${A}/metrics/agents?channel=whatsapp,fax`, 'channel'],
  ['an unknown channel among repeated ones', `${A}/rooms?channel=whatsapp&channel=WhatsApp`, 'channel'],
  ['an unknown time zone', `${A}/metrics/summary?tz=Mars/Olympus`, 'tz'],
  ['an offset instead of a zone', `${A}/metrics/summary?tz=%2B07:00`, 'tz'],
  ['a month 13', `${A}/metrics/summary?from=2026-13-01&to=2026-12-01`, 'from'],
  ['30 February', `${A}/metrics/summary?from=2026-02-01&to=2026-02-30`, 'to'],
  ['a date that is a word', `${A}/metrics/summary?from=yesterday`, 'from'],
  ['a timestamp without zone', `${A}/metrics/summary?from=2026-10-01T00:00:00`, 'from'],
  ['hour 25', `${A}/metrics/summary?from=2026-10-01T25:00:00Z`, 'from'],
  ['an unknown metric', `${A}/metrics/timeseries?metric=happiness&interval=day`, 'metric'],
  ['no metric', `${A}/metrics/timeseries?interval=day`, 'metric'],
  ['an unknown interval', `${A}/metrics/timeseries?metric=csat&interval=fortnight`, 'interval'],
  ['business_hours not a boolean', `${A}/metrics/summary?business_hours=maybe`, 'business_hours'],
  ['an unknown sort', `${A}/rooms?sort=contact_id`, 'sort'],
  ['limit 0', `${A}/rooms?limit=0`, 'limit'],
  ['limit 501', `${A}/csat/responses?limit=501`, 'limit'],
  ['max_csat 6', `${A}/rooms?max_csat=6`, 'max_csat'],
  ['a negative min_response_s', `${A}/rooms?min_response_s=-1`, 'min_response_s'],
  ['resolved not a boolean', `${A}/rooms?resolved=sometimes`, 'resolved'],
  ['assigned not a boolean', `${A}/rooms?assigned=maybe`, 'assigned'],
  ['a damaged cursor', `${A}/rooms?cursor=not*a*cursor`, 'cursor'],
  ['a cursor of another sort', `${A}/rooms?sort=response_s&cursor=${Buffer.from(JSON.stringify({ s: '-started_at', n: 0, k: 1, r: 'r1' })).toString('base64url')}`, 'cursor'],
  ['a damaged CSAT cursor', `${A}/csat/responses?cursor=${Buffer.from('{"t":"x"}').toString('base64url')}`, 'cursor'],
  ['max_score 0', `${A}/csat/responses?max_score=0`, 'max_score'],
  ['an agent id too long', `${A}/metrics/summary?agent=${'a'.repeat(300)}`, 'agent'],
];

describe('bad parameters', () => {
  it('has at least 15 cases', () => expect(BAD.length).toBeGreaterThanOrEqual(15));

  for (const [name, url, field] of BAD) {
    it(`${name}: 400 on ${field}`, async () => {
      const r = await s.app.inject({ method: 'GET', url, headers: bearer(s.adminKey) });
      expect(r.statusCode, r.body).toBe(400);
      const e = r.json().error;
      expect(e.code).toBe('invalid_parameter');
      expect(e.field).toBe(field);
      expect(e.message).toMatch(new RegExp(`^${field}: `));
    });
  }

  it("another account's key: 403 on every endpoint", async () => {
    const key = await s.accountKey('other');
    for (const p of ['/metrics/summary', '/metrics/timeseries?metric=csat', '/metrics/agents', '/metrics/channels', '/metrics/heatmap', '/rooms', '/csat/responses']) {
      const r = await s.app.inject({ method: 'GET', url: A + p, headers: bearer(key) });
      expect(r.statusCode, p).toBe(403);
      expect(r.json().error.code).toBe('forbidden');
    }
  });

  it('no key: 401', async () => {
    const r = await s.app.inject({ method: 'GET', url: `${A}/metrics/summary` });
    expect(r.statusCode).toBe(401);
  });

  it("the account's own key reads its metrics", async () => {
    const key = await s.accountKey('demo');
    const r = await s.app.inject({ method: 'GET', url: `${A}/metrics/summary?from=2026-10-01&to=2026-11-01`, headers: bearer(key) });
    expect(r.statusCode).toBe(200);
    expect(r.json().total_chats).toBe(7);
  });
});

describe('accepted forms and defaults', () => {
  it('defaults: the account time zone, to = start of tomorrow there, from = 30 days before', async () => {
    const before = clock();
    const r = await s.app.inject({ method: 'GET', url: `${A}/metrics/summary`, headers: bearer(s.adminKey) });
    expect(r.statusCode).toBe(200);
    const p = r.json().period;
    expect(p.tz).toBe('Asia/Jakarta');
    // Jakarta is UTC+7 without daylight saving: local midnight is 17:00Z the day before.
    const jakartaToday = new Date(before + 7 * 3600_000).toISOString().slice(0, 10);
    const tomorrow = new Date(Date.parse(`${jakartaToday}T00:00:00+07:00`) + 86_400_000);
    expect(Date.parse(p.to)).toBe(tomorrow.getTime());
    expect(Date.parse(p.from)).toBe(tomorrow.getTime() - 30 * 86_400_000);
    expect(p.to).toMatch(/T00:00:00\.000\+07:00$/);
    // by hand: the clock says 16 November 14:00 in Jakarta
    expect([p.from, p.to]).toEqual(['2026-10-18T00:00:00.000+07:00', '2026-11-17T00:00:00.000+07:00']);
  });

  it('a time zone in any case, RFC 3339 with offsets and fractions, channel lists', async () => {
    const r = await s.app.inject({
      method: 'GET',
      url: `${A}/metrics/summary?tz=asia/jakarta&from=2026-09-30T17:00:00.0000Z&to=2026-11-01T00:00:00%2B07:00&channel=whatsapp,instagram&channel=webchat`,
      headers: bearer(s.adminKey),
    });
    expect(r.statusCode, r.body).toBe(200);
    const b = r.json();
    expect(b.period).toMatchObject({ from: '2026-10-01T00:00:00.000+07:00', to: '2026-11-01T00:00:00.000+07:00', tz: 'Asia/Jakarta' });
    expect(b.total_chats).toBe(7);
  });

  it('exactly 400 days and exactly 31 hourly days are allowed', async () => {
    const a = await s.app.inject({ method: 'GET', url: `${A}/metrics/summary?from=2025-10-01&to=2026-11-05`, headers: bearer(s.adminKey) });
    expect(a.statusCode, a.body).toBe(200);
    const b = await s.app.inject({ method: 'GET', url: `${A}/metrics/timeseries?metric=csat&interval=hour&from=2026-10-01&to=2026-11-01`, headers: bearer(s.adminKey) });
    expect(b.statusCode, b.body).toBe(200);
    expect(b.json().buckets).toHaveLength(744);
  });

  it('an account without events has zeros and nulls, not an error', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/api/v1/accounts/empty-co/metrics/summary?from=2026-10-01&to=2026-11-01', headers: bearer(s.adminKey) });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ total_chats: 0, response_time: { avg_s: null, count: 0 }, csat: { responses: 0, response_rate: null } });
  });
});
