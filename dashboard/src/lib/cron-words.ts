/**
 * The schedule form's "when it runs": a picker (every day, some weekdays, a day of the
 * month, at HH:MM) that writes the cron the API keeps, reads a saved cron back into it,
 * and says any cron in words with its zone ("Every Monday at 07:00 (Asia/Jakarta)").
 * A cron the picker cannot express (every 6 hours, several months...) stays "custom":
 * it is edited as text and shown as the cron itself. Pure: test/dashboard/cron-words.test.ts.
 */
import type { Lang } from './format.ts';

export type WhenKind = 'daily' | 'weekly' | 'monthly' | 'custom';

export interface When {
  kind: WhenKind;
  /** HH:MM, 24-hour, in the schedule's zone. */
  time: string;
  /** Days of the week for 'weekly', 0 = Sunday ... 6 = Saturday, ascending. */
  weekdays: number[];
  /** Day of the month for 'monthly', 1-31 (a month without it has no run, as cron does). */
  day: number;
  /** The expression itself, for 'custom'. */
  cron: string;
}

export const DEFAULT_WHEN: When = { kind: 'weekly', time: '07:00', weekdays: [1], day: 1, cron: '0 7 * * 1' };

const int = (s: string, lo: number, hi: number): number | null => (/^\d{1,2}$/.test(s) && +s >= lo && +s <= hi ? +s : null);
const pad = (n: number) => String(n).padStart(2, '0');

/** The picker's cron: 5 fields, minute first. */
export function toCron(w: When): string {
  if (w.kind === 'custom') return w.cron.trim();
  const [h, m] = w.time.split(':').map(Number);
  const hm = `${m} ${h}`;
  if (w.kind === 'daily') return `${hm} * * *`;
  if (w.kind === 'monthly') return `${hm} ${w.day} * *`;
  return `${hm} * * ${[...new Set(w.weekdays)].sort((a, b) => a - b).join(',')}`;
}

/** A saved cron back in the picker, or 'custom' when the picker cannot say it. */
export function fromCron(expr: string): When {
  const custom: When = { ...DEFAULT_WHEN, kind: 'custom', cron: expr };
  let f = expr.trim().split(/\s+/);
  if (f.length === 6) {
    if (f[0] !== '0') return custom; // seconds other than 0: only a custom cron says that
    f = f.slice(1);
  }
  if (f.length !== 5) return custom;
  const [mi, hh, dom, mon, dow] = f;
  const m = int(mi, 0, 59);
  const h = int(hh, 0, 23);
  if (m === null || h === null || mon !== '*') return custom;
  const time = `${pad(h)}:${pad(m)}`;
  if (dom === '*' && dow === '*') return { ...DEFAULT_WHEN, kind: 'daily', time, cron: expr };
  if (dom === '*') {
    const days = dow.split(',').map((d) => int(d, 0, 7));
    if (days.some((d) => d === null)) return custom;
    const weekdays = [...new Set(days.map((d) => (d as number) % 7))].sort((a, b) => a - b);
    return { ...DEFAULT_WHEN, kind: 'weekly', time, weekdays, cron: expr };
  }
  const day = int(dom, 1, 31);
  if (day === null || dow !== '*') return custom;
  return { ...DEFAULT_WHEN, kind: 'monthly', time, day, cron: expr };
}

/** Weekday names, Sunday first (cron's 0). */
export const WEEKDAYS: Record<Lang, readonly string[]> = {
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  id: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
};

const list = (xs: string[], and: string) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} ${and} ${xs[xs.length - 1]}`);

/** "Every Monday and Thursday at 07:00 (Asia/Jakarta)"; Indonesian writes 07.00. */
export function describeCron(expr: string, tz: string, lang: Lang): string {
  const w = fromCron(expr);
  const at = lang === 'id' ? w.time.replace(':', '.') : w.time;
  const zone = ` (${tz})`;
  const en = lang === 'en';
  switch (w.kind) {
    case 'daily':
      return (en ? `Every day at ${at}` : `Setiap hari pukul ${at}`) + zone;
    case 'monthly':
      return (en ? `Every month on day ${w.day} at ${at}` : `Setiap bulan tanggal ${w.day} pukul ${at}`) + zone;
    case 'weekly': {
      const names = w.weekdays.map((d) => WEEKDAYS[lang][d]);
      const weekdaysOnly = w.weekdays.join(',') === '1,2,3,4,5';
      if (en) return (weekdaysOnly ? `Every weekday (Monday to Friday) at ${at}` : `Every ${list(names, 'and')} at ${at}`) + zone;
      return (weekdaysOnly ? `Setiap hari kerja (Senin sampai Jumat) pukul ${at}` : `Setiap ${list(names, 'dan')} pukul ${at}`) + zone;
    }
    default:
      return `cron ${expr.trim()}${zone}`;
  }
}
