import { localTime, fromLocal, wallClock } from '../../core/time.ts';

import { PERIODS, type Period } from '../../core/wire/exports.ts';

export { PERIODS, type Period };

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
  const { y, m, d } = localTime(tz, at);
  switch (period) {
    case 'yesterday':
      return { from: fromLocal(tz, y, m, d - 1), to: fromLocal(tz, y, m, d) };
    case 'last_7_days':
      return { from: fromLocal(tz, y, m, d - 7), to: fromLocal(tz, y, m, d) };
    case 'last_week': {
      const isoDow = ((wallClock(tz, at).getUTCDay() + 6) % 7) + 1; // 1 = Monday
      const monday = d - (isoDow - 1);
      return { from: fromLocal(tz, y, m, monday - 7), to: fromLocal(tz, y, m, monday) };
    }
    case 'last_month':
      return { from: fromLocal(tz, y, m - 1, 1), to: fromLocal(tz, y, m, 1) };
    case 'month_to_date':
      return { from: fromLocal(tz, y, m, 1), to: at };
  }
}
