import { getSettings, WEEKDAYS, type OfficeHours } from '../settings.ts';
import { accountTimezone } from '../account.ts';
import type { Db } from '../db.ts';
import type { OfficeTime } from './types.ts';

/** "HH:MM" as minutes from midnight ("24:00" = 1440). */
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Office spans per ISO weekday from the settings' office hours: sorted, and overlapping
 * or touching spans of a day joined (so no minute counts twice). Empty when none are set.
 */
export function officeSpans(oh: OfficeHours | null | undefined): OfficeTime['spans'] {
  const out: OfficeTime['spans'] = [];
  WEEKDAYS.forEach((day, i) => {
    const spans = (oh?.[day] ?? []).map((s) => ({ from: minutes(s.from), to: minutes(s.to) })).filter((s) => s.to > s.from);
    spans.sort((a, b) => a.from - b.from);
    for (const s of spans) {
      const last = out[out.length - 1];
      if (last && last.dow === i + 1 && s.from <= last.to) last.to = Math.max(last.to, s.to);
      else out.push({ dow: i + 1, from: s.from, to: s.to });
    }
  });
  return out;
}

/**
 * The account's office time for business-hours durations: its office hours, wall-clock in
 * its time zone. Null when it has none, and durations then stay calendar time (never a
 * silent zero).
 */
export async function officeTimeOf(db: Db, account: string): Promise<OfficeTime | null> {
  const [settings, tz] = await Promise.all([getSettings(db, account), accountTimezone(db, account)]);
  const spans = officeSpans(settings.office_hours);
  return spans.length ? { tz, spans } : null;
}
