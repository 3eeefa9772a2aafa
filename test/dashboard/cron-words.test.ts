import { describe, expect, it } from 'vitest';
import { CronTimes, cronError } from '../../api/scheduler/cron.ts';
import { describeCron, fromCron, toCron, type When } from '../../dashboard/src/lib/cron-words.ts';

const when = (w: Partial<When>): When => ({ kind: 'daily', time: '07:00', weekdays: [1], day: 1, cron: '', ...w });

describe('the schedule picker (issue 14 item 1)', () => {
  it('writes the crons the server accepts, and they fire when the words say', () => {
    // Fires computed by the server's own matcher (node-cron), in Jakarta (UTC+7), from Tue 1 Dec 2026 12:00 UTC.
    const from = new Date('2026-12-01T12:00:00Z');
    const cases: Array<[When, string, string]> = [
      [when({ kind: 'daily', time: '07:30' }), '30 7 * * *', '2026-12-02T00:30:00.000Z'],
      [when({ kind: 'weekly', time: '07:00', weekdays: [4, 1] }), '0 7 * * 1,4', '2026-12-03T00:00:00.000Z'],
      [when({ kind: 'monthly', time: '06:05', day: 15 }), '5 6 15 * *', '2026-12-14T23:05:00.000Z'],
      [when({ kind: 'custom', cron: ' 0 */6 * * * ' }), '0 */6 * * *', '2026-12-01T17:00:00.000Z'],
    ];
    for (const [w, cron, fire] of cases) {
      expect(toCron(w)).toBe(cron);
      expect(cronError(cron)).toBeNull();
      expect(new CronTimes(cron, 'Asia/Jakarta').next(from).toISOString(), cron).toBe(fire);
    }
  });

  it('reads a saved cron back into the picker, or keeps it as custom', () => {
    expect(fromCron('0 7 * * 1')).toMatchObject({ kind: 'weekly', time: '07:00', weekdays: [1] });
    expect(fromCron('0 7 * * 0,7,3')).toMatchObject({ kind: 'weekly', weekdays: [0, 3] });
    expect(fromCron('0 0 9 * * *')).toMatchObject({ kind: 'daily', time: '09:00' });
    expect(fromCron('45 23 31 * *')).toMatchObject({ kind: 'monthly', time: '23:45', day: 31 });
    for (const c of ['0 */6 * * *', '0 7 * 1 *', '0 7 1 * 1', '30 0 9 * * *', '0 7 * * 1-5', 'nonsense']) expect(fromCron(c).kind, c).toBe('custom');
    // round trip of every picker form
    for (const c of ['30 7 * * *', '0 7 * * 1,4', '5 6 15 * *']) expect(toCron(fromCron(c))).toBe(c);
  });

  it('says when it runs in words, with the zone, in both languages', () => {
    expect(describeCron('0 7 * * 1', 'Asia/Jakarta', 'en')).toBe('Every Monday at 07:00 (Asia/Jakarta)');
    expect(describeCron('0 7 * * 1', 'Asia/Jakarta', 'id')).toBe('Setiap Senin pukul 07.00 (Asia/Jakarta)');
    expect(describeCron('0 7 * * 1,3,5', 'UTC', 'en')).toBe('Every Monday, Wednesday and Friday at 07:00 (UTC)');
    expect(describeCron('0 7 * * 1,2,3,4,5', 'UTC', 'en')).toBe('Every weekday (Monday to Friday) at 07:00 (UTC)');
    expect(describeCron('30 8 * * *', 'Asia/Jakarta', 'id')).toBe('Setiap hari pukul 08.30 (Asia/Jakarta)');
    expect(describeCron('0 6 1 * *', 'Asia/Jakarta', 'en')).toBe('Every month on day 1 at 06:00 (Asia/Jakarta)');
    expect(describeCron('0 6 1 * *', 'Asia/Jakarta', 'id')).toBe('Setiap bulan tanggal 1 pukul 06.00 (Asia/Jakarta)');
    expect(describeCron('0 */6 * * *', 'Asia/Jakarta', 'en')).toBe('cron 0 */6 * * * (Asia/Jakarta)');
  });
});
