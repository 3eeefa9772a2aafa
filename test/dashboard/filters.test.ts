import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, isPlainDate, todayIn } from '../../dashboard/src/lib/dates.ts';
import { apiQuery, autoInterval, DEFAULT_FILTERS, parseFilters, resolveWindow, writeFilters, type Filters } from '../../dashboard/src/lib/filters.ts';
import { pageHref, parseRoute } from '../../dashboard/src/lib/route.ts';

const q = (s: string) => new URLSearchParams(s);
const roundTrip = (f: Filters) => parseFilters(writeFilters(f));

describe('calendar dates', () => {
  it('checks the calendar and does date arithmetic across months and years', () => {
    expect(isPlainDate('2026-02-29')).toBe(false);
    expect(isPlainDate('2028-02-29')).toBe(true);
    expect(isPlainDate('2026-10-1')).toBe(false);
    expect(addDays('2026-10-31', 1)).toBe('2026-11-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-01');
    expect(addMonths('2026-12-31', 1)).toBe('2027-01-01');
    expect(daysBetween('2026-10-01', '2026-11-01')).toBe(31);
  });
  it('today depends on the time zone', () => {
    const t = new Date('2026-10-31T18:00:00Z');
    expect(todayIn('Asia/Jakarta', t)).toBe('2026-11-01');
    expect(todayIn('UTC', t)).toBe('2026-10-31');
    expect(todayIn('Not/AZone', t)).toBe('2026-10-31');
  });
});

describe('filters and the URL', () => {
  it('defaults stay out of the URL', () => {
    expect(writeFilters({ ...DEFAULT_FILTERS, channels: [], agents: [] }).toString()).toBe('');
    expect(parseFilters(q(''))).toEqual(DEFAULT_FILTERS);
  });

  it('every filter survives URL and back', () => {
    const all: Filters[] = [
      { range: 'custom', from: '2026-10-01', to: '2026-10-31', channels: ['whatsapp', 'email'], agents: ['agent-1', 'a,b c'], interval: 'week', tz: 'UTC', businessHours: true },
      { range: '7d', from: null, to: null, channels: [], agents: [], interval: 'auto', tz: null, businessHours: false },
      { range: 'last-month', from: null, to: null, channels: ['line'], agents: [], interval: 'hour', tz: 'Asia/Makassar', businessHours: false },
    ];
    for (const f of all) expect(roundTrip(f)).toEqual(f);
  });

  it('writes a readable, stable query', () => {
    const f: Filters = { range: 'custom', from: '2026-10-01', to: '2026-10-31', channels: ['email', 'whatsapp'], agents: ['ani'], interval: 'day', tz: 'Asia/Jakarta', businessHours: false };
    expect(writeFilters(f).toString()).toBe('from=2026-10-01&to=2026-10-31&channel=whatsapp%2Cemail&agent=ani&interval=day&tz=Asia%2FJakarta');
    expect(writeFilters({ ...f, businessHours: true }).toString()).toBe('from=2026-10-01&to=2026-10-31&channel=whatsapp%2Cemail&agent=ani&interval=day&tz=Asia%2FJakarta&business_hours=true');
    expect(apiQuery({ ...f, businessHours: true }, { from: '2026-10-01', to: '2026-11-01' }).get('business_hours')).toBe('true');
    expect(apiQuery(f, { from: '2026-10-01', to: '2026-11-01' }).has('business_hours')).toBe(false);
  });

  it('keeps the page\'s own parameters when writing filters', () => {
    const out = writeFilters({ ...DEFAULT_FILTERS, range: '30d' }, q('account=demo&sort=chats&range=7d&channel=line'));
    expect(out.toString()).toBe('account=demo&sort=chats&range=30d');
  });

  it('ignores what it cannot read instead of failing', () => {
    const f = parseFilters(q('range=fortnight&from=2026-02-30&to=2026-03-01&channel=whatsapp,fax&interval=minute&tz=Mars/Base'));
    expect(f).toEqual({ ...DEFAULT_FILTERS, channels: ['whatsapp'] });
    // A reversed range is not a range.
    expect(parseFilters(q('from=2026-10-31&to=2026-10-01')).range).toBe('7d');
  });

  it('route: page, account, filters from the location; links carry them', () => {
    const r = parseRoute('/billing', '?account=demo&range=30d');
    expect(r.page).toBe('billing');
    expect(r.account).toBe('demo');
    expect(r.filters.range).toBe('30d');
    // The default range (7 days) is left out of links.
    expect(pageHref('rooms', 'demo', parseRoute('/billing', '?account=demo&range=7d').filters)).toBe('/rooms?account=demo');
    expect(parseRoute('/', '').page).toBe('overview');
    expect(parseRoute('/nope', '?account=bad%20id').account).toBeNull();
    expect(pageHref('rooms', 'demo', r.filters, { channel: undefined, score: ['1', '2'] })).toBe('/rooms?account=demo&range=30d&score=1&score=2');
  });
});

describe('the period a filter means', () => {
  const today = '2026-10-20';
  // 10:00:20 in Jakarta (03:00:20 UTC) on that day.
  const now = Date.parse('2026-10-20T10:00:20+07:00');
  const w = (f: Partial<Filters>) => resolveWindow({ ...DEFAULT_FILTERS, ...f }, today, now);

  it('lands on the last 7 days against the 7 before', () => {
    expect(DEFAULT_FILTERS.range).toBe('7d');
    expect(w({})).toEqual({ from: '2026-10-14', to: '2026-10-21', prevFrom: '2026-10-07', prevTo: '2026-10-14', interval: 'day' });
  });
  it('today against the same hours of yesterday (to the next whole minute), by hour', () => {
    expect(w({ range: 'today' })).toEqual({
      from: '2026-10-20',
      to: '2026-10-21',
      prevFrom: '2026-10-19',
      prevTo: '2026-10-20',
      compare: { from: '2026-10-19', to: '2026-10-19T03:01:00.000Z' },
      interval: 'hour',
    });
    // Right after midnight the comparison is still a minute long, never empty.
    expect(resolveWindow({ ...DEFAULT_FILTERS, range: 'today' }, today, Date.parse('2026-10-20T00:00:05+07:00')).compare).toEqual({ from: '2026-10-19', to: '2026-10-18T17:01:00.000Z' });
  });
  it('7 and 30 days end today, against the same number of days before', () => {
    expect(w({ range: '7d' })).toEqual({ from: '2026-10-14', to: '2026-10-21', prevFrom: '2026-10-07', prevTo: '2026-10-14', interval: 'day' });
    expect(w({ range: '30d' })).toMatchObject({ from: '2026-09-21', to: '2026-10-21', prevFrom: '2026-08-22', prevTo: '2026-09-21' });
  });
  it('this month so far against the same number of days before; last month against the whole month before', () => {
    expect(w({ range: 'this-month' })).toEqual({ from: '2026-10-01', to: '2026-10-21', prevFrom: '2026-09-11', prevTo: '2026-10-01', interval: 'day' });
    expect(w({ range: 'last-month' })).toEqual({ from: '2026-09-01', to: '2026-10-01', prevFrom: '2026-08-01', prevTo: '2026-09-01', compare: { from: '2026-08-01', to: '2026-09-01' }, interval: 'day' });
    expect(resolveWindow({ ...DEFAULT_FILTERS, range: 'last-month' }, '2026-01-15')).toMatchObject({ from: '2025-12-01', to: '2026-01-01' });
  });
  it('a custom range includes its last day: October 2026 is [10-01, 11-01)', () => {
    expect(w({ range: 'custom', from: '2026-10-01', to: '2026-10-31' })).toEqual({ from: '2026-10-01', to: '2026-11-01', prevFrom: '2026-08-31', prevTo: '2026-10-01', interval: 'day' });
  });
  it('an explicit interval wins over the automatic one', () => {
    expect(w({ range: '30d', interval: 'week' }).interval).toBe('week');
    expect([1, 2, 62, 63, 366, 400].map(autoInterval)).toEqual(['hour', 'day', 'day', 'week', 'week', 'month']);
  });
  it('API query of a window', () => {
    const f: Filters = { ...DEFAULT_FILTERS, channels: ['whatsapp', 'email'], agents: ['a,b', 'c'], tz: 'UTC' };
    expect(apiQuery(f, { from: '2026-10-01', to: '2026-11-01' }, { interval: 'day', x: undefined }).toString()).toBe(
      'from=2026-10-01&to=2026-11-01&tz=UTC&channel=whatsapp%2Cemail&agent=a%2Cb&agent=c&interval=day',
    );
  });
});
