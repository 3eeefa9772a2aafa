import { localDate, localMidnight, wallClock } from './tz.ts';

/** The periods a schedule can export, each relative to the moment the run is for. */
export const PERIODS = ['yesterday', 'last_7_days', 'last_week', 'last_month', 'month_to_date'] as const;
export type Period = (typeof PERIODS)[number];

/** A half-open window [from, to), unix ms. */
export interface Window {
  from: number;
  to: number;
}

/**
 * The window of `period` as seen at instant `at` in zone `tz` (calendar days from local
 * midnight; weeks start on Monday, as the metrics' weeks do):
 * - yesterday: the day before `at`'s day;
 * - last_7_days: the 7 whole days before `at`'s day (today not included);
 * - last_week: Monday to Sunday of the week before `at`'s week;
 * - last_month: the calendar month before `at`'s month;
 * - month_to_date: from the 1st of `at`'s month up to `at` itself.
 */
export function periodWindow(period: Period, tz: string, at: number): Window {
  const { y, m, d } = localDate(tz, at);
  switch (period) {
    case 'yesterday':
      return { from: localMidnight(tz, y, m, d - 1), to: localMidnight(tz, y, m, d) };
    case 'last_7_days':
      return { from: localMidnight(tz, y, m, d - 7), to: localMidnight(tz, y, m, d) };
    case 'last_week': {
      const isoDow = ((wallClock(tz, at).getUTCDay() + 6) % 7) + 1; // 1 = Monday
      const monday = d - (isoDow - 1);
      return { from: localMidnight(tz, y, m, monday - 7), to: localMidnight(tz, y, m, monday) };
    }
    case 'last_month':
      return { from: localMidnight(tz, y, m - 1, 1), to: localMidnight(tz, y, m, 1) };
    case 'month_to_date':
      return { from: localMidnight(tz, y, m, 1), to: at };
  }
}

/** "YYYY-MM" of the calendar month holding instant `ms` in the zone (the billing report's month). */
export function monthOf(tz: string, ms: number): string {
  const { y, m } = localDate(tz, ms);
  return `${y}-${String(m).padStart(2, '0')}`;
}
