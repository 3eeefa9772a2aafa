import { describe, expect, it } from 'vitest';
import { fmtChange, fmtDate, fmtDateTime, fmtDuration, fmtMonth, fmtNumber, fmtPercent, fmtRupiah, fmtScore, fmtShare, NONE, weekdayNames } from '../../dashboard/src/lib/format.ts';

// Intl puts a no-break space in some formats; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('numbers, rupiah and percentages through Intl', () => {
  it('groups thousands the way each language does', () => {
    expect(fmtNumber(1234567, 'id')).toBe('1.234.567');
    expect(fmtNumber(1234567, 'en')).toBe('1,234,567');
    expect(fmtNumber(4, 'en', 2)).toBe('4');
    expect(fmtNumber(492.05, 'id', 1)).toBe('492,1');
  });

  it('rupiah are whole, with the sign of a negative balance', () => {
    expect(plain(fmtRupiah(7700, 'id'))).toBe('Rp 7.700');
    expect(plain(fmtRupiah(6640, 'en'))).toBe('IDR 6,640');
    expect(plain(fmtRupiah(-500, 'id'))).toBe('-Rp 500');
    expect(plain(fmtRupiah(1234.6, 'id'))).toBe('Rp 1.235');
  });

  it('CSAT of the worked example (2 of 3 satisfied) reads 66.7 %', () => {
    expect(fmtPercent(66.667, 'en')).toBe('66.7%');
    expect(fmtPercent(66.667, 'id')).toBe('66,7%');
    expect(fmtPercent(100, 'en')).toBe('100%');
    // Tables and KPIs: one decimal always, scores two (issue 14 item 4: decimals consistent).
    expect([100, 66.667, 50, 0].map((v) => fmtShare(v, 'en'))).toEqual(['100.0%', '66.7%', '50.0%', '0.0%']);
    expect(fmtShare(66.667, 'id')).toBe('66,7%');
    expect([4.5, 4.333, 5].map((v) => fmtScore(v, 'en'))).toEqual(['4.50', '4.33', '5.00']);
    expect(fmtScore(4.5, 'id')).toBe('4,50');
    expect([fmtShare(null, 'en'), fmtScore(undefined, 'en')]).toEqual([NONE, NONE]);
  });

  it('null (a metric over nothing) shows as a dash, never as 0', () => {
    for (const f of [fmtNumber, fmtRupiah, fmtPercent, fmtDuration]) expect(f(null, 'en')).toBe(NONE);
    expect(fmtDate(null, 'id')).toBe(NONE);
  });
});

describe('durations people can read', () => {
  it('two largest units, in English and Indonesian', () => {
    expect(fmtDuration(3900, 'en')).toBe('1 h 5 m');
    expect(fmtDuration(3900, 'id')).toBe('1 jam 5 mnt');
    // The worked example's response times: avg 3975 s, p90 6120 s; first response avg 492.05 s.
    expect(fmtDuration(3975, 'en')).toBe('1 h 6 m');
    expect(fmtDuration(6120, 'en')).toBe('1 h 42 m');
    expect(fmtDuration(492.05, 'en')).toBe('8 m 12 s');
    expect(fmtDuration(492.05, 'id')).toBe('8 mnt 12 dtk');
    expect(fmtDuration(300, 'en')).toBe('5 m');
    expect(fmtDuration(45, 'id')).toBe('45 dtk');
    expect(fmtDuration(90_000, 'en')).toBe('1 d 1 h');
    expect(fmtDuration(90_000, 'id')).toBe('1 hari 1 jam');
  });

  it('rounds into the next unit instead of showing 60', () => {
    expect(fmtDuration(3599.6, 'en')).toBe('1 h');
    expect(fmtDuration(59.7, 'en')).toBe('1 m');
    expect(fmtDuration(86_399, 'en')).toBe('1 d');
    expect(fmtDuration(7170, 'en')).toBe('2 h');
  });

  it('zero, fractions of a second and negatives', () => {
    expect(fmtDuration(0, 'en')).toBe('0 s');
    expect(fmtDuration(0.2, 'en')).toBe('< 1 s');
    expect(fmtDuration(0.7, 'id')).toBe('1 dtk');
    expect(fmtDuration(-65, 'en')).toBe('-1 m 5 s');
  });
});

describe('change against the previous period', () => {
  it('relative, signed, and with its direction', () => {
    expect(fmtChange(9, 6, 'en')).toEqual({ text: '+50%', direction: 'up' });
    expect(fmtChange(3600, 3975, 'en')).toEqual({ text: '-9.4%', direction: 'down' });
    expect(fmtChange(7, 7, 'id')).toEqual({ text: '0%', direction: 'flat' });
    expect(fmtChange(12.5, 10, 'id').text).toBe('+25%');
  });
  it('nothing to compare with', () => {
    expect(fmtChange(7, 0, 'en').direction).toBe('none');
    expect(fmtChange(null, 3, 'en').direction).toBe('none');
    expect(fmtChange(3, null, 'en').text).toBe(NONE);
  });
});

describe('dates', () => {
  it('calendar dates and months in each language', () => {
    expect(fmtDate('2026-10-01', 'id')).toBe('1 Okt 2026');
    expect(fmtDate('2026-10-01', 'en')).toBe('1 Oct 2026');
    expect(fmtMonth('2026-10', 'id')).toBe('Oktober 2026');
    expect(fmtMonth('2026-08', 'en')).toBe('August 2026');
  });
  it('instants in the given time zone', () => {
    expect(plain(fmtDateTime('2026-10-01T02:00:00Z', 'id', 'Asia/Jakarta'))).toMatch(/^1 Okt 2026,? 09[.:]00$/);
    expect(plain(fmtDateTime(Date.parse('2026-10-31T17:30:00Z'), 'en', 'Asia/Jakarta'))).toMatch(/^1 Nov 2026,? 00:30$/);
  });
  it('weekdays start on Monday', () => {
    expect(weekdayNames('en')[0]).toBe('Mon');
    expect(weekdayNames('id', 'long')[6]).toBe('Minggu');
  });
});

describe('series buckets', async () => {
  const { bucketLabel, bucketLabels, bucketRanges, startsWithin } = await import('../../dashboard/src/lib/buckets.ts');
  it('labels read the wall clock of the bucket, not the browser zone', () => {
    expect(bucketLabel('2026-10-01T00:00:00+07:00', 'day', 'en')).toBe('1 Oct');
    expect(bucketLabel('2026-10-01T00:00:00+07:00', 'day', 'id')).toBe('1 Okt');
    expect(bucketLabel('2026-10-01T00:00:00-05:00', 'month', 'id')).toBe('Okt 2026');
    expect(bucketLabels(['2026-10-01T09:00:00+07:00', '2026-10-01T10:00:00+07:00'], 'hour', 'en')).toEqual(['09:00', '10:00']);
    expect(plain(bucketLabels(['2026-10-01T23:00:00+07:00', '2026-10-02T00:00:00+07:00'], 'hour', 'en')[1])).toMatch(/^2 Oct,? 00:00$/);
  });
  it('a week cut by the window starts, and is labelled, at the window start (issue 14 item 3)', () => {
    // October 2026 by week: the API's first bucket is Monday 28 September; it covers 1-4 October.
    const starts = startsWithin(['2026-09-28T00:00:00+07:00', '2026-10-05T00:00:00+07:00'], '2026-10-01T00:00:00.000+07:00');
    expect(bucketLabels(starts, 'week', 'en')).toEqual(['1 Oct', '5 Oct']);
    expect(bucketRanges(starts, '2026-11-01T00:00:00+07:00')[0]).toEqual({ start: '2026-10-01T00:00:00.000+07:00', end: '2026-10-05T00:00:00+07:00' });
    // A window starting on a Monday is left as it is.
    const monday = ['2026-10-05T00:00:00+07:00'];
    expect(startsWithin(monday, '2026-10-05T00:00:00.000+07:00')).toBe(monday);
  });
  it('each bucket ends where the next starts; the last at the window end', () => {
    expect(bucketRanges(['2026-10-01T00:00:00+07:00', '2026-10-02T00:00:00+07:00'], '2026-10-02T12:00:00+07:00')).toEqual([
      { start: '2026-10-01T00:00:00+07:00', end: '2026-10-02T00:00:00+07:00' },
      { start: '2026-10-02T00:00:00+07:00', end: '2026-10-02T12:00:00+07:00' },
    ]);
  });
});
