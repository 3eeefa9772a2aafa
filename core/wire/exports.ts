/** The names of exports: reports, formats and schedule periods (the API, the store and the scheduler use these). */

export const REPORTS = ['overview', 'csat', 'rooms', 'billing'] as const;
export type Report = (typeof REPORTS)[number];
/** Reports that also come out as CSV (one flat table each). */
export const CSV_REPORTS: readonly Report[] = ['csat', 'rooms'];
export type Format = 'xlsx' | 'csv';

/** The periods a schedule can export, each relative to the moment the run is for. */
export const PERIODS = ['yesterday', 'last_7_days', 'last_week', 'last_month', 'month_to_date'] as const;
export type Period = (typeof PERIODS)[number];
